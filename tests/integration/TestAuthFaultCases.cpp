// Fault cases of e-mail codes and reset links through the clients: the client library that the
// desktop app uses, chartinsight-cli, and the reset page a browser opens. Time moves through the
// server's test clock. At the end, no code that was sent may appear in the decrypted server
// database, the server log or the clients' logs.
#include "client/ClientSession.h"
#include "client/ClientTestSupport.h"
#include "client/SecretStore.h"
#include "storage/SqlDatabase.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Tulip-Harbor-2718!");
const QString kSecondPassword = QStringLiteral("Marble-Orchid-Tundra-5309!");
const QString kThirdPassword = QStringLiteral("Copper-Falcon-Riddle-8842!");
// Lifetime of an e-mailed code on the server, in seconds.
constexpr qint64 kCodeLifetimeSeconds = 10 * 60;
// Minimum time between two codes for one sign-in, in seconds.
constexpr qint64 kResendIntervalSeconds = 60;
// Time the server's mail worker gets to write a message to the outbox, in milliseconds.
constexpr int kMailWaitMs = 30000;

// Every log line of this process (the client library's included), kept for the final search.
QMutex s_logMutex;
QStringList s_clientLog;
QtMessageHandler s_previousHandler = nullptr;

void keepLogLine(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    {
        QMutexLocker lock(&s_logMutex);
        s_clientLog.append(message);
    }
    if (s_previousHandler)
        s_previousHandler(type, context, message);
}

// Whether `text` contains `code` as a number of its own. Neighbouring letters or digits mean a
// longer value (a timestamp, a hash or an id) that only happens to contain those six digits.
bool containsCode(const QByteArray& text, const QByteArray& code)
{
    const auto isAlphanumeric = [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    };
    for (qsizetype at = text.indexOf(code); at >= 0; at = text.indexOf(code, at + 1)) {
        const qsizetype end = at + code.size();
        const bool ownStart = at == 0 || !isAlphanumeric(text.at(at - 1));
        const bool ownEnd = end == text.size() || !isAlphanumeric(text.at(end));
        if (ownStart && ownEnd)
            return true;
    }
    return false;
}

} // namespace

class TestAuthFaultCases : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void c03ExpiredCodeInClientLibrary();
    void c03ExpiredCodeInCli();
    void c03ResendReplacesCode();
    void c04AdminChangeKillsResetLink();
    // Runs last: searches for every code the earlier tests received.
    void c03CodesNotStoredInClear();

private:
    ProcessOutput cli(const QStringList& arguments, const QByteArray& input = {});
    std::unique_ptr<client::ClientSession> newSession();
    // Adds a user with kPassword; with `mfa`, turns e-mail codes on through the client library.
    QString newUser(const QString& name, bool mfa, bool admin = false);
    // Waits for the next mail to `email` after `seen` earlier ones.
    QString nextMail(const QString& email, int seen);
    // Returns the code of the next mail to `email` and remembers it for the final search.
    QString nextCode(const QString& email, int seen);
    int mailCount(const QString& email) const;
    bool setClock(qint64 secondsFromTestStart);

    TestClock m_clock;
    qint64 m_testStartOffset = 0;
    ServerProcess m_server;
    QTemporaryDir m_profiles;
    std::unique_ptr<QTemporaryDir> m_cliProfile;
    int m_count = 0;
    QSet<QString> m_codes;
    QByteArray m_cliErrors;
};

void TestAuthFaultCases::initTestCase()
{
    QVERIFY2(QFile::exists(cliExecutable()), "build chartinsight-cli first");
    s_previousHandler = qInstallMessageHandler(keepLogLine);
    m_clock.exportToEnvironment();
    QVERIFY(m_server.start());
}

void TestAuthFaultCases::init()
{
    // Each test starts a day later than the last one began, so the clock only moves forward.
    m_testStartOffset += 24 * 60 * 60;
    QVERIFY(setClock(0));
    m_cliProfile = std::make_unique<QTemporaryDir>();
    QVERIFY(removeSecret(QString::fromLatin1(client::kCacheKeyEntry)).ok());
    QVERIFY(removeSecret(client::sessionEntryName(m_server.url().toString())).ok());
}

