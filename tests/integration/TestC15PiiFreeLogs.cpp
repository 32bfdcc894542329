// Fault case C15: requests that fail while they carry secrets must not write those secrets to
// any log. At debug level, this test makes a download fail with HTTP 500, runs the CLI with a
// revoked token, completes an expired reset link, accepts a revoked invitation and cuts a sync
// off with a TLS error. Then it searches the server logs, the client library's log (the desktop
// app's log handler), the CLI's log and its standard error for the access and refresh tokens,
// the reset and invitation tokens, the e-mail addresses, the passwords, the title and the file
// name. The product has no crash reporter, so there is no crash output to search; fatal
// messages go through the same log handler.
// The product has no API keys and no OAuth sign-in yet, so the parts of the case about an
// invalid API key and an OAuth callback with a wrong state are skipped (apiKeyCall,
// oauthCallbackWithWrongState).

#include "client/ClientSession.h"
#include "client/ClientTestSupport.h"
#include "client/SecretStore.h"
#include "core/Logging.h"
#include "server/InvitationTestSupport.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QString kAdminEmail = QStringLiteral("c15.admin@clinic.test");
const QString kPassword = QStringLiteral("Quartz-Meadow-Violet-314");
const QString kNewPassword = QStringLiteral("Copper-Lantern-Orchid-928");
const QString kInviteeEmail = QStringLiteral("c15.invitee@clinic.test");
const QString kInviteePassword = QStringLiteral("Saffron-Harbor-Pebble-476");
const QString kFileName = QStringLiteral("Roe-Jane-knee-MRI.pdf");
const QString kTitle = QStringLiteral("Jane Roe knee MRI 2026");
constexpr qint64 kObjectHeaderBytes = 8;

QSet<QString> storedObjects(const QString& dataDir)
{
    QSet<QString> files;
    QDirIterator it(dataDir + QStringLiteral("/store/objects"), QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files.insert(it.next());
    return files;
}

bool flipByte(const QString& path, qint64 offset)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite) || !file.seek(offset))
        return false;
    char byte = 0;
    if (file.read(&byte, 1) != 1 || !file.seek(offset))
        return false;
    byte = char(byte ^ 0x5a);
    return file.write(&byte, 1) == 1;
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestC15PiiFreeLogs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void cliWithRevokedToken();
    void downloadAnsweredWith500();
    void expiredResetLink();
    void revokedInvitationLink();
    void syncCutOffByTlsError();
    void apiKeyCall();
    void oauthCallbackWithWrongState();
    void logsHoldNoSecrets();

private:
    ProcessOutput cli(const QStringList& arguments, const QByteArray& input = {});
    std::unique_ptr<client::ClientSession> signedInSession();
    // Adds the access and refresh token stored in the keychain for the server to the secrets.
    void rememberStoredTokens();
    void addSecret(const QString& kind, const QString& value);

    InvitationServer m_server;
    ServerProcess m_impostor; // another certificate on the same port, for the TLS error
    QTemporaryDir m_files;
    QTemporaryDir m_cliProfile;
    QString m_clientLogPath;
    QString m_serverUrl;
    QString m_recordId;
    QByteArray m_cliErrors;
    QList<QPair<QString, QString>> m_secrets; // kind, value
    int m_sessionCount = 0;
};

void TestC15PiiFreeLogs::initTestCase()
{
    QVERIFY(m_files.isValid());
    QVERIFY(m_cliProfile.isValid());

    // The client library in this process logs through the desktop app's handler, at debug
    // level, into a file that check_test_logs searches too. The variable is removed again at
    // once, so that the servers started below keep logging to their own files.
    QDir().mkpath(testLogDir());
    m_clientLogPath = testLogDir() + QStringLiteral("/c15-client-%1.log")
                                         .arg(QCoreApplication::applicationPid());
    qputenv(kLogFileVariable, QFile::encodeName(m_clientLogPath));
    installLogHandler();
    qunsetenv(kLogFileVariable);
    setLogLevel(QtDebugMsg);

    QVERIFY(m_server.start());
    m_serverUrl = m_server.process().url().toString();
    QCOMPARE(m_server.addUser(kAdminEmail, kPassword, QStringLiteral("Clinic C15"), true), 0);
    addSecret(QStringLiteral("e-mail address"), kAdminEmail);
    addSecret(QStringLiteral("password"), kPassword);
    addSecret(QStringLiteral("new password"), kNewPassword);
    addSecret(QStringLiteral("invitee's e-mail address"), kInviteeEmail);
    addSecret(QStringLiteral("invitee's password"), kInviteePassword);
    addSecret(QStringLiteral("file name"), kFileName);
    addSecret(QStringLiteral("record title"), kTitle);
    QVERIFY(removeSecret(client::sessionEntryName(m_serverUrl)).ok());
}

