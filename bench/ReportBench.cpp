// report-bench: seeds a server database with a hash-chained audit trail of N entries (default
// 1,000,000) and times the first page and a deep page of each report query, with and without
// filters, through the server's own ReportRepository. Prints one line per query with its
// median time over several runs and the query plan SQLite chose.
//
// Usage: report-bench [ENTRIES] [DIR]. DIR is where the database goes, by default a temporary
// folder that is removed afterwards. A database that an earlier run seeded there with the same
// ENTRIES is measured again without seeding.

#include "server/AccessPolicy.h"
#include "server/AuditLog.h"
#include "server/ReportRepository.h"
#include "server/ServerSchema.h"
#include "server/SqlHelpers.h"
#include "storage/SqlDatabase.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QUuid>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace chartinsight;
using namespace chartinsight::server;

namespace {

constexpr int kUsers = 200;
constexpr int kTeams = 10;
constexpr int kRecords = 20000;
constexpr int kRuns = 5;
constexpr int kPageSize = 100;
// Milliseconds between two seeded entries: a million entries then span about 35 days.
constexpr qint64 kEntrySpacingMs = 3000;

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

void fail(const char* step, const Error& error)
{
    std::fprintf(stderr, "report-bench: %s failed: %s\n", step, qPrintable(error.message));
    std::exit(1);
}

struct Population
{
    QString organization;
    QStringList users;
    QStringList teams;
    QStringList records;
    QStringList recordOwners;
};

Population seedRows(storage::SqlDatabase& db)
{
    Population population;
    population.organization = newId();
    auto done = db.transaction([&]() -> Result<void> {
        auto run = [&](const QString& statement, const QVariantList& values) -> Result<void> {
            auto changed = sql::run(db, statement, values);
            if (!changed)
                return changed.error();
            return {};
        };
        if (auto r = run(QStringLiteral("INSERT INTO organizations (id, name, created_at) "
                                        "VALUES (?, 'Bench Clinic', 0)"),
                         {population.organization});
            !r)
            return r;
        for (int i = 0; i < kTeams; ++i) {
            population.teams << newId();
            if (auto r = run(QStringLiteral("INSERT INTO teams (id, organization_id, name, "
                                            "is_home, created_at) VALUES (?, ?, ?, ?, 0)"),
                             {population.teams.last(), population.organization,
                              QStringLiteral("Team %1").arg(i), qint64(i == 0 ? 1 : 0)});
                !r)
                return r;
        }
        for (int i = 0; i < kUsers; ++i) {
            population.users << newId();
            if (auto r = run(QStringLiteral("INSERT INTO users (id, organization_id, email, "
                                            "password_hash, created_at) VALUES (?, ?, ?, 'x', 0)"),
                             {population.users.last(), population.organization,
                              QStringLiteral("user%1@bench.test").arg(i)});
                !r)
                return r;
            if (auto r = run(QStringLiteral("INSERT INTO team_members (team_id, user_id, "
                                            "permissions, added_at) VALUES (?, ?, ?, 0)"),
                             {population.teams.at(i % kTeams), population.users.last(),
                              qint64(i == 0 ? 3 : 1)});
                !r)
                return r;
        }
        for (int i = 0; i < kRecords; ++i) {
            population.records << newId();
            population.recordOwners << population.users.at(i % kUsers);
            if (auto r = run(QStringLiteral(
                                 "INSERT INTO records (id, organization_id, owner_id, filename, "
                                 "size, sha256, object_id, wrapped_key, created_at, team_id, "
                                 "sharing, title) VALUES (?, ?, ?, ?, 1, '', ?, x'00', 0, ?, "
                                 "'team', '')"),
                             {population.records.last(), population.organization,
                              population.recordOwners.last(),
                              QStringLiteral("scan-%1.pdf").arg(i), newId(),
                              population.teams.at((i % kUsers) % kTeams)});
                !r)
                return r;
        }
        return {};
    });
    if (!done)
        fail("seeding users, teams and records", done.error());
    return population;
}

// Reads back the rows seedRows() wrote in an earlier run, in the same order.
Population loadPopulation(storage::SqlDatabase& db)
{
    Population population;
    auto column = [&](const QString& query) {
        auto rows = sql::rows(db, query, {}, 1);
        if (!rows)
            fail("reading the seeded rows", rows.error());
        QStringList values;
        for (const QVariantList& row : std::as_const(rows.value()))
            values << row.at(0).toString();
        return values;
    };
    population.organization = column(QStringLiteral("SELECT id FROM organizations")).value(0);
    population.users = column(QStringLiteral("SELECT id FROM users ORDER BY rowid"));
    population.teams = column(QStringLiteral("SELECT id FROM teams ORDER BY rowid"));
    population.records = column(QStringLiteral("SELECT id FROM records ORDER BY rowid"));
    population.recordOwners = column(QStringLiteral("SELECT owner_id FROM records ORDER BY rowid"));
    return population;
}

// Appends `count` entries in one transaction with a valid chain. The mix is about 70 %
// record accesses, 10 % sign-ins, 10 % record changes and 10 % administration.
void seedTrail(storage::SqlDatabase& db, const Population& population, int count, qint64 start)
{
    const QStringList recordActions = {
        QStringLiteral("record.viewed"), QStringLiteral("record.downloaded"),
        QStringLiteral("record.synced"), QStringLiteral("record.previewed")};
    const QStringList changeActions = {
        QStringLiteral("record.title_changed"), QStringLiteral("record.sharing_changed"),
        QStringLiteral("record.uploaded")};
    const QStringList loginActions = {QStringLiteral("login.succeeded"),
                                      QStringLiteral("login.wrong_password"),
                                      QStringLiteral("logout")};
    const QStringList adminActions = {QStringLiteral("member.added"),
                                      QStringLiteral("invitation.sent"),
                                      QStringLiteral("team.renamed")};
    QRandomGenerator random(20261204);

    auto done = db.transaction([&]() -> Result<void> {
        auto insert = db.prepare(QStringLiteral(
            "INSERT INTO audit_log (sequence, created_at, actor_kind, actor_id, action, "
            "target_kind, target_id, outcome, client_ip, device_id, details, previous_hash, "
            "hash, organization_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        if (!insert)
            return insert.error();
        QByteArray previous = AuditLog::genesisHash();
        for (int i = 1; i <= count; ++i) {
            AuditEntry entry;
            entry.sequence = i;
            entry.createdAt = start + qint64(i) * kEntrySpacingMs;
            entry.actorKind = QStringLiteral("user");
            entry.actorId = population.users.at(int(random.bounded(kUsers)));
            entry.outcome = QStringLiteral("success");
            entry.clientIp = QStringLiteral("10.0.0.1");
            entry.deviceId = QStringLiteral("bench-session");
            entry.organizationId = population.organization;
            const int kind = int(random.bounded(10));
            if (kind < 7) {
                entry.action = recordActions.at(int(random.bounded(recordActions.size())));
                entry.targetKind = QStringLiteral("record");
                entry.targetId = population.records.at(int(random.bounded(kRecords)));
            } else if (kind == 7) {
                entry.action = changeActions.at(int(random.bounded(changeActions.size())));
                entry.targetKind = QStringLiteral("record");
                const int record = int(random.bounded(kRecords));
                entry.targetId = population.records.at(record);
                if (entry.action == QLatin1String("record.uploaded"))
                    entry.actorId = population.recordOwners.at(record);
            } else if (kind == 8) {
                entry.action = loginActions.at(int(random.bounded(loginActions.size())));
                entry.targetKind = QStringLiteral("user");
                entry.targetId = entry.actorId;
                if (entry.action == QLatin1String("login.wrong_password")) {
                    entry.actorKind = QStringLiteral("anonymous");
                    entry.actorId.clear();
                    entry.outcome = QStringLiteral("failed");
                }
            } else {
                entry.action = adminActions.at(int(random.bounded(adminActions.size())));
                entry.targetKind = entry.action.startsWith(QLatin1String("invitation"))
                                       ? QStringLiteral("invitation")
                                       : QStringLiteral("team");
                entry.targetId = entry.targetKind == QLatin1String("team")
                                     ? population.teams.at(int(random.bounded(kTeams)))
                                     : newId();
            }
            const QByteArray hash = AuditLog::entryHash(previous, entry);
            insert->bind(1, entry.sequence)
                .bind(2, entry.createdAt)
                .bind(3, entry.actorKind)
                .bind(4, entry.actorId)
                .bind(5, entry.action)
                .bind(6, entry.targetKind)
                .bind(7, entry.targetId)
                .bind(8, entry.outcome)
                .bind(9, entry.clientIp)
                .bind(10, entry.deviceId)
                .bind(11, QStringLiteral("{}"))
                .bind(12, QString::fromLatin1(previous))
                .bind(13, QString::fromLatin1(hash))
                .bind(14, entry.organizationId);
            if (auto inserted = insert->exec(); !inserted)
                return inserted;
            previous = hash;
        }
        return sql::run(db, QStringLiteral("UPDATE audit_head SET sequence = ?, hash = ?"),
                        {qint64(count), QString::fromLatin1(previous)})
            .ok()
                   ? Result<void>()
                   : makeError(QStringLiteral("storage_error"),
                               QStringLiteral("updating the audit head failed"));
    });
    if (!done)
        fail("seeding the audit trail", done.error());
}

// Median milliseconds of kRuns calls of `work`, which returns the number of rows it read.
double medianMs(const std::function<qsizetype()>& work, qsizetype& rows)
{
    QList<double> times;
    for (int i = 0; i < kRuns; ++i) {
        QElapsedTimer timer;
        timer.start();
        rows = work();
        times << double(timer.nsecsElapsed()) / 1e6;
    }
    std::sort(times.begin(), times.end());
    return times.at(kRuns / 2);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    const int count = arguments.size() > 1 ? arguments.at(1).toInt() : 1000000;
    QTemporaryDir temporary;
    const QString dir = arguments.size() > 2 ? arguments.at(2) : temporary.path();
    if (count < 1000) {
        std::fprintf(stderr, "usage: report-bench [ENTRIES >= 1000] [DIR]\n");
        return 2;
    }

    auto opened = openServerDatabase(dir + QStringLiteral("/bench.db"), QByteArray(32, 'k'));
    if (!opened)
        fail("opening the database", opened.error());
    storage::SqlDatabase& db = *opened.value();

    // A larger page cache for the bulk insert: the indexes on random ids touch pages all over
    // the file.
    if (auto cached = db.withLock([](storage::SqlDatabase& locked) {
            return sql::run(locked, QStringLiteral("PRAGMA cache_size = -262144"), {});
        });
        !cached)
        fail("setting the page cache", cached.error());
    QElapsedTimer seeding;
    seeding.start();
    const qint64 start = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    ReportRepository reports(db);
    auto existing = reports.lastSequence();
    if (!existing)
        fail("reading the audit head", existing.error());
    // A database in DIR seeded by an earlier run is measured again as it is.
    const bool reuse = existing.value() == count;
    const Population population = db.withLock([&](storage::SqlDatabase& locked) {
        if (reuse)
            return loadPopulation(locked);
        Population seeded = seedRows(locked);
        seedTrail(locked, seeded, count, start);
        return seeded;
    });
    if (reuse) {
        std::printf("reused the %d audit entries in %s\n", count, qPrintable(dir));
    } else {
        std::printf("seeded %d audit entries (%d users, %d records) in %.1f s\n", count, kUsers,
                    kRecords, double(seeding.elapsed()) / 1000);
    }

    AccessPolicy policy(db);
    const QString user = population.users.at(7);
    const QString record = population.records.at(123);
    const qint64 deepCursor = count / 10; // 90 % of the trail is newer than this page
    const qint64 middle = start + qint64(count / 2) * kEntrySpacingMs;

    struct Case
    {
        const char* name;
        ReportQuery query;
    };
    auto base = [&](ReportKind kind) {
        ReportQuery query;
        query.kind = kind;
        query.organizationId = population.organization;
        return query;
    };
    QList<Case> cases;
    cases.append({"activity, no filter", base(ReportKind::Activity)});
    {
        ReportQuery q = base(ReportKind::Activity);
        q.actorId = user;
        cases.append({"activity, user", q});
    }
    {
        ReportQuery q = base(ReportKind::Activity);
        q.action = QStringLiteral("record.downloaded");
        cases.append({"activity, action", q});
    }
    {
        ReportQuery q = base(ReportKind::Activity);
        q.action = QStringLiteral("login.");
        q.actionIsPrefix = true;
        cases.append({"activity, action prefix", q});
    }
    {
        ReportQuery q = base(ReportKind::Activity);
        q.outcome = QStringLiteral("failed");
        cases.append({"activity, outcome", q});
    }
    {
        ReportQuery q = base(ReportKind::Activity);
        q.teamId = population.teams.at(3);
        cases.append({"activity, team", q});
    }
    {
        ReportQuery q = base(ReportKind::Activity);
        q.since = middle;
        q.until = middle + 24LL * 3600 * 1000;
        cases.append({"activity, one day", q});
    }
    {
        ReportQuery q = base(ReportKind::Activity);
        q.uploaderScope = user;
        cases.append({"activity, uploader scope", q});
    }
    {
        ReportQuery q = base(ReportKind::Access);
        q.recordId = record;
        cases.append({"access, one record", q});
    }
    {
        ReportQuery q = base(ReportKind::Logins);
        q.subjectUserId = user;
        cases.append({"logins, one user", q});
    }
    cases.append({"invitations", base(ReportKind::Invitations)});

    std::printf("\n%-28s %12s %12s %8s  %s\n", "query", "first page", "deep page", "rows",
                "plan");
    for (Case& testCase : cases) {
        qsizetype firstRows = 0;
        qsizetype deepRows = 0;
        const double first = medianMs(
            [&] {
                auto page = reports.page(testCase.query, kPageSize);
                if (!page)
                    fail(testCase.name, page.error());
                return page->size();
            },
            firstRows);
        ReportQuery deep = testCase.query;
        deep.beforeSequence = deepCursor;
        const double deepMs = medianMs(
            [&] {
                auto page = reports.page(deep, kPageSize);
                if (!page)
                    fail(testCase.name, page.error());
                return page->size();
            },
            deepRows);
        std::printf("%-28s %9.2f ms %9.2f ms %4lld/%-4lld\n", testCase.name, first, deepMs,
                    qlonglong(firstRows), qlonglong(deepRows));
    }

    // Names of one full page, as the JSON page resolves them.
    {
        NameResolver names(db, policy, population.users.first(), population.organization, true);
        auto page = reports.page(base(ReportKind::Activity), 1000);
        if (!page)
            fail("names", page.error());
        QElapsedTimer timer;
        timer.start();
        for (const AuditEntry& entry : std::as_const(page.value())) {
            if (auto actor = names.actorName(entry); !actor)
                fail("resolving an actor name", actor.error());
            if (auto target = names.targetName(entry); !target)
                fail("resolving a target name", target.error());
        }
        std::printf("\nnames of a 1000-entry page: %.1f ms\n",
                    double(timer.nsecsElapsed()) / 1e6);
    }

    // The chart: 30 day buckets over the last month of the trail.
    {
        ReportQuery q = base(ReportKind::Activity);
        const qint64 end = start + qint64(count) * kEntrySpacingMs;
        q.since = end - 30 * 24LL * 3600 * 1000;
        q.until = end;
        qsizetype rows = 0;
        const double ms = medianMs(
            [&] {
                auto counts = reports.chart(q, *q.since, 24LL * 3600 * 1000);
                if (!counts)
                    fail("chart", counts.error());
                return counts->size();
            },
            rows);
        std::printf("chart, 30 days by day:        %9.2f ms (%lld bucket-action counts)\n", ms,
                    qlonglong(rows));
    }

    // A whole export walks the trail page by page as the CSV body does.
    {
        QElapsedTimer timer;
        timer.start();
        ReportQuery q = base(ReportKind::Activity);
        qint64 total = 0;
        for (;;) {
            auto page = reports.page(q, 500);
            if (!page)
                fail("export walk", page.error());
            total += page->size();
            if (page->size() < 500)
                break;
            q.beforeSequence = page->last().sequence;
        }
        std::printf("walking all %lld entries in pages of 500: %.1f s\n", qlonglong(total),
                    double(timer.elapsed()) / 1000);
    }

    std::printf("\nquery plans:\n");
    for (const Case& testCase : std::as_const(cases)) {
        ReportQuery deep = testCase.query;
        deep.beforeSequence = deepCursor;
        auto plan = reports.explain(deep, kPageSize);
        if (!plan)
            fail("explain", plan.error());
        std::printf("  %-28s %s\n", testCase.name, qPrintable(plan.value()));
    }
    return 0;
}
