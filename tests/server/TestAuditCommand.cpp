// `chartinsight-server audit verify` as a process, on a data folder made by add-user. An intact
// log exits 0 with its entry count. An edited, deleted, reordered or cut-off entry exits 3 and
// names the first broken entry. Usage errors exit 2.

#include "server/AuditLog.h"
#include "server/ServerSchema.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QStringList kLowCost{QStringLiteral("CHARTINSIGHT_BCRYPT_COST=4")};
// add-user writes entry 1 (user.created), and initTestCase appends the rest.
constexpr int kEntryCount = 6;

} // namespace

class TestAuditCommand : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void intactLogExitsZero();
    void tamperedLogExitsThree_data();
    void tamperedLogExitsThree();
    void missingDatabaseIsError();
    void missingSubcommandIsUsageError();

private:
    ProcessOutput verify(const QString& dataDir) const;
    std::unique_ptr<storage::SqlDatabase> openDatabase(const QString& dataDir) const;
    // A copy of the data folder's database and key, for a test that alters it.
    QString copyOfData(const QString& name) const;

    QTemporaryDir m_dir;
    QString m_dataDir;
};

void TestAuditCommand::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dataDir = m_dir.filePath(QStringLiteral("data"));
    const ProcessOutput created =
        runProcess(serverExecutable(),
                   {QStringLiteral("add-user"), QStringLiteral("--data-dir"), m_dataDir,
                    QStringLiteral("--email"), QStringLiteral("auditor@example.test")},
                   "Harbor-Velvet-Pepper-8812\n", 60000, kLowCost);
    QVERIFY2(created.exitCode == 0, created.standardError.constData());

    auto database = openDatabase(m_dataDir);
    QVERIFY(database);
    server::AuditLog log(*database);
    for (int index = 2; index <= kEntryCount; ++index) {
        server::AuditEntry entry;
        entry.actorKind = QStringLiteral("system");
        entry.actorId = QStringLiteral("test");
        entry.action = QStringLiteral("test.entry%1").arg(index);
        entry.targetKind = QStringLiteral("record");
        entry.targetId = QStringLiteral("record-%1").arg(index);
        entry.outcome = QStringLiteral("success");
        // Some entries have no organization, like those written before the column existed.
        if (index % 2 == 0)
            entry.organizationId = QStringLiteral("organization-1");
        auto appended = log.append(entry);
        QVERIFY2(appended.ok(), appended.ok() ? "" : qPrintable(appended.error().message));
    }
}

QString TestAuditCommand::copyOfData(const QString& name) const
{
    const QString copy = m_dir.filePath(name);
    if (!QDir().mkpath(copy))
        return QString();
    for (const QString& file : {QStringLiteral("db.key"), QStringLiteral("chartinsight.db"),
                                QStringLiteral("chartinsight.db-wal")}) {
        const QString source = m_dataDir + QLatin1Char('/') + file;
        if (QFile::exists(source) && !QFile::copy(source, copy + QLatin1Char('/') + file))
            return QString();
    }
    return copy;
}

ProcessOutput TestAuditCommand::verify(const QString& dataDir) const
{
    return runProcess(serverExecutable(), {QStringLiteral("audit"), QStringLiteral("verify"),
                                           QStringLiteral("--data-dir"), dataDir});
}

std::unique_ptr<storage::SqlDatabase> TestAuditCommand::openDatabase(const QString& dataDir) const
{
    QFile keyFile(dataDir + QStringLiteral("/db.key"));
    if (!keyFile.open(QIODevice::ReadOnly))
        return nullptr;
    const QByteArray key = QByteArray::fromHex(keyFile.readAll().trimmed());
    auto opened = server::openServerDatabase(dataDir + QStringLiteral("/chartinsight.db"), key);
    if (!opened) {
        qWarning("%s", qPrintable(opened.error().message));
        return nullptr;
    }
    return std::move(opened.value());
}

void TestAuditCommand::intactLogExitsZero()
{
    const ProcessOutput output = verify(m_dataDir);
    QCOMPARE(output.exitCode, 0);
    QVERIFY2(output.standardOutput.startsWith(
                 QStringLiteral("audit log intact: %1 entries, head ").arg(kEntryCount).toUtf8()),
             output.standardOutput.constData());
}

void TestAuditCommand::tamperedLogExitsThree_data()
{
    QTest::addColumn<QString>("statements");
    QTest::addColumn<int>("firstBroken");
    QTest::newRow("edited outcome")
        << QStringLiteral("UPDATE audit_log SET outcome = 'denied' WHERE sequence = 2") << 2;
    QTest::newRow("edited organization")
        << QStringLiteral("UPDATE audit_log SET organization_id = 'organization-2' WHERE "
                          "sequence = 4")
        << 4;
    QTest::newRow("organization added")
        << QStringLiteral("UPDATE audit_log SET organization_id = 'organization-2' WHERE "
                          "sequence = 3")
        << 3;
    QTest::newRow("deleted entry")
        << QStringLiteral("DELETE FROM audit_log WHERE sequence = 3") << 3;
    // Entries 3 and 4 swap everything but their sequence, each keeping its own hashes.
    QStringList assignments;
    for (const char* column :
         {"created_at", "actor_kind", "actor_id", "action", "target_kind", "target_id", "outcome",
          "client_ip", "device_id", "details", "previous_hash", "hash", "organization_id"}) {
        assignments << QStringLiteral("%1 = (SELECT %1 FROM swapped s WHERE s.sequence = 7 - "
                                      "audit_log.sequence)")
                           .arg(QLatin1String(column));
    }
    QTest::newRow("reordered pair")
        << QStringLiteral("CREATE TEMP TABLE swapped AS SELECT * FROM audit_log WHERE sequence "
                          "IN (3, 4); UPDATE audit_log SET %1 WHERE sequence IN (3, 4);")
               .arg(assignments.join(QStringLiteral(", ")))
        << 3;
    QTest::newRow("entries cut from the end")
        << QStringLiteral("DELETE FROM audit_log WHERE sequence > 4") << 5;
}

void TestAuditCommand::tamperedLogExitsThree()
{
    QFETCH(QString, statements);
    QFETCH(int, firstBroken);
    const QString dataDir = copyOfData(QString::fromLatin1(QTest::currentDataTag()));
    QVERIFY(!dataDir.isEmpty());
    {
        auto database = openDatabase(dataDir);
        QVERIFY(database);
        auto changed = database->exec(statements);
        QVERIFY2(changed.ok(), changed.ok() ? "" : qPrintable(changed.error().message));
    }
    const ProcessOutput output = verify(dataDir);
    QCOMPARE(output.exitCode, 3);
    QVERIFY2(output.standardOutput.startsWith(
                 QStringLiteral("audit log broken at entry %1: ").arg(firstBroken).toUtf8()),
             output.standardOutput.constData());
}

void TestAuditCommand::missingDatabaseIsError()
{
    const ProcessOutput output = verify(m_dir.filePath(QStringLiteral("no-such-folder")));
    QCOMPARE(output.exitCode, 1);
    QVERIFY2(output.standardError.contains("no database in"), output.standardError.constData());
}

void TestAuditCommand::missingSubcommandIsUsageError()
{
    const ProcessOutput output = runProcess(
        serverExecutable(), {QStringLiteral("audit"), QStringLiteral("--data-dir"), m_dataDir});
    QCOMPARE(output.exitCode, 2);
    QVERIFY2(output.standardError.contains("audit verify"), output.standardError.constData());
}

QTEST_GUILESS_MAIN(TestAuditCommand)
#include "TestAuditCommand.moc"
