#include "client/ClientSession.h"
#include "client/ClientTestSupport.h"
#include "client/SecretStore.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Tulip-Harbor-2718!");
const QString kSecondPassword = QStringLiteral("Marble-Orchid-Tundra-5309!");
const QString kThirdPassword = QStringLiteral("Copper-Falcon-Riddle-8842!");
const QString kWrongPassword = QStringLiteral("Tulip-Harbor-2719!");
// Lockout duration of the server's default configuration, in seconds.
constexpr qint64 kLockoutSeconds = 15 * 60;
// Time the server's mail worker gets to write a message to the outbox, in milliseconds.
constexpr int kMailWaitMs = 30000;

} // namespace

// The authentication commands of chartinsight-cli against a real server with a movable clock,
// each test with its own profile folder and an emptied keychain.
class TestAuthCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void c01LockoutAcrossSpellings();
    void c03CodeBelongsToItsSignIn();
    void c04ResetLinkDiesOnPasswordChange();
    void mfaLoginPromptsForCode();
    void sessionsAndLogoutAll();
    void adminUnlocks();
    void usageErrors_data();
    void usageErrors();

private:
    ProcessOutput cli(const QStringList& arguments, const QByteArray& input = {}) const;
    ProcessOutput login(const QString& email, const QByteArray& input) const;
    QString newUser(const QString& name, bool admin = false);
    int mailCount() const { return int(outboxMessages(m_server.dataDir()).size()); }

    TestClock m_clock;
    ServerProcess m_server;
    std::unique_ptr<QTemporaryDir> m_profile;
    int m_userCount = 0;
};

void TestAuthCli::initTestCase()
{
    QVERIFY2(QFile::exists(cliExecutable()), "build chartinsight-cli first");
    m_clock.exportToEnvironment();
    QVERIFY(m_server.start());
}

void TestAuthCli::init()
{
    QVERIFY(m_clock.setOffset(0));
    m_profile = std::make_unique<QTemporaryDir>();
    QVERIFY(removeSecret(QString::fromLatin1(client::kCacheKeyEntry)).ok());
    QVERIFY(removeSecret(client::sessionEntryName(m_server.url().toString())).ok());
}

ProcessOutput TestAuthCli::cli(const QStringList& arguments, const QByteArray& input) const
{
    return runProcess(cliExecutable(),
                      QStringList{QStringLiteral("--server"), m_server.url().toString(),
                                  QStringLiteral("--ca-file"), m_server.caFile()} +
                          arguments,
                      input, 120000,
                      {QStringLiteral("CHARTINSIGHT_PROFILE_DIR=") + m_profile->path()});
}

ProcessOutput TestAuthCli::login(const QString& email, const QByteArray& input) const
{
    return cli({QStringLiteral("login"), QStringLiteral("--email"), email}, input);
}

// Adds a user with kPassword; the name makes each test's accounts distinct.
QString TestAuthCli::newUser(const QString& name, bool admin)
{
    const QString email = QStringLiteral("%1%2@example.test").arg(name).arg(++m_userCount);
    return m_server.addUser(email, kPassword, admin) == 0 ? email : QString();
}

