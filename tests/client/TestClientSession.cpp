#include "ClientTestSupport.h"
#include "client/ClientSession.h"
#include "client/SecretStore.h"
#include "core/ErrorCodes.h"
#include "storage/SqlDatabase.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QPointer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::client;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Quartz-Meadow-Lantern-4821!");
const QString kPdfText = QStringLiteral("Lab report ZEBRA-7731");

QStringList idsOf(const QJsonValue& records)
{
    QStringList ids;
    for (const QJsonValue& record : records.toArray())
        ids.append(record.toObject().value(QStringLiteral("id")).toString());
    return ids;
}

// Every log line of the process while a LogCapture exists, with debug output enabled.
class LogCapture
{
public:
    LogCapture()
    {
        s_lines.clear();
        QLoggingCategory::setFilterRules(QStringLiteral("chartinsight.*.debug=true"));
        m_previous = qInstallMessageHandler(&LogCapture::handle);
    }
    ~LogCapture()
    {
        qInstallMessageHandler(m_previous);
        QLoggingCategory::setFilterRules(QString());
    }
    QString text() const
    {
        QMutexLocker lock(&s_mutex);
        return s_lines.join(u'\n');
    }

private:
    static void handle(QtMsgType, const QMessageLogContext& context, const QString& message)
    {
        QMutexLocker lock(&s_mutex);
        s_lines.append(QString::fromLatin1(context.category ? context.category : "") + u' ' +
                       message);
    }
    static inline QMutex s_mutex;
    static inline QStringList s_lines;
    QtMessageHandler m_previous = nullptr;
};

} // namespace

class TestClientSession : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void signInStoresToken();
    void wrongPasswordRejected();
    void restoreSessionFindsToken();
    void operationsNeedSignIn();
    void uploadListDownload();
    void viewerFetchMatches();
    void contentPurposeIsAudited();
    void offlineAfterSync();
    void eicarNeverSent();
    void wrongCacheKeyKeepsCache();
    void missingCacheKeyKeepsCache();
    void corruptCacheKeepsFile();
    void untrustedCertificateFails();
    void pinnedFingerprintTrusted();
    void trustedFingerprintPersists();
    void foreignCaFileFails();
    void unreachableServerFails();
    void signOutClearsCache();
    void otherUserSeesNoCache();
    void missingProfileRecreated();
    void unknownRecordNotFound();
    void invalidRecordIdRejected();
    void logsCarryNoSecrets();
    void sessionDeletedMidUpload();

private:
    ConnectionSettings settingsFor(const ServerProcess& server) const;
    std::unique_ptr<ClientSession> signedInSession(const ServerProcess& server,
                                                   const QString& email);
    QString newUser(ServerProcess& server);
    void clearKeychain(const ServerProcess& server);

    ServerProcess m_server;
    QTemporaryDir m_files;
    std::unique_ptr<QTemporaryDir> m_profile;
    QString m_email;
    QString m_pdf;
    QString m_png;
    QString m_eicar;
    int m_userCount = 0;
};

void TestClientSession::initTestCase()
{
    QVERIFY2(QFile::exists(serverExecutable()), "build chartinsight-server first");
    QVERIFY(m_server.start());
    m_pdf = makePdf(m_files.path(), QStringLiteral("lab report.pdf"), kPdfText);
    QVERIFY(!m_pdf.isEmpty());
    const ProcessOutput text =
        runProcess(QStringLiteral("pdftotext"), {m_pdf, QStringLiteral("-")});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(QString::fromUtf8(text.standardOutput).contains(QStringLiteral("Lab report")));
    m_png = makePng(m_files.path(), QStringLiteral("scan.png"));
    QVERIFY(!m_png.isEmpty());
    QVERIFY(readFile(m_png).startsWith("\x89PNG\r\n\x1a\n"));
    m_eicar = makeEicarFile(m_files.path(), QStringLiteral("eicar.com"));
    QVERIFY(!m_eicar.isEmpty());
}

void TestClientSession::init()
{
    m_profile = std::make_unique<QTemporaryDir>();
    clearKeychain(m_server);
    m_email = newUser(m_server);
    QVERIFY(!m_email.isEmpty());
}