void TestC15PiiFreeLogs::cleanupTestCase()
{
    m_impostor.stop();
    m_server.stop();
    qInstallMessageHandler(nullptr);
}

void TestC15PiiFreeLogs::addSecret(const QString& kind, const QString& value)
{
    if (value.isEmpty())
        return;
    m_secrets.append({kind, value});
    recordTestSecret(value);
}

ProcessOutput TestC15PiiFreeLogs::cli(const QStringList& arguments, const QByteArray& input)
{
    ProcessOutput output = runProcess(
        cliExecutable(),
        QStringList{QStringLiteral("--server"), m_serverUrl, QStringLiteral("--ca-file"),
                    m_server.process().caFile(), QStringLiteral("--signatures"),
                    testSignatureDir(), QStringLiteral("--log-level"), QStringLiteral("debug")} +
            arguments,
        input, 120000, {QStringLiteral("CHARTINSIGHT_PROFILE_DIR=") + m_cliProfile.path()});
    m_cliErrors += output.standardError;
    return output;
}

void TestC15PiiFreeLogs::rememberStoredTokens()
{
    const auto stored = readSecret(client::sessionEntryName(m_serverUrl));
    QVERIFY(stored.ok());
    QVERIFY(stored.value().has_value());
    const QJsonObject tokens = QJsonDocument::fromJson(stored.value()->toUtf8()).object();
    const QString access = tokens.value(QStringLiteral("access_token")).toString();
    const QString refresh = tokens.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!access.isEmpty());
    QVERIFY(!refresh.isEmpty());
    addSecret(QStringLiteral("access token"), access);
    addSecret(QStringLiteral("refresh token"), refresh);
}

std::unique_ptr<client::ClientSession> TestC15PiiFreeLogs::signedInSession()
{
    client::ConnectionSettings settings;
    settings.serverUrl = m_server.process().url();
    settings.caFile = m_server.process().caFile();
    settings.profileDir = m_files.filePath(QStringLiteral("profile%1").arg(++m_sessionCount));
    auto session = std::make_unique<client::ClientSession>(settings);
    const TaskOutcome signedIn =
        waitForTask(session->signIn(kAdminEmail, kPassword, QStringLiteral("C15 test")));
    if (!signedIn.ok) {
        qWarning().noquote() << "sign-in failed:" << signedIn.error.code;
        return nullptr;
    }
    return session;
}