void TestAuthFaultCases::cleanupTestCase()
{
    m_server.stop();
    qInstallMessageHandler(s_previousHandler);
}

bool TestAuthFaultCases::setClock(qint64 secondsFromTestStart)
{
    return m_clock.setOffset(m_testStartOffset + secondsFromTestStart);
}

ProcessOutput TestAuthFaultCases::cli(const QStringList& arguments, const QByteArray& input)
{
    ProcessOutput output = runProcess(
        cliExecutable(),
        QStringList{QStringLiteral("--server"), m_server.url().toString(),
                    QStringLiteral("--ca-file"), m_server.caFile()} +
            arguments,
        input, 120000, {QStringLiteral("CHARTINSIGHT_PROFILE_DIR=") + m_cliProfile->path()});
    m_cliErrors += output.standardError;
    return output;
}

std::unique_ptr<client::ClientSession> TestAuthFaultCases::newSession()
{
    client::ConnectionSettings settings;
    settings.serverUrl = m_server.url();
    settings.caFile = m_server.caFile();
    settings.profileDir = m_profiles.filePath(QString::number(++m_count));
    return std::make_unique<client::ClientSession>(settings);
}

QString TestAuthFaultCases::newUser(const QString& name, bool mfa, bool admin)
{
    const QString email = QStringLiteral("%1%2@example.test").arg(name).arg(++m_count);
    if (m_server.addUser(email, kPassword, admin) != 0)
        return {};
    if (!mfa)
        return email;
    auto session = newSession();
    if (!waitForTask(session->signIn(email, kPassword)).ok)
        return {};
    const TaskOutcome enabled = waitForTask(session->setMfaEnabled(true, kPassword));
    const bool signedOut = waitForTask(session->signOut()).ok;
    return enabled.ok && signedOut ? email : QString();
}

int TestAuthFaultCases::mailCount(const QString& email) const
{
    return int(mailTo(m_server.dataDir(), email).size());
}

QString TestAuthFaultCases::nextMail(const QString& email, int seen)
{
    QStringList fresh;
    (void)QTest::qWaitFor(
        [&] {
            fresh = mailTo(m_server.dataDir(), email).mid(seen);
            return !fresh.isEmpty();
        },
        kMailWaitMs);
    return fresh.isEmpty() ? QString() : fresh.first();
}

QString TestAuthFaultCases::nextCode(const QString& email, int seen)
{
    const QString code = mfaCodeOf(nextMail(email, seen));
    if (!code.isEmpty())
        m_codes.insert(code);
    return code;
}

void TestAuthFaultCases::c03ExpiredCodeInClientLibrary()
{
    const QString email = newUser(QStringLiteral("carol"), true);
    QVERIFY(!email.isEmpty());
    auto session = newSession();
    const int seen = mailCount(email);
    const TaskOutcome started = waitForTask(session->signIn(email, kPassword));
    QVERIFY2(started.ok, qPrintable(started.error.message));
    QVERIFY(started.result.toObject().value(QStringLiteral("mfa_required")).toBool());
    const QString codeC = nextCode(email, seen);
    QCOMPARE(codeC.size(), 6);

    QVERIFY(setClock(kCodeLifetimeSeconds + 1));
    const TaskOutcome expired = waitForTask(session->verifyMfa(codeC));
    QVERIFY(!expired.ok);
    QCOMPARE(expired.error.code, QStringLiteral("code_expired"));
    QVERIFY2(expired.error.message.contains(QStringLiteral("request a new code")),
             qPrintable(expired.error.message));
    QVERIFY(!session->isSignedIn());
    QVERIFY(session->isMfaPending());

    // Requesting a new code, as the error message asks, finishes the same sign-in.
    const int beforeResend = mailCount(email);
    const TaskOutcome resent = waitForTask(session->resendMfa());
    QVERIFY2(resent.ok, qPrintable(resent.error.message));
    const QString fresh = nextCode(email, beforeResend);
    QCOMPARE(fresh.size(), 6);
    const TaskOutcome accepted = waitForTask(session->verifyMfa(fresh));
    QVERIFY2(accepted.ok, qPrintable(accepted.error.message));
    QVERIFY(session->isSignedIn());
}

