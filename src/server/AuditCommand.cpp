#include "AuditCommand.h"

#include "AuditLog.h"
#include "DataDirectory.h"
#include "ServerSchema.h"
#include "storage/SqlDatabase.h"

#include <QFileInfo>

#include <cstdio>

namespace chartinsight::server {
namespace {

constexpr int kChainBroken = 3;

int fail(const QString& message)
{
    std::fprintf(stderr, "chartinsight-server audit verify: %s\n", qUtf8Printable(message));
    std::fflush(stderr);
    return 1;
}

} // namespace

int runAuditVerifyCommand(const AuditVerifyOptions& options)
{
    DataDirectory dataDir(options.dataDir);
    if (!QFileInfo::exists(dataDir.databasePath())) {
        return fail(QStringLiteral("no database in '%1'; give the data folder of a server that "
                                   "has started at least once")
                        .arg(options.dataDir));
    }
    auto databaseKey = dataDir.databaseKey(options.databaseKey);
    if (!databaseKey)
        return fail(databaseKey.error().message);
    // Opening applies any pending migrations, so a database from an older version gains the
    // audit tables (empty) instead of failing.
    auto database = openServerDatabase(dataDir.databasePath(), databaseKey.value());
    if (!database)
        return fail(database.error().message);

    AuditLog log(*database.value());
    auto verified = log.verify();
    if (!verified)
        return fail(verified.error().message);
    if (!verified->intact) {
        std::printf("audit log broken at entry %lld: %s\n",
                    static_cast<long long>(verified->firstBrokenSequence),
                    qUtf8Printable(verified->problem));
        std::fflush(stdout);
        return kChainBroken;
    }
    std::printf("audit log intact: %lld entries, head %s\n",
                static_cast<long long>(verified->entriesChecked), verified->headHash.constData());
    std::fflush(stdout);
    return 0;
}

} // namespace chartinsight::server