void TestClientSession::cleanup()
{
    m_profile.reset();
}

ConnectionSettings TestClientSession::settingsFor(const ServerProcess& server) const
{
    ConnectionSettings settings;
    settings.serverUrl = server.url();
    settings.caFile = server.caFile();
    settings.signatureDir = testSignatureDir();
    settings.profileDir = m_profile->path();
    return settings;
}

QString TestClientSession::newUser(ServerProcess& server)
{
    const QString email = QStringLiteral("clinician%1@example.test").arg(++m_userCount);
    return server.addUser(email, kPassword) == 0 ? email : QString();
}

void TestClientSession::clearKeychain(const ServerProcess& server)
{
    QVERIFY(removeSecret(QString::fromLatin1(kCacheKeyEntry)).ok());
    QVERIFY(removeSecret(sessionEntryName(server.url().toString())).ok());
}

std::unique_ptr<ClientSession> TestClientSession::signedInSession(const ServerProcess& server,
                                                                  const QString& email)
{
    auto session = std::make_unique<ClientSession>(settingsFor(server));
    const TaskOutcome signedIn = waitForTask(session->signIn(email, kPassword));
    if (!signedIn.ok)
        qWarning("sign-in failed: %s", qPrintable(signedIn.error.message));
    return signedIn.ok ? std::move(session) : nullptr;
}

void TestClientSession::signInStoresToken()
{
    ClientSession session(settingsFor(m_server));
    QSignalSpy signedInChanged(&session, &ClientSession::signedInChanged);
    const TaskOutcome signedIn = waitForTask(session.signIn(m_email, kPassword));
    QVERIFY2(signedIn.ok, qPrintable(signedIn.error.message));
    QVERIFY(!signedIn.result.toObject().value(QStringLiteral("user_id")).toString().isEmpty());
    QVERIFY(session.isSignedIn());
    QCOMPARE(signedInChanged.count(), 1);
    QVERIFY(session.isOnline());

    const auto token = readSecret(sessionEntryName(m_server.url().toString()));
    QVERIFY(token.ok());
    QVERIFY(token->has_value());
    QVERIFY((*token)->size() >= 32);
}

void TestClientSession::wrongPasswordRejected()
{
    ClientSession session(settingsFor(m_server));
    const TaskOutcome signedIn = waitForTask(session.signIn(m_email, kPassword + u'x'));
    QVERIFY(!signedIn.ok);
    QCOMPARE(signedIn.error.code, QString::fromLatin1(errc::kInvalidCredentials));
    QVERIFY(!session.isSignedIn());
    const auto token = readSecret(sessionEntryName(m_server.url().toString()));
    QVERIFY(token.ok());
    QVERIFY(!token->has_value());
}

void TestClientSession::restoreSessionFindsToken()
{
    {
        auto first = signedInSession(m_server, m_email);
        QVERIFY(first);
    }
    ClientSession session(settingsFor(m_server));
    QVERIFY(!session.isSignedIn());
    const TaskOutcome restored = waitForTask(session.restoreSession());
    QVERIFY(restored.ok);
    QCOMPARE(restored.result.toObject().value(QStringLiteral("signed_in")).toBool(), true);
    QVERIFY(session.isSignedIn());
    const TaskOutcome listed = waitForTask(session.listRecords());
    QVERIFY2(listed.ok, qPrintable(listed.error.message));
}

void TestClientSession::operationsNeedSignIn()
{
    ClientSession session(settingsFor(m_server));
    const TaskOutcome restored = waitForTask(session.restoreSession());
    QVERIFY(restored.ok);
    QCOMPARE(restored.result.toObject().value(QStringLiteral("signed_in")).toBool(), false);
    const TaskOutcome listed = waitForTask(session.listRecords());
    QVERIFY(!listed.ok);
    QCOMPARE(listed.error.code, QString::fromLatin1(errc::kNotSignedIn));
    const TaskOutcome uploaded = waitForTask(session.upload(m_pdf));
    QCOMPARE(uploaded.error.code, QString::fromLatin1(errc::kNotSignedIn));
    const TaskOutcome cached = waitForTask(session.listCachedRecords());
    QCOMPARE(cached.error.code, QString::fromLatin1(errc::kNotSignedIn));
}