// The CLI signs in, then its session is revoked on the server, so the next call carries a
// token the server rejects.
void TestC15PiiFreeLogs::cliWithRevokedToken()
{
    const ProcessOutput login =
        cli({QStringLiteral("login"), QStringLiteral("--email"), kAdminEmail}, kPassword.toUtf8());
    QVERIFY2(login.exitCode == 0, login.standardError.constData());
    rememberStoredTokens();

    const QString path = writeFile(m_files.path(), kFileName, QByteArray(200 * 1024, 'r'));
    QVERIFY(!path.isEmpty());
    const QSet<QString> before = storedObjects(m_server.process().dataDir());
    const ProcessOutput uploaded = cli({QStringLiteral("upload"), path});
    QVERIFY2(uploaded.exitCode == 0, uploaded.standardError.constData());
    m_recordId = QString::fromUtf8(uploaded.standardOutput).trimmed();
    QVERIFY(!m_recordId.isEmpty());
    const QSet<QString> added = storedObjects(m_server.process().dataDir()) - before;
    QCOMPARE(added.size(), 1);
    // The first segment no longer authenticates, so every download of the record fails with
    // HTTP 500 record_damaged before the status line.
    QVERIFY(flipByte(*added.begin(), kObjectHeaderBytes + 100));

    const ProcessOutput download =
        cli({QStringLiteral("download"), m_recordId, QStringLiteral("--output"),
             m_files.filePath(QStringLiteral("cli-download"))});
    QVERIFY(download.exitCode != 0);
    QVERIFY2(download.standardError.contains(m_recordId.toUtf8()),
             download.standardError.constData());

    const auto stored = readSecret(client::sessionEntryName(m_serverUrl));
    QVERIFY(stored.ok() && stored.value().has_value());
    const QString access = QJsonDocument::fromJson(stored.value()->toUtf8())
                               .object()
                               .value(QStringLiteral("access_token"))
                               .toString();
    const CurlResult revoked = m_server.curl().request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/logout-all"), {}, access);
    QCOMPARE(revoked.status, 200);

    const ProcessOutput listed = cli({QStringLiteral("list")});
    QVERIFY(listed.exitCode != 0);
    QVERIFY(!readAll(cliLogPath()).isEmpty());
}

// The desktop library downloads a record whose stored object is damaged: HTTP 500.
void TestC15PiiFreeLogs::downloadAnsweredWith500()
{
    QVERIFY(!m_recordId.isEmpty());
    auto session = signedInSession();
    QVERIFY(session);
    rememberStoredTokens();

    const TaskOutcome titled = waitForTask(session->setRecordTitle(m_recordId, kTitle));
    QVERIFY2(titled.ok, qPrintable(titled.error.code));
    const TaskOutcome downloaded =
        waitForTask(session->download(m_recordId, m_files.filePath(QStringLiteral("download"))));
    QVERIFY(!downloaded.ok);
    QCOMPARE(downloaded.error.code, QStringLiteral("record_damaged"));

    const QByteArray clientLog = readAll(m_clientLogPath);
    QVERIFY(clientLog.contains("failed with HTTP 500"));
    QVERIFY(clientLog.contains(m_recordId.toLatin1()));
    const QByteArray serverLog = m_server.process().log();
    QVERIFY(serverLog.contains(m_recordId.toLatin1()));
    // The failure is logged with the id of the request it belongs to.
    QVERIFY(serverLog.contains("chartinsight.server.records [request "));
}

void TestC15PiiFreeLogs::expiredResetLink()
{
    auto session = signedInSession();
    QVERIFY(session);
    const TaskOutcome requested = waitForTask(session->requestPasswordReset(kAdminEmail));
    QVERIFY(requested.ok);
    const QString mail = m_server.waitForMail(kAdminEmail);
    const QString token = resetTokenOf(mail);
    QVERIFY(!token.isEmpty());
    addSecret(QStringLiteral("reset token"), token);

    // Past the link's lifetime of one hour.
    QVERIFY(m_server.advanceClock(2 * 60 * 60));
    const TaskOutcome completed = waitForTask(session->completePasswordReset(token, kNewPassword));
    QVERIFY(!completed.ok);

    const ProcessOutput cliReset = cli(
        {QStringLiteral("password-reset"), QStringLiteral("--token"), token}, kNewPassword.toUtf8());
    QVERIFY(cliReset.exitCode != 0);
    QVERIFY2(cliReset.standardError.contains("no longer valid"), cliReset.standardError.constData());

    // The password is unchanged: the old one still signs in.
    QVERIFY(signedInSession());
}

