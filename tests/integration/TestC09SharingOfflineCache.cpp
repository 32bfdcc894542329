#include "client/ClientSession.h"
#include "client/ClientTestSupport.h"
#include "client/SecretStore.h"
#include "core/RecordInfo.h"
#include "support/TestSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Harbor-Velvet-Saffron-9137!");
const QString kMarker = QStringLiteral("ZEBRA-7731");

// A TCP relay from a free loopback port to the server, so that Jack's client can go offline
// (stop) and come back on the same URL (start again) while Ivy keeps using the server.
const char kRelayScript[] = R"(
import socket, sys, threading
listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", listen_port))
server.listen(16)
print(server.getsockname()[1], flush=True)
def pipe(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    for end in (source, sink):
        try:
            end.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
while True:
    client, _ = server.accept()
    try:
        upstream = socket.create_connection(("127.0.0.1", target_port))
    except OSError:
        client.close()
        continue
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
)";

class Relay
{
public:
    // Starts relaying to `targetPort`; `port` 0 picks a free port. Returns the port, or 0.
    int start(int targetPort, int port = 0)
    {
        m_process = std::make_unique<QProcess>();
        m_process->start(QStringLiteral("python3"),
                         {QStringLiteral("-c"), QString::fromLatin1(kRelayScript),
                          QString::number(port), QString::number(targetPort)});
        if (!m_process->waitForStarted(10000) || !m_process->waitForReadyRead(10000))
            return 0;
        return m_process->readLine().trimmed().toInt();
    }
    void stop()
    {
        if (!m_process)
            return;
        m_process->kill();
        m_process->waitForFinished(10000);
        m_process.reset();
    }
    ~Relay() { stop(); }

private:
    std::unique_ptr<QProcess> m_process;
};

QStringList idsOf(const QByteArray& json)
{
    QStringList ids;
    for (const QJsonValue& record : QJsonDocument::fromJson(json).array())
        ids.append(record.toObject().value(QStringLiteral("id")).toString());
    return ids;
}

QStringList idsOf(const QJsonValue& records)
{
    QStringList ids;
    for (const QJsonValue& record : records.toArray())
        ids.append(record.toObject().value(QStringLiteral("id")).toString());
    return ids;
}

} // namespace

// A record shared with Jack and cached on his computer must leave his record list, offline
// cache and every folder his client wrote to once Ivy stops sharing it.
// That holds whether Jack was online at the time (1) or offline until a later start (2).
// Ivy works through the client library on the server's own URL. Jack works through
// chartinsight-cli, and through the library for the app's start-up, on a relay's URL that the
// test stops to take him offline. The two URLs reach the same server, so each user has a
// keychain entry of their own.
class TestC09SharingOfflineCache : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void onlineRevocationPurgesAtSync();
    void offlineRevocationPurgesBeforeCliList();
    void offlineRevocationPurgesBeforeAppList();

private:
    ProcessOutput jack(const QStringList& arguments, const QByteArray& input = {}) const;
    // Uploads a PDF containing kMarker as Ivy, shared with Jack only. Returns its record.
    QJsonObject uploadSharedRecord(const QString& fileName);
    // Jack syncs, sees the record offline and writes two copies while offline: an export
    // into his export folder and a `download --output -` through the profile's temp folder.
    void cacheAndOpenOffline(const QJsonObject& record);
    bool setPrivate(const QString& recordId);
    // Files under Jack's profile, temp and export folders that contain kMarker (in the bytes
    // or, for a PDF, in its text layer) or `fileName`.
    QStringList jackFilesMentioning(const QString& fileName) const;
    void checkPurged(const QJsonObject& record);
    void goOffline();
    void goOnline();

    ServerProcess m_server;
    Relay m_relay;
    int m_relayPort = 0;
    QTemporaryDir m_files;
    QTemporaryDir m_ivyProfile;
    QTemporaryDir m_jackProfile;
    QTemporaryDir m_jackTemp;
    QTemporaryDir m_jackExports;
    std::unique_ptr<client::ClientSession> m_ivy;
    QString m_jackId;
};

void TestC09SharingOfflineCache::initTestCase()
{
    QVERIFY2(QFile::exists(cliExecutable()), "build chartinsight-cli first");
    QVERIFY(removeSecret(QString::fromLatin1(client::kCacheKeyEntry)).ok());
    QVERIFY(m_server.start());
    QCOMPARE(m_server.addUser(QStringLiteral("ivy@example.test"), kPassword), 0);
    QCOMPARE(m_server.addUser(QStringLiteral("jack@example.test"), kPassword), 0);
    m_relayPort = m_relay.start(m_server.url().port());
    QVERIFY(m_relayPort > 0);

    client::ConnectionSettings settings;
    settings.serverUrl = m_server.url();
    settings.caFile = m_server.caFile();
    settings.profileDir = m_ivyProfile.path();
    settings.signatureDir = testSignatureDir();
    m_ivy = std::make_unique<client::ClientSession>(settings);
    const TaskOutcome signedIn =
        waitForTask(m_ivy->signIn(QStringLiteral("ivy@example.test"), kPassword));
    QVERIFY2(signedIn.ok, qPrintable(signedIn.error.message));

    const ProcessOutput login =
        jack({QStringLiteral("--server"), QStringLiteral("https://127.0.0.1:%1").arg(m_relayPort),
              QStringLiteral("--ca-file"), m_server.caFile(), QStringLiteral("login"),
              QStringLiteral("--email"), QStringLiteral("jack@example.test")},
             kPassword.toUtf8() + '\n');
    QVERIFY2(login.exitCode == 0, login.standardError.constData());

    const TaskOutcome users = waitForTask(m_ivy->organizationUsers());
    QVERIFY2(users.ok, qPrintable(users.error.message));
    for (const QJsonValue& value : users.result.toArray()) {
        const QJsonObject user = value.toObject();
        if (user.value(QStringLiteral("email")).toString() == u"jack@example.test")
            m_jackId = user.value(QStringLiteral("id")).toString();
    }
    QVERIFY(!m_jackId.isEmpty());
}