void TestClientSession::uploadListDownload()
{
    auto session = signedInSession(m_server, m_email);
    QVERIFY(session);

    const TaskOutcome pdf = waitForTask(session->upload(m_pdf));
    QVERIFY2(pdf.ok, qPrintable(pdf.error.message));
    const QJsonObject pdfRecord = pdf.result.toObject();
    QVERIFY(isValidRecordId(pdfRecord.value(QStringLiteral("id")).toString()));
    QCOMPARE(pdfRecord.value(QStringLiteral("filename")).toString(),
             QStringLiteral("lab report.pdf"));
    QCOMPARE(pdfRecord.value(QStringLiteral("size")).toInteger(), QFileInfo(m_pdf).size());
    QCOMPARE(pdfRecord.value(QStringLiteral("sha256")).toString(), sha256OfFile(m_pdf));
    QVERIFY(pdf.phases.contains(ClientTask::Phase::Scanning));
    QVERIFY(pdf.phases.contains(ClientTask::Phase::Transferring));
    QVERIFY(pdf.phases.indexOf(ClientTask::Phase::Scanning) <
            pdf.phases.indexOf(ClientTask::Phase::Transferring));

    const TaskOutcome png = waitForTask(session->upload(m_png));
    QVERIFY2(png.ok, qPrintable(png.error.message));
    const QString pngId = png.result.toObject().value(QStringLiteral("id")).toString();

    const TaskOutcome listed = waitForTask(session->listRecords());
    QVERIFY(listed.ok);
    const QStringList ids = idsOf(listed.result);
    QCOMPARE(ids.size(), 2);
    QVERIFY(ids.contains(pdfRecord.value(QStringLiteral("id")).toString()));
    QVERIFY(ids.contains(pngId));

    for (const auto& [id, original] :
         {std::pair(pdfRecord.value(QStringLiteral("id")).toString(), m_pdf),
          std::pair(pngId, m_png)}) {
        const QString output = m_profile->filePath(QStringLiteral("downloaded-") + id);
        const TaskOutcome downloaded = waitForTask(session->download(id, output));
        QVERIFY2(downloaded.ok, qPrintable(downloaded.error.message));
        QCOMPARE(sha256OfFile(output), sha256OfFile(original));
        QVERIFY(!QFile::exists(output + QStringLiteral(".part")));
        QCOMPARE(QFile::permissions(output) & 0x0077, QFileDevice::Permissions());
    }
}

void TestClientSession::viewerFetchMatches()
{
    auto session = signedInSession(m_server, m_email);
    QVERIFY(session);
    const TaskOutcome uploaded = waitForTask(session->upload(m_pdf));
    QVERIFY(uploaded.ok);
    const QString id = uploaded.result.toObject().value(QStringLiteral("id")).toString();

    const TaskOutcome fromServer = waitForTask(session->fetchForViewer(id));
    QVERIFY2(fromServer.ok, qPrintable(fromServer.error.message));
    QCOMPARE(fromServer.payload, readFile(m_pdf));

    QVERIFY(waitForTask(session->sync()).ok);
    const TaskOutcome fromCache = waitForTask(session->fetchForViewer(id));
    QVERIFY(fromCache.ok);
    QCOMPARE(fromCache.payload, readFile(m_pdf));
}