void TestAuthFaultCases::c03ExpiredCodeInCli()
{
    const QString email = newUser(QStringLiteral("carol"), true);
    QVERIFY(!email.isEmpty());
    const int seen = mailCount(email);

    // The CLI reads the code on the line after the password, so it waits while the code
    // arrives and the clock moves on.
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("CHARTINSIGHT_PROFILE_DIR"), m_cliProfile->path());
    process.setProcessEnvironment(environment);
    process.start(cliExecutable(), {QStringLiteral("--server"), m_server.url().toString(),
                                    QStringLiteral("--ca-file"), m_server.caFile(),
                                    QStringLiteral("login"), QStringLiteral("--email"), email});
    QVERIFY(process.waitForStarted());
    process.write(kPassword.toUtf8() + '\n');
    const QString codeC = nextCode(email, seen);
    QCOMPARE(codeC.size(), 6);
    QVERIFY(setClock(kCodeLifetimeSeconds + 1));
    process.write(codeC.toUtf8() + '\n');
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished(60000));
    const QByteArray errors = process.readAllStandardError();
    m_cliErrors += errors;
    QCOMPARE(process.exitCode(), 1);
    QVERIFY2(errors.contains("expired"), errors.constData());
    QVERIFY2(errors.contains("request a new code"), errors.constData());
    QCOMPARE(errors.count('\n'), 1);
    QCOMPARE(cli({QStringLiteral("sessions")}).exitCode, 1);
}

void TestAuthFaultCases::c03ResendReplacesCode()
{
    const QString email = newUser(QStringLiteral("carol"), true);
    QVERIFY(!email.isEmpty());
    auto session = newSession();
    const int seen = mailCount(email);
    QVERIFY(waitForTask(session->signIn(email, kPassword)).ok);
    const QString codeD = nextCode(email, seen);
    QCOMPARE(codeD.size(), 6);

    QVERIFY(setClock(kResendIntervalSeconds + 1));
    const int beforeResend = mailCount(email);
    const TaskOutcome resent = waitForTask(session->resendMfa());
    QVERIFY2(resent.ok, qPrintable(resent.error.message));
    QCOMPARE(resent.result.toObject().value(QStringLiteral("resend_available_in")).toInt(),
             int(kResendIntervalSeconds));
    const QString codeE = nextCode(email, beforeResend);
    QCOMPARE(codeE.size(), 6);

    // The two random codes are equal once in a million runs; d is then e and must pass.
    if (codeD != codeE) {
        const TaskOutcome oldCode = waitForTask(session->verifyMfa(codeD));
        QVERIFY(!oldCode.ok);
        QCOMPARE(oldCode.error.code, QStringLiteral("invalid_code"));
        QVERIFY(oldCode.errorDetails.contains(QStringLiteral("attempts_left")));
        QVERIFY(!session->isSignedIn());
    }
    const TaskOutcome newCode = waitForTask(session->verifyMfa(codeE));
    QVERIFY2(newCode.ok, qPrintable(newCode.error.message));
    QVERIFY(session->isSignedIn());
}