void TestAuthCli::c01LockoutAcrossSpellings()
{
    const QString email = newUser(QStringLiteral("alice"));
    QVERIFY(!email.isEmpty());
    const int mailBefore = mailCount();
    const QString upper = email.toUpper();
    const QString spaced = u' ' + email.left(1).toUpper() + email.mid(1) + u' ';
    const QStringList spellings = {email, email, upper, upper, spaced};
    for (const QString& spelling : spellings) {
        const ProcessOutput failed = login(spelling, kWrongPassword.toUtf8() + '\n');
        QCOMPARE(failed.exitCode, 1);
    }

    QString mixed = email;
    for (qsizetype i = 0; i < mixed.size(); i += 2)
        mixed[i] = mixed[i].toUpper();
    const ProcessOutput locked = login(mixed, kPassword.toUtf8() + '\n');
    QCOMPARE(locked.exitCode, 1);
    const QString message = QString::fromUtf8(locked.standardError);
    QVERIFY2(message.contains(QStringLiteral("locked")), locked.standardError);
    QVERIFY2(
        message.contains(QRegularExpression(QStringLiteral("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d"))),
        locked.standardError);
    QVERIFY2(message.contains(QStringLiteral("(local time)")), locked.standardError);
    QCOMPARE(message.count(u'\n'), 1);
    QTRY_COMPARE_WITH_TIMEOUT(mailTo(m_server.dataDir(), email, mailBefore).size(), 1, kMailWaitMs);

    QVERIFY(m_clock.setOffset(kLockoutSeconds + 1));
    const ProcessOutput unlocked = login(mixed, kPassword.toUtf8() + '\n');
    QVERIFY2(unlocked.exitCode == 0, unlocked.standardError);
}