void TestClientSession::contentPurposeIsAudited()
{
    auto session = signedInSession(m_server, m_email);
    QVERIFY(session);
    const TaskOutcome uploaded = waitForTask(session->upload(m_png));
    QVERIFY2(uploaded.ok, qPrintable(uploaded.error.message));
    const QString id = uploaded.result.toObject().value(QStringLiteral("id")).toString();

    const QString output = m_profile->filePath(QStringLiteral("purpose.png"));
    QVERIFY(waitForTask(session->download(id, output)).ok);
    QVERIFY(waitForTask(session->fetchForViewer(id)).ok);
    QVERIFY(waitForTask(session->sync()).ok);

    // The server's audit log names each use by the purpose the client library sent.
    QFile keyFile(QDir(m_server.dataDir()).filePath(QStringLiteral("db.key")));
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    auto database = storage::SqlDatabase::open(
        QDir(m_server.dataDir()).filePath(QStringLiteral("chartinsight.db")),
        QByteArray::fromHex(keyFile.readAll().trimmed()),
        storage::SqlDatabase::OpenMode::ExistingOnly);
    QVERIFY2(database.ok(), database.ok() ? "" : qPrintable(database.error().message));
    QStringList actions;
    auto read = database.value()->withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto statement = db.prepare(QStringLiteral(
            "SELECT action FROM audit_log WHERE target_id = ? ORDER BY sequence"));
        if (!statement)
            return statement.error();
        statement->bind(1, id);
        for (;;) {
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!row.value())
                return {};
            actions << statement->columnText(0);
        }
    });
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
    QCOMPARE(actions, (QStringList{QStringLiteral("record.uploaded"),
                                   QStringLiteral("record.downloaded"),
                                   QStringLiteral("record.viewed"),
                                   QStringLiteral("record.synced")}));
}

void TestClientSession::offlineAfterSync()
{
    ServerProcess server;
    QVERIFY(server.start());
    clearKeychain(server);
    const QString email = newUser(server);
    QVERIFY(!email.isEmpty());
    auto session = signedInSession(server, email);
    QVERIFY(session);

    QStringList uploadedIds;
    for (const QString& file : {m_pdf, m_png}) {
        const TaskOutcome uploaded = waitForTask(session->upload(file));
        QVERIFY2(uploaded.ok, qPrintable(uploaded.error.message));
        uploadedIds.append(uploaded.result.toObject().value(QStringLiteral("id")).toString());
    }
    const QString pdfId = uploadedIds.first();
    const TaskOutcome synced = waitForTask(session->sync());
    QVERIFY2(synced.ok, qPrintable(synced.error.message));
    QCOMPARE(synced.result.toObject().value(QStringLiteral("added")).toInt(), 2);
    QCOMPARE(synced.result.toObject().value(QStringLiteral("removed")).toInt(), 0);
    QCOMPARE(synced.result.toObject().value(QStringLiteral("total")).toInt(), 2);
    const TaskOutcome again = waitForTask(session->sync());
    QCOMPARE(again.result.toObject().value(QStringLiteral("added")).toInt(), 0);

    server.stop();
    QSignalSpy onlineChanged(session.get(), &ClientSession::onlineChanged);

    const TaskOutcome cached = waitForTask(session->listCachedRecords());
    QVERIFY2(cached.ok, qPrintable(cached.error.message));
    QCOMPARE(idsOf(cached.result).size(), 2);

    const TaskOutcome listed = waitForTask(session->listRecords());
    QVERIFY2(listed.ok, qPrintable(listed.error.message));
    QVERIFY(!session->isOnline());
    QCOMPARE(onlineChanged.count(), 1);
    QStringList listedIds = idsOf(listed.result);
    listedIds.sort();
    uploadedIds.sort();
    QCOMPARE(listedIds, uploadedIds);

    const QString output = m_profile->filePath(QStringLiteral("offline.pdf"));
    const TaskOutcome downloaded = waitForTask(session->download(pdfId, output));
    QVERIFY2(downloaded.ok, qPrintable(downloaded.error.message));
    QCOMPARE(sha256OfFile(output), sha256OfFile(m_pdf));

    const TaskOutcome viewed = waitForTask(session->fetchForViewer(pdfId));
    QVERIFY(viewed.ok);
    QCOMPARE(viewed.payload, readFile(m_pdf));

    const TaskOutcome unreachable = waitForTask(session->checkServer());
    QCOMPARE(unreachable.error.code, QString::fromLatin1(errc::kNetwork));
    QVERIFY(unreachable.error.message.contains(QStringLiteral("offline")));
}