void TestAuthFaultCases::c04AdminChangeKillsResetLink()
{
    const QString dave = newUser(QStringLiteral("dave"), false);
    const QString admin = newUser(QStringLiteral("admin"), false, true);
    QVERIFY(!dave.isEmpty());
    QVERIFY(!admin.isEmpty());

    // Dave requests a reset with the CLI and leaves link L unopened.
    const int seen = mailCount(dave);
    const ProcessOutput requested =
        cli({QStringLiteral("password-reset"), QStringLiteral("--email"), dave});
    QVERIFY2(requested.exitCode == 0, requested.standardError);
    const QString linkToken = resetTokenOf(nextMail(dave, seen));
    QVERIFY(!linkToken.isEmpty());

    // The admin signs in with the CLI and sets P2, then signs out again.
    const ProcessOutput adminIn =
        cli({QStringLiteral("login"), QStringLiteral("--email"), admin}, kPassword.toUtf8() + '\n');
    QVERIFY2(adminIn.exitCode == 0, adminIn.standardError);
    const ProcessOutput changed =
        cli({QStringLiteral("admin"), QStringLiteral("set-password"), dave},
            kSecondPassword.toUtf8() + '\n');
    QVERIFY2(changed.exitCode == 0, changed.standardError);
    QVERIFY2(changed.standardOutput.contains("Password set"), changed.standardOutput);
    const ProcessOutput adminOut = cli({QStringLiteral("logout")});
    QVERIFY2(adminOut.exitCode == 0, adminOut.standardError);

    // L no longer sets a password, through the CLI or through its page.
    const ProcessOutput reset =
        cli({QStringLiteral("password-reset"), QStringLiteral("--token"), linkToken},
            kThirdPassword.toUtf8() + '\n');
    QCOMPARE(reset.exitCode, 1);
    QVERIFY2(reset.standardError.contains("no longer valid"), reset.standardError);
    QCOMPARE(reset.standardError.count('\n'), 1);

    const QString pageUrl = m_server.url().toString() + QStringLiteral("/reset-password");
    const ProcessOutput page =
        runProcess(QStringLiteral("curl"),
                   curlArguments(m_server) +
                       QStringList{QStringLiteral("-w"), QStringLiteral("\n%{http_code}"),
                                   pageUrl + QStringLiteral("?token=") + linkToken});
    QCOMPARE(page.exitCode, 0);
    QVERIFY2(page.standardOutput.endsWith("\n410"), page.standardOutput.right(200));
    QVERIFY(!page.standardOutput.contains("<form"));
    QVERIFY(!page.standardOutput.contains("new_password"));

    const ProcessOutput posted = runProcess(
        QStringLiteral("curl"),
        curlArguments(m_server) +
            QStringList{QStringLiteral("-w"), QStringLiteral("\n%{http_code}"),
                        QStringLiteral("--data-urlencode"), QStringLiteral("token=") + linkToken,
                        QStringLiteral("--data-urlencode"),
                        QStringLiteral("new_password=") + kThirdPassword, pageUrl});
    QCOMPARE(posted.exitCode, 0);
    QVERIFY2(posted.standardOutput.endsWith("\n410"), posted.standardOutput.right(200));
    QVERIFY(!posted.standardOutput.contains("Password changed"));

    const auto login = [&](const QString& password) {
        return cli({QStringLiteral("login"), QStringLiteral("--email"), dave},
                   password.toUtf8() + '\n');
    };
    QCOMPARE(login(kThirdPassword).exitCode, 1);
    QCOMPARE(login(kPassword).exitCode, 1);
    const ProcessOutput withP2 = login(kSecondPassword);
    QVERIFY2(withP2.exitCode == 0, withP2.standardError);

    // The audit records the admin's change and the rejected uses of L.
    const QByteArray key =
        QByteArray::fromHex(readFile(m_server.dataDir() + QStringLiteral("/db.key")).trimmed());
    auto database =
        storage::SqlDatabase::open(m_server.dataDir() + QStringLiteral("/chartinsight.db"), key,
                                   storage::SqlDatabase::OpenMode::ExistingOnly);
    QVERIFY2(database.ok(), qPrintable(database ? QString() : database.error().message));
    QStringList events;
    auto read = database.value()->withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto statement = db.prepare(
            QStringLiteral("SELECT a.action || ':' || a.outcome FROM audit_log a JOIN users u "
                           "ON u.id = a.target_id WHERE u.email = ? ORDER BY a.sequence"));
        if (!statement)
            return statement.error();
        statement->bind(1, dave.toLower());
        for (;;) {
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!row.value())
                return {};
            events.append(statement->columnText(0));
        }
    });
    QVERIFY2(read.ok(), qPrintable(read ? QString() : read.error().message));
    QVERIFY2(events.contains(QStringLiteral("account.password_set_by_admin:success")),
             qPrintable(events.join(u',')));
    QVERIFY2(events.contains(QStringLiteral("password_reset.completed:failed")),
             qPrintable(events.join(u',')));
}