void TestAuthCli::c03CodeBelongsToItsSignIn()
{
    const QString email = newUser(QStringLiteral("carol"));
    QVERIFY(!email.isEmpty());
    QVERIFY(login(email, kPassword.toUtf8() + '\n').exitCode == 0);
    const ProcessOutput enabled =
        cli({QStringLiteral("mfa"), QStringLiteral("enable")}, kPassword.toUtf8() + '\n');
    QVERIFY2(enabled.exitCode == 0, enabled.standardError);

    // Client A is the client library, as the desktop app uses it; client B is the CLI.
    QTemporaryDir profileA;
    client::ConnectionSettings settings;
    settings.serverUrl = m_server.url();
    settings.caFile = m_server.caFile();
    settings.profileDir = profileA.path();
    client::ClientSession clientA(settings);

    int seen = mailCount();
    const TaskOutcome startedA = waitForTask(clientA.signIn(email, kPassword));
    QVERIFY(startedA.ok);
    QVERIFY(startedA.result.toObject().value(QStringLiteral("mfa_required")).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(mailTo(m_server.dataDir(), email, seen).size(), 1, kMailWaitMs);
    const QStringList mailA = mailTo(m_server.dataDir(), email, seen);
    const QString codeA = mfaCodeOf(mailA.first());
    QCOMPARE(codeA.size(), 6);
    seen = mailCount();

    // B signs in and enters A's code: rejected.
    const ProcessOutput aOnB = login(email, kPassword.toUtf8() + '\n' + codeA.toUtf8() + '\n');
    QCOMPARE(aOnB.exitCode, 1);
    QTRY_COMPARE_WITH_TIMEOUT(mailTo(m_server.dataDir(), email, seen).size(), 1, kMailWaitMs);
    const QStringList mailB = mailTo(m_server.dataDir(), email, seen);
    const QString codeB = mfaCodeOf(mailB.first());
    QCOMPARE(codeB.size(), 6);

    if (codeB != codeA) {
        const TaskOutcome bOnA = waitForTask(clientA.verifyMfa(codeB));
        QVERIFY(!bOnA.ok);
        QCOMPARE(bOnA.error.code, QStringLiteral("invalid_code"));
        QVERIFY(bOnA.errorDetails.contains(QStringLiteral("attempts_left")));
    }
    const TaskOutcome aOnA = waitForTask(clientA.verifyMfa(codeA));
    QVERIFY2(aOnA.ok, qPrintable(aOnA.error.message));
    QVERIFY(clientA.isSignedIn());

    // The same code in a fresh sign-in.
    QTemporaryDir profileC;
    settings.profileDir = profileC.path();
    client::ClientSession clientC(settings);
    QVERIFY(waitForTask(clientC.signIn(email, kPassword)).ok);
    const TaskOutcome reused = waitForTask(clientC.verifyMfa(codeA));
    QVERIFY(!reused.ok);
    QCOMPARE(reused.error.code, QStringLiteral("invalid_code"));
}

void TestAuthCli::c04ResetLinkDiesOnPasswordChange()
{
    const QString email = newUser(QStringLiteral("dave"));
    QVERIFY(!email.isEmpty());
    const int seen = mailCount();
    const ProcessOutput requested =
        cli({QStringLiteral("password-reset"), QStringLiteral("--email"), email});
    QVERIFY2(requested.exitCode == 0, requested.standardError);
    QTRY_COMPARE_WITH_TIMEOUT(mailTo(m_server.dataDir(), email, seen).size(), 1, kMailWaitMs);
    const QStringList mail = mailTo(m_server.dataDir(), email, seen);
    const QString token = resetTokenOf(mail.first());
    QVERIFY(!token.isEmpty());

    QVERIFY(login(email, kPassword.toUtf8() + '\n').exitCode == 0);
    const ProcessOutput changed = cli({QStringLiteral("password"), QStringLiteral("change")},
                                      kPassword.toUtf8() + '\n' + kSecondPassword.toUtf8() + '\n');
    QVERIFY2(changed.exitCode == 0, changed.standardError);

    const ProcessOutput reset =
        cli({QStringLiteral("password-reset"), QStringLiteral("--token"), token},
            kThirdPassword.toUtf8() + '\n');
    QCOMPARE(reset.exitCode, 1);
    QVERIFY2(reset.standardError.contains("no longer valid") ||
                 reset.standardError.contains("not valid") ||
                 reset.standardError.contains("invalid"),
             reset.standardError);
    QCOMPARE(reset.standardError.count('\n'), 1);

    QCOMPARE(login(email, kThirdPassword.toUtf8() + '\n').exitCode, 1);
    QCOMPARE(login(email, kSecondPassword.toUtf8() + '\n').exitCode, 0);
}

void TestAuthCli::mfaLoginPromptsForCode()
{
    const QString email = newUser(QStringLiteral("erin"));
    QVERIFY(!email.isEmpty());
    QVERIFY(login(email, kPassword.toUtf8() + '\n').exitCode == 0);
    QVERIFY(cli({QStringLiteral("mfa"), QStringLiteral("enable")}, kPassword.toUtf8() + '\n')
                .exitCode == 0);
    QVERIFY(cli({QStringLiteral("logout")}).exitCode == 0);

    // Without a code line the login fails after the server sent the code.
    const int seen = mailCount();
    const ProcessOutput noCode = login(email, kPassword.toUtf8() + '\n');
    QCOMPARE(noCode.exitCode, 1);
    QVERIFY2(noCode.standardError.contains("code"), noCode.standardError);
    QTRY_COMPARE_WITH_TIMEOUT(mailTo(m_server.dataDir(), email, seen).size(), 1, kMailWaitMs);

    const ProcessOutput wrong = login(email, kPassword.toUtf8() + "\n000000\n");
    QCOMPARE(wrong.exitCode, 1);
    QCOMPARE(wrong.standardError.count('\n'), 1);
    QTRY_COMPARE_WITH_TIMEOUT(mailTo(m_server.dataDir(), email, seen).size(), 2, kMailWaitMs);

    // The right code arrives by e-mail while the CLI waits for the line after the password.
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("CHARTINSIGHT_PROFILE_DIR"), m_profile->path());
    process.setProcessEnvironment(environment);
    process.start(cliExecutable(), {QStringLiteral("--server"), m_server.url().toString(),
                                    QStringLiteral("--ca-file"), m_server.caFile(),
                                    QStringLiteral("login"), QStringLiteral("--email"), email});
    QVERIFY(process.waitForStarted());
    process.write(kPassword.toUtf8() + '\n');
    QTRY_COMPARE_WITH_TIMEOUT(mailTo(m_server.dataDir(), email, seen).size(), 3, kMailWaitMs);
    const QString code = mfaCodeOf(mailTo(m_server.dataDir(), email, seen).last());
    QCOMPARE(code.size(), 6);
    process.write(code.toUtf8() + '\n');
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished(60000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());

    QVERIFY(cli({QStringLiteral("mfa"), QStringLiteral("disable")}, kPassword.toUtf8() + '\n')
                .exitCode == 0);
    QVERIFY(cli({QStringLiteral("logout")}).exitCode == 0);
    QVERIFY(login(email, kPassword.toUtf8() + '\n').exitCode == 0);
}