void TestClientSession::eicarNeverSent()
{
    auto session = signedInSession(m_server, m_email);
    QVERIFY(session);
    const qsizetype logStart = m_server.log().size();

    const TaskOutcome uploaded = waitForTask(session->upload(m_eicar));
    QVERIFY(!uploaded.ok);
    QCOMPARE(uploaded.error.code, QString::fromLatin1(errc::kMalwareDetected));
    QVERIFY2(uploaded.error.message.contains(QStringLiteral("chartinsight-test-eicar")),
             qPrintable(uploaded.error.message));
    QVERIFY(!uploaded.phases.contains(ClientTask::Phase::Transferring));

    const TaskOutcome listed = waitForTask(session->listRecords());
    QVERIFY(listed.ok);
    QVERIFY(listed.result.toArray().isEmpty());
    const QByteArray newLog = m_server.log().mid(logStart);
    QVERIFY2(newLog.contains("GET /api/v1/records"), "the server log format changed");
    QVERIFY(!newLog.contains("POST /api/v1/records"));
}

void TestClientSession::wrongCacheKeyKeepsCache()
{
    {
        auto session = signedInSession(m_server, m_email);
        QVERIFY(session);
        QVERIFY(waitForTask(session->upload(m_png)).ok);
        QVERIFY(waitForTask(session->sync()).ok);
    }
    const QString cachePath = m_profile->filePath(QStringLiteral("cache.db"));
    const QByteArray before = readFile(cachePath);
    QVERIFY(!before.isEmpty());
    QVERIFY(writeSecret(QString::fromLatin1(kCacheKeyEntry), QString(64, u'a')).ok());

    ClientSession session(settingsFor(m_server));
    QVERIFY(waitForTask(session.restoreSession()).ok);
    const TaskOutcome cached = waitForTask(session.listCachedRecords());
    QVERIFY(!cached.ok);
    QCOMPARE(cached.error.code, QString::fromLatin1(errc::kCache));
    QVERIFY2(cached.error.message.contains(cachePath), qPrintable(cached.error.message));
    QVERIFY(cached.error.message.contains(QStringLiteral("untouched")));
    const TaskOutcome synced = waitForTask(session.sync());
    QCOMPARE(synced.error.code, QString::fromLatin1(errc::kCache));
    // Online listing still works without the cache.
    const TaskOutcome listed = waitForTask(session.listRecords());
    QVERIFY(listed.ok);
    QCOMPARE(readFile(cachePath), before);
    const auto key = readSecret(QString::fromLatin1(kCacheKeyEntry));
    QCOMPARE(key->value_or(QString()), QString(64, u'a'));
}

void TestClientSession::missingCacheKeyKeepsCache()
{
    {
        auto session = signedInSession(m_server, m_email);
        QVERIFY(session);
        QVERIFY(waitForTask(session->sync()).ok);
    }
    const QString cachePath = m_profile->filePath(QStringLiteral("cache.db"));
    const QByteArray before = readFile(cachePath);
    QVERIFY(!before.isEmpty());
    QVERIFY(removeSecret(QString::fromLatin1(kCacheKeyEntry)).ok());

    ClientSession session(settingsFor(m_server));
    QVERIFY(waitForTask(session.restoreSession()).ok);
    const TaskOutcome cached = waitForTask(session.listCachedRecords());
    QVERIFY(!cached.ok);
    QCOMPARE(cached.error.code, QString::fromLatin1(errc::kCache));
    QVERIFY(cached.error.message.contains(cachePath));
    QVERIFY(cached.error.message.contains(QStringLiteral("cache-key")));
    QCOMPARE(readFile(cachePath), before);
    // A failed open never creates a replacement key.
    const auto key = readSecret(QString::fromLatin1(kCacheKeyEntry));
    QVERIFY(key.ok());
    QVERIFY(!key->has_value());
}