void TestC09SharingOfflineCache::cleanupTestCase()
{
    m_ivy.reset();
    m_relay.stop();
}

ProcessOutput TestC09SharingOfflineCache::jack(const QStringList& arguments,
                                               const QByteArray& input) const
{
    return runProcess(cliExecutable(), arguments, input, 120000,
                      {QStringLiteral("CHARTINSIGHT_PROFILE_DIR=") + m_jackProfile.path(),
                       QStringLiteral("CHARTINSIGHT_SIGNATURES=") + testSignatureDir(),
                       QStringLiteral("TMPDIR=") + m_jackTemp.path()});
}

void TestC09SharingOfflineCache::goOffline()
{
    m_relay.stop();
}

void TestC09SharingOfflineCache::goOnline()
{
    QCOMPARE(m_relay.start(m_server.url().port(), m_relayPort), m_relayPort);
}

QJsonObject TestC09SharingOfflineCache::uploadSharedRecord(const QString& fileName)
{
    const QString pdf =
        makePdf(m_files.path(), fileName, QStringLiteral("Referral note %1").arg(kMarker));
    if (pdf.isEmpty())
        return {};
    client::UploadOptions options;
    options.sharing = QStringLiteral("users");
    options.userIds = {m_jackId};
    const TaskOutcome uploaded = waitForTask(m_ivy->upload(pdf, options));
    if (!uploaded.ok) {
        qWarning("upload failed: %s", qPrintable(uploaded.error.message));
        return {};
    }
    return uploaded.result.toObject();
}

void TestC09SharingOfflineCache::cacheAndOpenOffline(const QJsonObject& record)
{
    const QString id = record.value(QStringLiteral("id")).toString();
    const QString fileName = record.value(QStringLiteral("filename")).toString();
    const ProcessOutput synced = jack({QStringLiteral("sync")});
    QVERIFY2(synced.exitCode == 0, synced.standardError.constData());

    goOffline();
    const ProcessOutput cached =
        jack({QStringLiteral("list"), QStringLiteral("--offline"), QStringLiteral("--json")});
    QVERIFY2(cached.exitCode == 0, cached.standardError.constData());
    QVERIFY(idsOf(cached.standardOutput).contains(id));

    const QString exported = QDir(m_jackExports.path()).filePath(fileName);
    const ProcessOutput opened =
        jack({QStringLiteral("download"), id, QStringLiteral("--output"), exported});
    QVERIFY2(opened.exitCode == 0, opened.standardError.constData());
    QCOMPARE(sha256OfFile(exported), record.value(QStringLiteral("sha256")).toString());
    const ProcessOutput viewed =
        jack({QStringLiteral("download"), id, QStringLiteral("--output"), QStringLiteral("-")});
    QVERIFY2(viewed.exitCode == 0, viewed.standardError.constData());
    QVERIFY(viewed.standardOutput.startsWith("%PDF"));

    // The search below must be able to find the record where it is.
    QVERIFY(jackFilesMentioning(fileName).contains(exported));
}

bool TestC09SharingOfflineCache::setPrivate(const QString& recordId)
{
    const TaskOutcome changed = waitForTask(m_ivy->setSharing(recordId, QStringLiteral("private")));
    if (!changed.ok)
        qWarning("setSharing failed: %s", qPrintable(changed.error.message));
    return changed.ok &&
           changed.result.toObject().value(QStringLiteral("sharing")).toString() == u"private";
}

QStringList TestC09SharingOfflineCache::jackFilesMentioning(const QString& fileName) const
{
    QStringList hits;
    for (const QString& root : {m_jackProfile.path(), m_jackTemp.path(), m_jackExports.path()}) {
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QByteArray bytes = readFile(path);
            bool found = bytes.contains(kMarker.toUtf8()) || bytes.contains(fileName.toUtf8()) ||
                         QFileInfo(path).fileName() == fileName;
            if (!found && bytes.startsWith("%PDF")) {
                const ProcessOutput text =
                    runProcess(QStringLiteral("pdftotext"), {path, QStringLiteral("-")});
                found = text.standardOutput.contains(kMarker.toUtf8());
            }
            if (found)
                hits.append(path);
        }
    }
    return hits;
}

