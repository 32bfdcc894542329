#include "AccessFixture.h"
#include "CurlClient.h"
#include "support/TestSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Copper-Glacier-Tundra-5820!");
const QString kOrganization = QStringLiteral("Harbour Clinic");
// Layout of a stored object: an 8-byte header, then segments of 64 KiB plus a 16-byte tag.
constexpr qint64 kObjectHeaderBytes = 8;
// Records of the streaming test; together far more than the server's per-response buffers
// (one 256 KiB write chunk and one 64 KiB segment).
constexpr int kLargeRecords = 3;
constexpr qint64 kLargeRecordBytes = 12LL * 1024 * 1024;

QByteArray randomBytes(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    auto* words = reinterpret_cast<quint32*>(bytes.data());
    QRandomGenerator::global()->fillRange(words, size / 4);
    return bytes;
}

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

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QJsonObject readJson(const QString& path)
{
    return QJsonDocument::fromJson(readFile(path)).object();
}

// Peak resident memory of the process whose command line contains `marker`, in KiB (VmHWM).
qint64 peakMemoryKib(const QString& marker)
{
    const QStringList processes = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString& pid : processes) {
        const QByteArray commandLine =
            readFile(QStringLiteral("/proc/%1/cmdline").arg(pid)).replace('\0', ' ');
        if (!commandLine.contains("serve") || !commandLine.contains(marker.toUtf8()))
            continue;
        for (const QByteArray& line : readFile(QStringLiteral("/proc/%1/status").arg(pid))
                                          .split('\n')) {
            if (line.startsWith("VmHWM:"))
                return line.mid(6).trimmed().split(' ').first().toLongLong();
        }
    }
    return -1;
}

// The members of an archive in order, as GNU tar lists them.
QStringList tarListing(const QString& archivePath)
{
    const ProcessOutput listed =
        runProcess(QStringLiteral("tar"), {QStringLiteral("-tf"), archivePath});
    if (listed.exitCode != 0)
        return {};
    return QString::fromUtf8(listed.standardOutput).split(u'\n', Qt::SkipEmptyParts);
}

} // namespace

// The export routes against a real server: archive layout, JSON and bytes read back with GNU
// tar, permissions, the personal scope, audit entries, damaged records and streaming.
class TestExportApi : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();

    void personalExportContents();
    void personalExportHoldsOnlyVisible();
    void organizationExportNeedsPermission();
    void organizationExportHoldsAll();
    void exportsAreAudited();
    void damagedRecordIsMarked();
    void largeExportStreams();

private:
    // Uploads `content` as `filename` with `sharing`; returns the record id.
    QString upload(const QString& token, const QByteArray& content, const QString& filename,
                   const QString& sharing);
    // Saves an export with curl and extracts it with GNU tar into a new folder; returns the
    // folder, or an empty string on failure. `listing` receives the member list.
    QString exportAndExtract(const QString& token, const QString& scope, QStringList& listing,
                             CurlResult* response = nullptr);

    ServerProcess m_server;
    std::unique_ptr<AccessFixture> m_fixture;
    QTemporaryDir m_files;
    QString m_adminToken;
    QString m_memberToken;
    QString m_memberId;
    QString m_adminPrivate; // uploaded by the admin, private
    QString m_adminShared;  // uploaded by the admin, shared with the team
    QString m_memberOwn;    // uploaded by the member, private
    QByteArray m_adminSharedBytes;
    QByteArray m_memberOwnBytes;
    int m_counter = 0;
};

void TestExportApi::initTestCase()
{
    QVERIFY(m_server.start());
    m_fixture = std::make_unique<AccessFixture>(m_server);
    QVERIFY(m_fixture->isOpen());
    QVERIFY(!m_fixture->addUser(QStringLiteral("head@example.test"), kPassword, kOrganization,
                                true)
                 .isEmpty());
    m_memberId =
        m_fixture->addUser(QStringLiteral("nurse@example.test"), kPassword, kOrganization);
    QVERIFY(!m_memberId.isEmpty());
    CurlClient curl(m_server);
    m_adminToken = curl.login(QStringLiteral("head@example.test"), kPassword);
    m_memberToken = curl.login(QStringLiteral("nurse@example.test"), kPassword);
    QVERIFY(!m_adminToken.isEmpty());
    QVERIFY(!m_memberToken.isEmpty());

    m_adminPrivate = upload(m_adminToken, randomBytes(3000), QStringLiteral("private.pdf"),
                            QStringLiteral("private"));
    m_adminSharedBytes = randomBytes(200 * 1024 + 7);
    m_adminShared = upload(m_adminToken, m_adminSharedBytes,
                           QStringLiteral("Röntgen befund.pdf"), QStringLiteral("team"));
    // A file named like the metadata member must not replace it.
    m_memberOwnBytes = QByteArray("{\"not\": \"metadata\"}\n");
    m_memberOwn = upload(m_memberToken, m_memberOwnBytes, QStringLiteral("record.json"),
                         QStringLiteral("private"));
    QVERIFY(!m_adminPrivate.isEmpty());
    QVERIFY(!m_adminShared.isEmpty());
    QVERIFY(!m_memberOwn.isEmpty());
}