void TestClientSession::corruptCacheKeepsFile()
{
    {
        auto session = signedInSession(m_server, m_email);
        QVERIFY(session);
        QVERIFY(waitForTask(session->sync()).ok);
    }
    const QString cachePath = m_profile->filePath(QStringLiteral("cache.db"));
    QByteArray corrupt = readFile(cachePath);
    QVERIFY(corrupt.size() > 100);
    for (qsizetype i = 0; i < 64; ++i)
        corrupt[i] = char(corrupt[i] ^ 0x5a);
    QVERIFY(!writeFile(m_profile->path(), QStringLiteral("cache.db"), corrupt).isEmpty());

    ClientSession session(settingsFor(m_server));
    QVERIFY(waitForTask(session.restoreSession()).ok);
    const TaskOutcome cached = waitForTask(session.listCachedRecords());
    QVERIFY(!cached.ok);
    QCOMPARE(cached.error.code, QString::fromLatin1(errc::kCache));
    QCOMPARE(readFile(cachePath), corrupt);
}

void TestClientSession::untrustedCertificateFails()
{
    ConnectionSettings settings = settingsFor(m_server);
    settings.caFile.clear();
    ClientSession session(settings);
    QSignalSpy untrusted(&session, &ClientSession::certificateUntrusted);
    const TaskOutcome checked = waitForTask(session.checkServer());
    QVERIFY(!checked.ok);
    QCOMPARE(checked.error.code, QString::fromLatin1(errc::kTls));
    QVERIFY2(checked.error.message.contains(m_server.fingerprint()),
             qPrintable(checked.error.message));
    QVERIFY(checked.error.message.contains(QStringLiteral("--ca-file")));
    QCOMPARE(untrusted.count(), 1);
    QCOMPARE(untrusted.first().at(0).toString(), m_server.fingerprint());

    const TaskOutcome signedIn = waitForTask(session.signIn(m_email, kPassword));
    QCOMPARE(signedIn.error.code, QString::fromLatin1(errc::kTls));
}

void TestClientSession::pinnedFingerprintTrusted()
{
    ConnectionSettings settings = settingsFor(m_server);
    settings.caFile.clear();
    settings.pinnedFingerprint = m_server.fingerprint().toLower();
    ClientSession session(settings);
    const TaskOutcome checked = waitForTask(session.checkServer());
    QVERIFY2(checked.ok, qPrintable(checked.error.message));
    QCOMPARE(checked.result.toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("ok"));
    QVERIFY(waitForTask(session.signIn(m_email, kPassword)).ok);
    QVERIFY(waitForTask(session.upload(m_png)).ok);
}

void TestClientSession::trustedFingerprintPersists()
{
    ConnectionSettings settings = settingsFor(m_server);
    settings.caFile.clear();
    {
        ClientSession session(settings);
        QSignalSpy untrusted(&session, &ClientSession::certificateUntrusted);
        QVERIFY(!waitForTask(session.checkServer()).ok);
        QCOMPARE(untrusted.count(), 1);
        session.trustFingerprint(untrusted.first().at(0).toString());
        const TaskOutcome checked = waitForTask(session.checkServer());
        QVERIFY2(checked.ok, qPrintable(checked.error.message));
    }
    ClientSession later(settings);
    QVERIFY(waitForTask(later.checkServer()).ok);
}

