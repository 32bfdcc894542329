// `chartinsight-server audit verify` as a process, on a data folder made by add-user: an intact
// log exits 0 with its entry count, a changed entry exits 3 naming it, and usage errors exit 2.

#include "server/AuditLog.h"
#include "server/ServerSchema.h"
#include "support/TestSupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QStringList kLowCost{QStringLiteral("CHARTINSIGHT_BCRYPT_COST=4")};

} // namespace

class TestAuditCommand : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void intactLogExitsZero();
    void changedEntryExitsThree();
    void missingDatabaseIsError();
    void missingSubcommandIsUsageError();

private:
    ProcessOutput verify(const QString& dataDir) const;
    std::unique_ptr<storage::SqlDatabase> openDatabase() const;

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

    auto database = openDatabase();
    QVERIFY(database);
    server::AuditLog log(*database);
    for (int index = 0; index < 3; ++index) {
        server::AuditEntry entry;
        entry.actorKind = QStringLiteral("system");
        entry.action = QStringLiteral("test.entry");
        entry.outcome = QStringLiteral("success");
        auto appended = log.append(entry);
        QVERIFY2(appended.ok(), appended.ok() ? "" : qPrintable(appended.error().message));
    }
}

ProcessOutput TestAuditCommand::verify(const QString& dataDir) const
{
    return runProcess(serverExecutable(), {QStringLiteral("audit"), QStringLiteral("verify"),
                                           QStringLiteral("--data-dir"), dataDir});
}

std::unique_ptr<storage::SqlDatabase> TestAuditCommand::openDatabase() const
{
    QFile keyFile(m_dataDir + QStringLiteral("/db.key"));
    if (!keyFile.open(QIODevice::ReadOnly))
        return nullptr;
    const QByteArray key = QByteArray::fromHex(keyFile.readAll().trimmed());
    auto opened = server::openServerDatabase(m_dataDir + QStringLiteral("/chartinsight.db"), key);
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
    QVERIFY2(output.standardOutput.startsWith("audit log intact: 3 entries, head "),
             output.standardOutput.constData());
}

void TestAuditCommand::changedEntryExitsThree()
{
    {
        auto database = openDatabase();
        QVERIFY(database);
        auto changed = database->exec(
            QStringLiteral("UPDATE audit_log SET outcome = 'denied' WHERE sequence = 2"));
        QVERIFY(changed.ok());
    }
    const ProcessOutput output = verify(m_dataDir);
    QCOMPARE(output.exitCode, 3);
    QVERIFY2(output.standardOutput.startsWith("audit log broken at entry 2: "),
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
