#include "AddUserCommand.h"

#include "AccessSetup.h"
#include "AuditLog.h"
#include "DataDirectory.h"
#include "PasswordPolicy.h"
#include "ServerSchema.h"
#include "ServerSecrets.h"
#include "UserRepository.h"
#include "crypto/PasswordHash.h"
#include "storage/SqlDatabase.h"

#include <QByteArray>
#include <QDateTime>

#include <optional>
#include <termios.h>
#include <unistd.h>

namespace chartinsight::server {
namespace {

// Far above PasswordPolicy::kMaxLength (256 code points of at most 4 UTF-8 bytes each), so an
// overlong line is read whole and rejected by the policy with its length.
constexpr qsizetype kMaxPasswordLineBytes = 4096;

int fail(const QString& message)
{
    std::fprintf(stderr, "chartinsight-server add-user: %s\n", qUtf8Printable(message));
    std::fflush(stderr);
    return 1;
}

// Turns terminal echo off while the password is typed; restores it when destroyed.
class EchoOff
{
public:
    explicit EchoOff(int fd) : m_fd(fd)
    {
        if (::tcgetattr(fd, &m_saved) != 0)
            return;
        termios quiet = m_saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        m_active = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    ~EchoOff()
    {
        if (m_active)
            ::tcsetattr(m_fd, TCSAFLUSH, &m_saved);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    int m_fd;
    termios m_saved = {};
    bool m_active = false;
};

// Reads one line; strips only the line ending ("\n" or "\r\n"). Returns nothing when the input
// is empty or not valid UTF-8.
std::optional<QString> readPasswordLine(std::FILE* input, QString& error)
{
    const int fd = ::fileno(input);
    const bool terminal = ::isatty(fd) == 1;
    std::optional<EchoOff> echoOff;
    if (terminal) {
        std::fprintf(stderr, "Password for the new user: ");
        std::fflush(stderr);
        echoOff.emplace(fd);
    }

    QByteArray line;
    bool sawNewline = false;
    for (int c = std::fgetc(input); c != EOF; c = std::fgetc(input)) {
        if (c == '\n') {
            sawNewline = true;
            break;
        }
        if (line.size() == kMaxPasswordLineBytes)
            break;
        line.append(char(c));
    }
    if (terminal)
        std::fprintf(stderr, "\n");
    if (sawNewline && line.endsWith('\r'))
        line.chop(1);

    if (line.isEmpty()) {
        error = QStringLiteral("no password on standard input; send the password as one line, "
                               "for example: printf '%s\\n' \"$PASSWORD\" | chartinsight-server "
                               "add-user ...");
        return std::nullopt;
    }
    const QString password = QString::fromUtf8(line);
    if (password.toUtf8() != line) {
        error = QStringLiteral("the password on standard input is not valid UTF-8; send it in "
                               "UTF-8 encoding");
        return std::nullopt;
    }
    return password;
}

} // namespace

int runAddUserCommand(const AddUserOptions& options, std::FILE* input)
{
    QString readError;
    const std::optional<QString> password = readPasswordLine(input, readError);
    if (!password)
        return fail(readError);
    if (auto accepted = PasswordPolicy::check(*password, options.email); !accepted)
        return fail(accepted.error().message);

    DataDirectory dataDir(options.dataDir);
    if (auto created = dataDir.create(); !created)
        return fail(created.error().message);
    auto databaseKey = dataDir.databaseKey(options.databaseKey);
    if (!databaseKey)
        return fail(databaseKey.error().message);
    auto database = openServerDatabase(dataDir.databasePath(), databaseKey.value());
    if (!database)
        return fail(database.error().message);
    auto secrets = ServerSecrets::loadOrCreate(*database.value());
    if (!secrets)
        return fail(secrets.error().message);

    UserRepository users(*database.value());
    // Checked before the slow hash, so a taken address fails at once; create() checks again.
    auto existing = users.findByEmail(options.email);
    if (!existing)
        return fail(existing.error().message);
    if (existing.value()) {
        return fail(QStringLiteral("a user with the e-mail address %1 already exists; choose "
                                   "another address")
                        .arg(options.email));
    }

    auto hash = crypto::hashPassword(*password, secrets->passwordPepper, options.bcryptCost);
    if (!hash)
        return fail(hash.error().message);
    // The organization, its home team, the user, the home-team membership and the audit entry
    // are created in one transaction, so no user is ever left without a team or unaudited.
    std::optional<UserRow> user;
    auto created = database.value()->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto organizationId = users.findOrCreateOrganization(options.organization);
            if (!organizationId)
                return organizationId.error();
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            auto homeTeamId = AccessSetup::ensureOrganization(db, organizationId.value(), now);
            if (!homeTeamId)
                return homeTeamId.error();
            auto row =
                users.create(organizationId.value(), options.email, hash.value(), options.admin);
            if (!row)
                return row.error();
            user = row.value();
            auto member =
                AccessSetup::addMember(db, homeTeamId.value(), user->id,
                                       AccessSetup::initialHomePermissions(options.admin), now);
            if (!member)
                return member;
            AuditEntry entry = systemAuditEntry(
                QStringLiteral("add-user"), QStringLiteral("user.created"), QStringLiteral("user"),
                user->id, QStringLiteral("success"), organizationId.value());
            entry.details = QJsonObject{{QStringLiteral("team_id"), homeTeamId.value()},
                                        {QStringLiteral("admin"), options.admin}};
            return AuditLog(db).append(std::move(entry));
        });
    });
    if (!created) {
        if (created.error().code == QLatin1String(kEmailTaken)) {
            return fail(QStringLiteral("a user with the e-mail address %1 already exists; choose "
                                       "another address")
                            .arg(options.email));
        }
        return fail(created.error().message);
    }

    std::printf("created %suser %s\n", options.admin ? "admin " : "", qUtf8Printable(user->id));
    std::fflush(stdout);
    return 0;
}

} // namespace chartinsight::server