QString TestExportApi::upload(const QString& token, const QByteArray& content,
                              const QString& filename, const QString& sharing)
{
    const QString path = m_files.filePath(QStringLiteral("upload%1.bin").arg(++m_counter));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    file.close();
    CurlClient curl(m_server);
    const CurlResult uploaded =
        curl.upload(token, path, filename, {QStringLiteral("--url-query"),
                                            QStringLiteral("sharing=") + sharing});
    if (uploaded.status != 201)
        qWarning() << "upload failed:" << uploaded.status << uploaded.body;
    return uploaded.json().value(QStringLiteral("id")).toString();
}

QString TestExportApi::exportAndExtract(const QString& token, const QString& scope,
                                        QStringList& listing, CurlResult* response)
{
    const QString archive = m_files.filePath(QStringLiteral("export%1.tar").arg(++m_counter));
    CurlClient curl(m_server);
    const CurlResult exported =
        curl.request(QStringLiteral("GET"), QStringLiteral("/api/v1/export/") + scope, {}, token);
    if (response)
        *response = exported;
    if (exported.status != 200 || exported.curlExitCode != 0)
        return {};
    QFile file(archive);
    if (!file.open(QIODevice::WriteOnly) || file.write(exported.body) != exported.body.size())
        return {};
    file.close();
    listing = tarListing(archive);
    const QString folder = m_files.filePath(QStringLiteral("extracted%1").arg(m_counter));
    QDir().mkpath(folder);
    const ProcessOutput extracted = runProcess(
        QStringLiteral("tar"), {QStringLiteral("-xf"), archive, QStringLiteral("-C"), folder});
    if (extracted.exitCode != 0) {
        qWarning() << "tar failed:" << extracted.standardError;
        return {};
    }
    return folder;
}

void TestExportApi::personalExportContents()
{
    QStringList listing;
    CurlResult response;
    const QString folder =
        exportAndExtract(m_memberToken, QStringLiteral("personal"), listing, &response);
    QVERIFY(!folder.isEmpty());
    QCOMPARE(response.header("content-type"), QByteArray("application/x-tar"));
    QVERIFY(response.header("content-disposition").contains("chartinsight-personal-export-"));

    // Oldest record first, then audit.json, then manifest.json last.
    const QStringList expected = {
        QStringLiteral("records/%1/record.json").arg(m_adminShared),
        QStringLiteral("records/%1/Röntgen befund.pdf").arg(m_adminShared),
        QStringLiteral("records/%1/record.json").arg(m_memberOwn),
        QStringLiteral("records/%1/file-record.json").arg(m_memberOwn),
        QStringLiteral("audit.json"),
        QStringLiteral("manifest.json"),
    };
    QCOMPARE(listing, expected);

    QCOMPARE(readFile(folder + QStringLiteral("/records/%1/Röntgen befund.pdf").arg(m_adminShared)),
             m_adminSharedBytes);
    QCOMPARE(readFile(folder + QStringLiteral("/records/%1/file-record.json").arg(m_memberOwn)),
             m_memberOwnBytes);

    const QJsonObject shared =
        readJson(folder + QStringLiteral("/records/%1/record.json").arg(m_adminShared));
    QCOMPARE(shared.value(QStringLiteral("id")).toString(), m_adminShared);
    QCOMPARE(shared.value(QStringLiteral("filename")).toString(), QStringLiteral("Röntgen befund.pdf"));
    QCOMPARE(shared.value(QStringLiteral("size")).toInteger(), m_adminSharedBytes.size());
    QCOMPARE(shared.value(QStringLiteral("sharing")).toString(), QStringLiteral("team"));
    QVERIFY(shared.value(QStringLiteral("shared_with")).isArray());
    QVERIFY(!shared.contains(QStringLiteral("can_edit")));
    QVERIFY(shared.value(QStringLiteral("template")).isNull());
    const QJsonObject content = shared.value(QStringLiteral("content")).toObject();
    QCOMPARE(content.value(QStringLiteral("state")).toString(), QStringLiteral("included"));
    QCOMPARE(content.value(QStringLiteral("path")).toString(),
             QStringLiteral("records/%1/Röntgen befund.pdf").arg(m_adminShared));
    QCOMPARE(QString::fromLatin1(
                 QCryptographicHash::hash(m_adminSharedBytes, QCryptographicHash::Sha256).toHex()),
             shared.value(QStringLiteral("sha256")).toString());

    const QJsonObject manifest = readJson(folder + QStringLiteral("/manifest.json"));
    QCOMPARE(manifest.value(QStringLiteral("format")).toString(),
             QStringLiteral("chartinsight-export"));
    QCOMPARE(manifest.value(QStringLiteral("format_version")).toInt(), 1);
    QCOMPARE(manifest.value(QStringLiteral("kind")).toString(), QStringLiteral("personal"));
    const QJsonObject exportedBy = manifest.value(QStringLiteral("exported_by")).toObject();
    QCOMPARE(exportedBy.value(QStringLiteral("user_id")).toString(), m_memberId);
    const QJsonObject counts = manifest.value(QStringLiteral("counts")).toObject();
    QCOMPARE(counts.value(QStringLiteral("records")).toInt(), 2);
    QCOMPARE(counts.value(QStringLiteral("files")).toInt(), 2);
    QCOMPARE(counts.value(QStringLiteral("damaged")).toInt(), 0);
    QCOMPARE(counts.value(QStringLiteral("content_bytes")).toInteger(),
             m_adminSharedBytes.size() + m_memberOwnBytes.size());
}