void TestC15PiiFreeLogs::revokedInvitationLink()
{
    auto session = signedInSession();
    QVERIFY(session);
    const TaskOutcome teams = waitForTask(session->teams());
    QVERIFY(teams.ok);
    const QString teamId =
        teams.result.toArray().first().toObject().value(QStringLiteral("id")).toString();
    QVERIFY(!teamId.isEmpty());

    const TaskOutcome invited = waitForTask(session->invite(teamId, kInviteeEmail, {}));
    QVERIFY2(invited.ok, qPrintable(invited.error.code));
    const QString invitationId = invited.result.toObject().value(QStringLiteral("id")).toString();
    const QString token = InvitationServer::tokenFromMail(m_server.waitForMail(kInviteeEmail));
    QVERIFY(!token.isEmpty());
    addSecret(QStringLiteral("invitation token"), token);
    const TaskOutcome revoked = waitForTask(session->revokeInvitation(invitationId));
    QVERIFY(revoked.ok);

    // The link as the browser opens it, with the token in the query, then the API calls of the
    // invitation page.
    const CurlResult page = m_server.curl().request(
        QStringLiteral("GET"), QStringLiteral("/invitation?token=") + token);
    QVERIFY(page.status != 0);
    const CurlResult lookup = m_server.post(QStringLiteral("/api/v1/invitations/lookup"),
                                            {{QStringLiteral("token"), token}});
    QVERIFY(lookup.status >= 400);
    const CurlResult accepted =
        m_server.post(QStringLiteral("/api/v1/invitations/accept"),
                      {{QStringLiteral("token"), token},
                       {QStringLiteral("password"), kInviteePassword}});
    QVERIFY(accepted.status >= 400);
    QVERIFY(m_server.process().log().contains(invitationId.toLatin1()));
}

// A sync whose server now presents another certificate: the request carries the access token
// and fails during the TLS handshake.
void TestC15PiiFreeLogs::syncCutOffByTlsError()
{
    auto session = signedInSession();
    QVERIFY(session);
    rememberStoredTokens();
    const TaskOutcome first = waitForTask(session->listRecords());
    QVERIFY(first.ok);

    const int port = m_server.process().url().port();
    m_server.stop();
    QVERIFY(m_impostor.start({QStringLiteral("--listen"),
                              QStringLiteral("127.0.0.1:%1").arg(port)}));
    QCOMPARE(m_impostor.url().port(), port);

    const TaskOutcome synced = waitForTask(session->sync());
    QVERIFY(!synced.ok);
    QCOMPARE(synced.error.code, QStringLiteral("tls_error"));
    QVERIFY(readAll(m_clientLogPath).contains("untrusted server certificate"));
}

void TestC15PiiFreeLogs::apiKeyCall()
{
    QSKIP("The product has no API keys yet, so no CLI call can carry one.");
}

void TestC15PiiFreeLogs::oauthCallbackWithWrongState()
{
    QSKIP("The product has no OAuth sign-in yet, so there is no callback with a state or code.");
}

void TestC15PiiFreeLogs::logsHoldNoSecrets()
{
    const QList<QPair<QString, QByteArray>> logs{
        {QStringLiteral("server log"), m_server.process().log()},
        {QStringLiteral("log of the server with the other certificate"), m_impostor.log()},
        {QStringLiteral("client library log"), readAll(m_clientLogPath)},
        {QStringLiteral("CLI log"), readAll(cliLogPath())},
        {QStringLiteral("CLI standard error"), m_cliErrors}};
    for (const auto& [name, text] : logs)
        QVERIFY2(!text.isEmpty(), qPrintable(name + QStringLiteral(" is empty")));
    QVERIFY(m_secrets.size() >= 12);

    for (const auto& [name, text] : logs) {
        for (const auto& [kind, value] : std::as_const(m_secrets)) {
            // The CLI's own error messages may repeat what the user typed, such as the file
            // name given to upload, but never a secret.
            const bool typedByUser = kind == QStringLiteral("file name");
            if (name == QStringLiteral("CLI standard error") && typedByUser)
                continue;
            QVERIFY2(!text.contains(value.toUtf8()),
                     qPrintable(QStringLiteral("the %1 is in the %2").arg(kind, name)));
        }
    }

    // URLs are logged without query values.
    const QByteArray serverLog = m_server.process().log();
    QVERIFY(!serverLog.contains("token="));
    QVERIFY(serverLog.contains("/invitation"));
}

QTEST_GUILESS_MAIN(TestC15PiiFreeLogs)
#include "TestC15PiiFreeLogs.moc"