void TestAuthFaultCases::c03CodesNotStoredInClear()
{
    QVERIFY2(m_codes.size() >= 4, "the earlier tests received no codes");

    // The mail queue contains a message until it is sent and then erases it, so wait for that.
    const QByteArray key =
        QByteArray::fromHex(readFile(m_server.dataDir() + QStringLiteral("/db.key")).trimmed());
    auto database =
        storage::SqlDatabase::open(m_server.dataDir() + QStringLiteral("/chartinsight.db"), key,
                                   storage::SqlDatabase::OpenMode::ExistingOnly);
    QVERIFY2(database.ok(), qPrintable(database ? QString() : database.error().message));
    storage::SqlDatabase& db = *database.value();
    const auto pendingMail = [&db]() -> qint64 {
        return db.withLock([](storage::SqlDatabase& locked) -> qint64 {
            auto statement = locked.prepare(QStringLiteral(
                "SELECT COUNT(*) FROM mail_queue WHERE sent_at IS NULL AND failed_at IS NULL"));
            if (!statement || !statement->step().ok())
                return -1;
            return statement->columnInt64(0);
        });
    };
    QTRY_COMPARE_WITH_TIMEOUT(pendingMail(), qint64(0), kMailWaitMs);

    // Every column of every row of every table, read as bytes.
    QList<QByteArray> values;
    auto read = db.withLock([&](storage::SqlDatabase& locked) -> Result<void> {
        auto tables =
            locked.prepare(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"));
        if (!tables)
            return tables.error();
        QStringList names;
        for (;;) {
            auto row = tables->step();
            if (!row)
                return row.error();
            if (!row.value())
                break;
            names.append(tables->columnText(0));
        }
        for (const QString& name : std::as_const(names)) {
            auto columns = locked.prepare(QStringLiteral("PRAGMA table_info(\"%1\")").arg(name));
            if (!columns)
                return columns.error();
            QStringList columnNames;
            for (;;) {
                auto row = columns->step();
                if (!row)
                    return row.error();
                if (!row.value())
                    break;
                columnNames.append(columns->columnText(1));
            }
            auto rows = locked.prepare(QStringLiteral("SELECT * FROM \"%1\"").arg(name));
            if (!rows)
                return rows.error();
            for (;;) {
                auto row = rows->step();
                if (!row)
                    return row.error();
                if (!row.value())
                    break;
                for (int column = 0; column < columnNames.size(); ++column)
                    values.append(rows->columnBlob(column));
            }
        }
        return {};
    });
    QVERIFY2(read.ok(), qPrintable(read ? QString() : read.error().message));
    QVERIFY(!values.isEmpty());

    const QByteArray serverLog = m_server.log();
    QVERIFY(!serverLog.isEmpty());
    QByteArray clientLog;
    {
        QMutexLocker lock(&s_logMutex);
        clientLog = s_clientLog.join(u'\n').toUtf8();
    }
    for (const QString& code : std::as_const(m_codes)) {
        const QByteArray bytes = code.toLatin1();
        for (const QByteArray& value : std::as_const(values))
            QVERIFY2(!containsCode(value, bytes), "a sent code is stored in clear in the database");
        QVERIFY2(!containsCode(serverLog, bytes), "a sent code is in the server log");
        QVERIFY2(!containsCode(clientLog, bytes), "a sent code is in the client library's log");
        QVERIFY2(!containsCode(m_cliErrors, bytes), "a sent code is in the CLI's output");
    }
}

QTEST_GUILESS_MAIN(TestAuthFaultCases)
#include "TestAuthFaultCases.moc"