void TestC09SharingOfflineCache::checkPurged(const QJsonObject& record)
{
    const QString id = record.value(QStringLiteral("id")).toString();
    const QString fileName = record.value(QStringLiteral("filename")).toString();

    const ProcessOutput cached =
        jack({QStringLiteral("list"), QStringLiteral("--offline"), QStringLiteral("--json")});
    QVERIFY2(cached.exitCode == 0, cached.standardError.constData());
    QVERIFY(!idsOf(cached.standardOutput).contains(id));
    const QStringList hits = jackFilesMentioning(fileName);
    QVERIFY2(hits.isEmpty(), qPrintable(hits.join(u' ')));

    // An old link or id tells Jack that he has no access.
    const QString again = QDir(m_jackExports.path()).filePath(QStringLiteral("again.pdf"));
    const ProcessOutput download =
        jack({QStringLiteral("download"), id, QStringLiteral("--output"), again});
    QCOMPARE(download.exitCode, 1);
    QVERIFY2(download.standardError.contains("no access"), download.standardError.constData());
    QVERIFY(!QFile::exists(again));
    const ProcessOutput access = jack({QStringLiteral("access"), id});
    QCOMPARE(access.exitCode, 1);
    QVERIFY2(access.standardError.contains("no access"), access.standardError.constData());

    // Ivy, the uploader, still opens the record.
    const TaskOutcome opened = waitForTask(m_ivy->fetchForViewer(id));
    QVERIFY2(opened.ok, qPrintable(opened.error.message));
    QCOMPARE(QString::fromLatin1(
                 QCryptographicHash::hash(opened.payload, QCryptographicHash::Sha256).toHex()),
             record.value(QStringLiteral("sha256")).toString());
}

void TestC09SharingOfflineCache::onlineRevocationPurgesAtSync()
{
    const QJsonObject record = uploadSharedRecord(QStringLiteral("zebra referral online.pdf"));
    QVERIFY(!record.isEmpty());
    cacheAndOpenOffline(record);
    if (QTest::currentTestFailed())
        return;
    goOnline();

    QVERIFY(setPrivate(record.value(QStringLiteral("id")).toString()));
    const ProcessOutput synced = jack({QStringLiteral("sync")});
    QVERIFY2(synced.exitCode == 0, synced.standardError.constData());
    QVERIFY2(synced.standardOutput.contains("1 removed"), synced.standardOutput.constData());
    checkPurged(record);
}

void TestC09SharingOfflineCache::offlineRevocationPurgesBeforeCliList()
{
    const QJsonObject record = uploadSharedRecord(QStringLiteral("zebra referral cli.pdf"));
    QVERIFY(!record.isEmpty());
    const QString id = record.value(QStringLiteral("id")).toString();
    cacheAndOpenOffline(record);
    if (QTest::currentTestFailed())
        return;

    // Ivy stops sharing while Jack is offline. Jack's next start lists the records online
    // first, and that list must already be without the record.
    QVERIFY(setPrivate(id));
    goOnline();
    const ProcessOutput listed = jack({QStringLiteral("list")});
    QVERIFY2(listed.exitCode == 0, listed.standardError.constData());
    QVERIFY(!listed.standardOutput.contains(id.toUtf8()));
    QVERIFY(!listed.standardOutput.contains(
        record.value(QStringLiteral("filename")).toString().toUtf8()));
    checkPurged(record);
}

void TestC09SharingOfflineCache::offlineRevocationPurgesBeforeAppList()
{
    const QJsonObject record = uploadSharedRecord(QStringLiteral("zebra referral app.pdf"));
    QVERIFY(!record.isEmpty());
    const QString id = record.value(QStringLiteral("id")).toString();
    cacheAndOpenOffline(record);
    if (QTest::currentTestFailed())
        return;

    QVERIFY(setPrivate(id));
    goOnline();

    // The desktop app's start-up: restore the stored session, then list the records.
    client::ConnectionSettings settings;
    settings.serverUrl = QUrl(QStringLiteral("https://127.0.0.1:%1").arg(m_relayPort));
    settings.caFile = m_server.caFile();
    settings.profileDir = m_jackProfile.path();
    settings.signatureDir = testSignatureDir();
    {
        client::ClientSession app(settings);
        const TaskOutcome restored = waitForTask(app.restoreSession());
        QVERIFY2(restored.ok, qPrintable(restored.error.message));
        QVERIFY(app.isSignedIn());
        const TaskOutcome listed = waitForTask(app.listRecords());
        QVERIFY2(listed.ok, qPrintable(listed.error.message));
        QVERIFY(app.isOnline());
        QVERIFY(!idsOf(listed.result).contains(id));
        const TaskOutcome cached = waitForTask(app.listCachedRecords());
        QVERIFY2(cached.ok, qPrintable(cached.error.message));
        QVERIFY(!idsOf(cached.result).contains(id));
    }
    checkPurged(record);
}

QTEST_GUILESS_MAIN(TestC09SharingOfflineCache)
#include "TestC09SharingOfflineCache.moc"