void TestClientSession::foreignCaFileFails()
{
    const QString certificate = m_profile->filePath(QStringLiteral("other.crt"));
    const ProcessOutput made =
        runProcess(QStringLiteral("openssl"),
                   {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                    QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                    QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                    QStringLiteral("-keyout"), m_profile->filePath(QStringLiteral("other.key")),
                    QStringLiteral("-out"), certificate, QStringLiteral("-days"),
                    QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                    QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1")});
    QCOMPARE(made.exitCode, 0);
    ConnectionSettings settings = settingsFor(m_server);
    settings.caFile = certificate;
    // A CA file replaces pins: even the right fingerprint does not override it.
    settings.pinnedFingerprint = m_server.fingerprint();
    ClientSession session(settings);
    const TaskOutcome checked = waitForTask(session.checkServer());
    QVERIFY(!checked.ok);
    QCOMPARE(checked.error.code, QString::fromLatin1(errc::kTls));
    QVERIFY(checked.error.message.contains(certificate));

    settings.caFile = m_profile->filePath(QStringLiteral("missing.crt"));
    ClientSession missing(settings);
    const TaskOutcome missingChecked = waitForTask(missing.checkServer());
    QCOMPARE(missingChecked.error.code, QString::fromLatin1(errc::kTls));
    QVERIFY(missingChecked.error.message.contains(settings.caFile));
}

void TestClientSession::unreachableServerFails()
{
    ServerProcess stopped;
    QVERIFY(stopped.start());
    const QUrl url = stopped.url();
    stopped.stop();
    ConnectionSettings settings = settingsFor(m_server);
    settings.serverUrl = url;
    ClientSession session(settings);
    const TaskOutcome checked = waitForTask(session.checkServer());
    QVERIFY(!checked.ok);
    QCOMPARE(checked.error.code, QString::fromLatin1(errc::kNetwork));
    QVERIFY(checked.error.message.contains(url.toString()));
    QVERIFY(!session.isOnline());
}

void TestClientSession::signOutClearsCache()
{
    auto session = signedInSession(m_server, m_email);
    QVERIFY(session);
    QVERIFY(waitForTask(session->upload(m_png)).ok);
    QVERIFY(waitForTask(session->sync()).ok);
    QCOMPARE(waitForTask(session->listCachedRecords()).result.toArray().size(), 1);

    const auto oldToken = readSecret(sessionEntryName(m_server.url().toString()));
    QVERIFY(oldToken.ok());
    QVERIFY(oldToken->has_value());

    const TaskOutcome signedOut = waitForTask(session->signOut());
    QVERIFY2(signedOut.ok, qPrintable(signedOut.error.message));
    QVERIFY(signedOut.result.toObject().value(QStringLiteral("revoked_on_server")).toBool());
    QVERIFY(!session->isSignedIn());

    // A copy of the token no longer works on the server.
    const ProcessOutput revoked = runProcess(
        QStringLiteral("curl"),
        curlArguments(m_server) << QStringLiteral("-o") << QStringLiteral("/dev/null")
                                << QStringLiteral("-w") << QStringLiteral("%{http_code}")
                                << QStringLiteral("-H")
                                << QStringLiteral("Authorization: Bearer ") + **oldToken
                                << m_server.url().toString() + QStringLiteral("/api/v1/records"));
    QCOMPARE(revoked.standardOutput, QByteArrayLiteral("401"));
    const auto token = readSecret(sessionEntryName(m_server.url().toString()));
    QVERIFY(token.ok());
    QVERIFY(!token->has_value());
    QCOMPARE(waitForTask(session->listCachedRecords()).error.code,
             QString::fromLatin1(errc::kNotSignedIn));

    QVERIFY(waitForTask(session->signIn(m_email, kPassword)).ok);
    const TaskOutcome cached = waitForTask(session->listCachedRecords());
    QVERIFY(cached.ok);
    QVERIFY(cached.result.toArray().isEmpty());
}

void TestClientSession::otherUserSeesNoCache()
{
    {
        auto session = signedInSession(m_server, m_email);
        QVERIFY(session);
        QVERIFY(waitForTask(session->upload(m_png)).ok);
        QVERIFY(waitForTask(session->sync()).ok);
    }
    const QString otherEmail = newUser(m_server);
    QVERIFY(!otherEmail.isEmpty());
    auto other = signedInSession(m_server, otherEmail);
    QVERIFY(other);
    const TaskOutcome cached = waitForTask(other->listCachedRecords());
    QVERIFY2(cached.ok, qPrintable(cached.error.message));
    QVERIFY(cached.result.toArray().isEmpty());
}

void TestClientSession::missingProfileRecreated()
{
    ConnectionSettings settings = settingsFor(m_server);
    settings.profileDir = m_profile->filePath(QStringLiteral("not/yet/there"));
    ClientSession session(settings);
    QVERIFY(waitForTask(session.signIn(m_email, kPassword)).ok);
    QVERIFY(QDir(settings.profileDir).removeRecursively());

    const TaskOutcome synced = waitForTask(session.sync());
    QVERIFY2(synced.ok, qPrintable(synced.error.message));
    QVERIFY(QFile::exists(settings.profileDir + QStringLiteral("/cache.db")));
    QCOMPARE(QFile::permissions(settings.profileDir) & 0x0077, QFileDevice::Permissions());
}

void TestClientSession::unknownRecordNotFound()
{
    auto session = signedInSession(m_server, m_email);
    QVERIFY(session);
    const QString id = QStringLiteral("123e4567-e89b-42d3-a456-426614174000");
    const QString output = m_profile->filePath(QStringLiteral("never.bin"));
    const TaskOutcome downloaded = waitForTask(session->download(id, output));
    QCOMPARE(downloaded.error.code, QString::fromLatin1(errc::kNotFound));
    QVERIFY(!QFile::exists(output));
    QVERIFY(!QFile::exists(output + QStringLiteral(".part")));
    const TaskOutcome viewed = waitForTask(session->fetchForViewer(id));
    QCOMPARE(viewed.error.code, QString::fromLatin1(errc::kNotFound));
}

void TestClientSession::invalidRecordIdRejected()
{
    auto session = signedInSession(m_server, m_email);
    QVERIFY(session);
    const TaskOutcome downloaded = waitForTask(
        session->download(QStringLiteral("../../etc/passwd"), m_profile->filePath("x")));
    QCOMPARE(downloaded.error.code, QString::fromLatin1(errc::kInvalidRequest));
    QVERIFY(!downloaded.error.message.contains(QStringLiteral("/")));
}

void TestClientSession::logsCarryNoSecrets()
{
    LogCapture capture;
    auto session = signedInSession(m_server, m_email);
    QVERIFY(session);
    QVERIFY(waitForTask(session->upload(m_pdf)).ok);
    QVERIFY(waitForTask(session->sync()).ok);
    QVERIFY(!waitForTask(session->upload(m_eicar)).ok);
    QVERIFY(!waitForTask(session->signIn(m_email, kPassword + u'x')).ok);
    const auto token = readSecret(sessionEntryName(m_server.url().toString()));
    QVERIFY(token.ok());
    QVERIFY(token->has_value());
    const auto cacheKey = readSecret(QString::fromLatin1(kCacheKeyEntry));
    QVERIFY(cacheKey->has_value());

    const QString logs = capture.text();
    QVERIFY2(logs.contains(QStringLiteral("/api/v1/records")), "nothing was logged");
    QVERIFY(!logs.contains(m_email));
    QVERIFY(!logs.contains(kPassword));
    QVERIFY(!logs.contains(**token));
    QVERIFY(!logs.contains(**cacheKey, Qt::CaseInsensitive));
    QVERIFY(!logs.contains(QStringLiteral("lab report")));
    QVERIFY(!logs.contains(QStringLiteral("eicar.com")));
    QVERIFY(!logs.contains(QStringLiteral("filename=")));
}

void TestClientSession::sessionDeletedMidUpload()
{
    QByteArray bytes(32 * 1024 * 1024, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(bytes.data()),
                                          bytes.size() / sizeof(quint32));
    const QString file = writeFile(m_profile->path(), QStringLiteral("large.bin"), bytes);
    QVERIFY(!file.isEmpty());
    auto session = signedInSession(m_server, m_email);
    QVERIFY(session);

    QPointer<ClientTask> task = session->upload(file);
    bool deleteRequested = false;
    connect(task, &ClientTask::progress, this, [&](ClientTask::Phase phase, qint64, qint64) {
        if (phase != ClientTask::Phase::Transferring || deleteRequested)
            return;
        deleteRequested = true;
        QTimer::singleShot(0, this, [&session] { session.reset(); });
    });
    QTRY_VERIFY_WITH_TIMEOUT(!session, 120000);
    QVERIFY(task.isNull());

    // The server and a new session keep working.
    auto next = signedInSession(m_server, m_email);
    QVERIFY(next);
    QVERIFY(waitForTask(next->listRecords()).ok);
}

QTEST_GUILESS_MAIN(TestClientSession)
#include "TestClientSession.moc"