void TestAuthCli::sessionsAndLogoutAll()
{
    const QString email = newUser(QStringLiteral("frank"));
    QVERIFY(!email.isEmpty());
    QVERIFY(login(email, kPassword.toUtf8() + '\n').exitCode == 0);

    QTemporaryDir otherProfile;
    client::ConnectionSettings settings;
    settings.serverUrl = m_server.url();
    settings.caFile = m_server.caFile();
    settings.profileDir = otherProfile.path();
    client::ClientSession other(settings);
    QVERIFY(waitForTask(other.signIn(email, kPassword, QStringLiteral("ward laptop"))).ok);

    const ProcessOutput listed = cli({QStringLiteral("sessions")});
    QVERIFY2(listed.exitCode == 0, listed.standardError);
    QVERIFY(listed.standardOutput.contains("ward laptop"));
    QVERIFY(listed.standardOutput.contains(" yes "));

    const ProcessOutput all = cli({QStringLiteral("logout"), QStringLiteral("--all")});
    QVERIFY2(all.exitCode == 0, all.standardError);
    const TaskOutcome afterward = waitForTask(other.listRecords());
    QVERIFY(!afterward.ok);
    QVERIFY(!other.isSignedIn());
    QCOMPARE(cli({QStringLiteral("sessions")}).exitCode, 1);
}

void TestAuthCli::adminUnlocks()
{
    const QString admin = newUser(QStringLiteral("admin"), true);
    const QString email = newUser(QStringLiteral("grace"));
    QVERIFY(!admin.isEmpty());
    QVERIFY(!email.isEmpty());
    for (int i = 0; i < 5; ++i)
        QCOMPARE(login(email, kWrongPassword.toUtf8() + '\n').exitCode, 1);
    QCOMPARE(login(email, kPassword.toUtf8() + '\n').exitCode, 1);

    QVERIFY(login(admin, kPassword.toUtf8() + '\n').exitCode == 0);
    const ProcessOutput unlocked =
        cli({QStringLiteral("admin"), QStringLiteral("unlock"), email.toUpper()});
    QVERIFY2(unlocked.exitCode == 0, unlocked.standardError);
    const ProcessOutput unknown = cli(
        {QStringLiteral("admin"), QStringLiteral("unlock"), QStringLiteral("nobody@example.test")});
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY(login(email, kPassword.toUtf8() + '\n').exitCode == 0);
}

void TestAuthCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("reset without option") << QStringList{QStringLiteral("password-reset")};
    QTest::newRow("reset with both") << QStringList{
        QStringLiteral("password-reset"), QStringLiteral("--email"),
        QStringLiteral("a@example.test"), QStringLiteral("--token"), QStringLiteral("t")};
    QTest::newRow("password without change") << QStringList{QStringLiteral("password")};
    QTest::newRow("password other")
        << QStringList{QStringLiteral("password"), QStringLiteral("show")};
    QTest::newRow("mfa other") << QStringList{QStringLiteral("mfa"), QStringLiteral("on")};
    QTest::newRow("admin without email")
        << QStringList{QStringLiteral("admin"), QStringLiteral("unlock")};
    QTest::newRow("admin other") << QStringList{QStringLiteral("admin"), QStringLiteral("delete"),
                                                QStringLiteral("a@example.test")};
    QTest::newRow("all on sessions")
        << QStringList{QStringLiteral("sessions"), QStringLiteral("--all")};
}

void TestAuthCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    const ProcessOutput output = cli(arguments);
    QCOMPARE(output.exitCode, 2);
    QCOMPARE(output.standardError.count('\n'), 1);
}

QTEST_GUILESS_MAIN(TestAuthCli)
#include "TestAuthCli.moc"