void TestExportApi::personalExportHoldsOnlyVisible()
{
    QStringList listing;
    const QString folder = exportAndExtract(m_memberToken, QStringLiteral("personal"), listing);
    QVERIFY(!folder.isEmpty());
    for (const QString& member : std::as_const(listing))
        QVERIFY2(!member.contains(m_adminPrivate), qPrintable(member));

    // Audit entries about the admin's records stay out, even of the shared one; the member's
    // own actions and records are in.
    const QJsonArray entries =
        readJson(folder + QStringLiteral("/audit.json")).value(QStringLiteral("entries")).toArray();
    QVERIFY(!entries.isEmpty());
    for (const QJsonValue& value : entries) {
        const QJsonObject entry = value.toObject();
        const QString target = entry.value(QStringLiteral("target_id")).toString();
        QVERIFY2(target != m_adminPrivate, qPrintable(entry.value(QStringLiteral("action")).toString()));
        QVERIFY2(target != m_adminShared || entry.value(QStringLiteral("actor_id")).toString() == m_memberId,
                 qPrintable(entry.value(QStringLiteral("action")).toString()));
    }
}

void TestExportApi::organizationExportNeedsPermission()
{
    CurlClient curl(m_server);
    const CurlResult denied = curl.request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/export/organization"), {}, m_memberToken);
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.errorCode(), QStringLiteral("forbidden"));
    QVERIFY(!denied.header("content-type").contains("tar"));

    const CurlResult anonymous =
        curl.request(QStringLiteral("GET"), QStringLiteral("/api/v1/export/personal"));
    QCOMPARE(anonymous.status, 401);
}

void TestExportApi::organizationExportHoldsAll()
{
    QStringList listing;
    const QString folder =
        exportAndExtract(m_adminToken, QStringLiteral("organization"), listing);
    QVERIFY(!folder.isEmpty());
    for (const QString& id : {m_adminPrivate, m_adminShared, m_memberOwn})
        QVERIFY2(listing.contains(QStringLiteral("records/%1/record.json").arg(id)),
                 qPrintable(id));
    QCOMPARE(listing.last(), QStringLiteral("manifest.json"));
    const QJsonObject manifest = readJson(folder + QStringLiteral("/manifest.json"));
    QCOMPARE(manifest.value(QStringLiteral("kind")).toString(), QStringLiteral("organization"));
    QVERIFY(manifest.value(QStringLiteral("counts")).toObject().value(QStringLiteral("records"))
                .toInt() >= 3);
}

void TestExportApi::exportsAreAudited()
{
    QStringList listing;
    const QString folder = exportAndExtract(m_adminToken, QStringLiteral("organization"), listing);
    QVERIFY(!folder.isEmpty());
    const QJsonArray entries =
        readJson(folder + QStringLiteral("/audit.json")).value(QStringLiteral("entries")).toArray();
    QVERIFY(!entries.isEmpty());
    // The export's own entry is the last one of its audit.json.
    const QJsonObject last = entries.last().toObject();
    QCOMPARE(last.value(QStringLiteral("action")).toString(),
             QStringLiteral("export.organization"));
    QCOMPARE(last.value(QStringLiteral("outcome")).toString(), QStringLiteral("success"));
    QCOMPARE(last.value(QStringLiteral("target_kind")).toString(), QStringLiteral("organization"));
    const QJsonObject manifest = readJson(folder + QStringLiteral("/manifest.json"));
    QCOMPARE(last.value(QStringLiteral("sequence")).toInteger(),
             manifest.value(QStringLiteral("audit_up_to_sequence")).toInteger());
    QCOMPARE(manifest.value(QStringLiteral("counts")).toObject().value(
                 QStringLiteral("audit_entries")).toInteger(),
             entries.size());

    const QString personalCount = m_fixture->queryValue(
        QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'export.personal' AND "
                       "actor_id = ? AND outcome = 'success'"),
        {m_memberId});
    QVERIFY2(personalCount.toInt() >= 1, qPrintable(personalCount));
}

void TestExportApi::damagedRecordIsMarked()
{
    const QSet<QString> before = storedObjects(m_server.dataDir());
    const QString damaged = upload(m_memberToken, randomBytes(150 * 1024),
                                   QStringLiteral("scan.tif"), QStringLiteral("private"));
    QVERIFY(!damaged.isEmpty());
    const QSet<QString> added = storedObjects(m_server.dataDir()) - before;
    QCOMPARE(added.size(), 1);
    // A byte of the second segment: the record still opens, but fails its check.
    QVERIFY(flipByte(*added.begin(), kObjectHeaderBytes + 64 * 1024 + 16 + 10));

    QStringList listing;
    const QString folder = exportAndExtract(m_memberToken, QStringLiteral("personal"), listing);
    QVERIFY(!folder.isEmpty());
    QVERIFY(listing.contains(QStringLiteral("records/%1/record.json").arg(damaged)));
    QVERIFY(!listing.contains(QStringLiteral("records/%1/scan.tif").arg(damaged)));
    QCOMPARE(listing.last(), QStringLiteral("manifest.json"));

    const QJsonObject record =
        readJson(folder + QStringLiteral("/records/%1/record.json").arg(damaged));
    const QJsonObject content = record.value(QStringLiteral("content")).toObject();
    QCOMPARE(content.value(QStringLiteral("state")).toString(), QStringLiteral("damaged"));
    QVERIFY(content.value(QStringLiteral("path")).isNull());
    const QJsonObject manifest = readJson(folder + QStringLiteral("/manifest.json"));
    QCOMPARE(manifest.value(QStringLiteral("damaged_records")).toArray(), QJsonArray{damaged});
    QCOMPARE(manifest.value(QStringLiteral("counts")).toObject().value(QStringLiteral("damaged"))
                 .toInt(),
             1);
    // The other records are still complete.
    QCOMPARE(readFile(folder + QStringLiteral("/records/%1/file-record.json").arg(m_memberOwn)),
             m_memberOwnBytes);

    // Repaired, so that later exports have no damaged record.
    QVERIFY(flipByte(*added.begin(), kObjectHeaderBytes + 64 * 1024 + 16 + 10));
}

void TestExportApi::largeExportStreams()
{
    const QString token = CurlClient(m_server).login(QStringLiteral("head@example.test"), kPassword);
    QVERIFY(!token.isEmpty());
    QList<QByteArray> contents;
    QStringList ids;
    for (int i = 0; i < kLargeRecords; ++i) {
        contents << randomBytes(kLargeRecordBytes);
        ids << upload(token, contents.last(), QStringLiteral("scan-%1.bin").arg(i),
                      QStringLiteral("private"));
        QVERIFY(!ids.last().isEmpty());
    }
    const qint64 peakBefore = peakMemoryKib(m_server.dataDir());
    QVERIFY(peakBefore > 0);

    QStringList listing;
    CurlResult response;
    const QString folder =
        exportAndExtract(token, QStringLiteral("personal"), listing, &response);
    QVERIFY(!folder.isEmpty());
    QCOMPARE(response.header("transfer-encoding"), QByteArray("chunked"));
    QVERIFY(!response.hasHeader("content-length"));
    for (int i = 0; i < kLargeRecords; ++i) {
        QCOMPARE(readFile(folder + QStringLiteral("/records/%1/scan-%2.bin").arg(ids.at(i)).arg(i)),
                 contents.at(i));
    }
    // The server's peak memory grows by far less than the archive, which it never holds.
    const qint64 growthKib = peakMemoryKib(m_server.dataDir()) - peakBefore;
    QVERIFY2(growthKib < kLargeRecordBytes / 1024, qPrintable(QString::number(growthKib)));
}

QTEST_GUILESS_MAIN(TestExportApi)
#include "TestExportApi.moc"
