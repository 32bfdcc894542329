// Fault case C10: deleting a record must remove its generated previews and text for good, and
// no derive job may write new ones afterwards, neither at once, nor once the background jobs
// ran, nor after a restart. Runs a real chartinsight-server with its chartinsight-derive worker
// and counts the files and bytes of the encrypted object store in the data folder.

#include "CurlClient.h"
#include "DerivedContentSupport.h"
#include "support/TestSupport.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace chartinsight::test;

namespace {

const QString kKate = QStringLiteral("kate@example.test");
const QString kKatePassword = QStringLiteral("Tulip-Harbor-2718!-Quasar");

struct StoreUsage
{
    int files = 0;
    qint64 bytes = 0;
    bool operator==(const StoreUsage& other) const
    {
        return files == other.files && bytes == other.bytes;
    }
};

// Every file below DIR/store: committed objects and temporary ones.
StoreUsage storeUsage(const ServerProcess& server)
{
    StoreUsage usage;
    QDirIterator it(server.dataDir() + QStringLiteral("/store"), QDir::Files | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++usage.files;
        usage.bytes += it.fileInfo().size();
    }
    return usage;
}

char* usageText(const StoreUsage& usage)
{
    return QTest::toString(QStringLiteral("%1 files, %2 bytes").arg(usage.files).arg(usage.bytes));
}

} // namespace

namespace QTest {
template <>
char* toString(const StoreUsage& usage)
{
    return usageText(usage);
}
} // namespace QTest

class TestC10PermanentDeletion : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void c10DeletionLeavesNoPreviews();

private:
    QString upload(const QString& name, const QByteArray& content);
    // Waits until the server log shows that the derive runner is done with `recordId`: stored,
    // failed, discarded or dropped.
    bool waitForRunnerDone(const QString& recordId);
    void checkGone(const QStringList& urls, const QStringList& recordIds);

    QTemporaryDir m_files;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<CurlClient> m_client;
    QString m_token;
};

void TestC10PermanentDeletion::initTestCase()
{
    QVERIFY(m_files.isValid());
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), m_server->log().constData());
    m_client = std::make_unique<CurlClient>(*m_server);
    QCOMPARE(m_server->addUser(kKate, kKatePassword, true), 0);
    m_token = m_client->login(kKate, kKatePassword);
    QVERIFY(!m_token.isEmpty());
}

void TestC10PermanentDeletion::cleanupTestCase()
{
    m_client.reset();
    m_server.reset();
}

QString TestC10PermanentDeletion::upload(const QString& name, const QByteArray& content)
{
    const QString path = m_files.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    file.close();
    const CurlResult result = m_client->upload(m_token, path, name);
    if (result.status != 201)
        return {};
    return result.json().value(QStringLiteral("id")).toString();
}

bool TestC10PermanentDeletion::waitForRunnerDone(const QString& recordId)
{
    const QRegularExpression done(
        QStringLiteral("(derived record|derive worker for record|discarded the derived content "
                       "of record|derive job of record) %1")
            .arg(recordId));
    // A generous bound for a busy machine, not a performance check.
    const QDeadlineTimer deadline(180000);
    while (!deadline.hasExpired()) {
        if (done.match(QString::fromUtf8(m_server->log())).hasMatch())
            return true;
        QThread::msleep(200);
    }
    return false;
}

void TestC10PermanentDeletion::checkGone(const QStringList& urls, const QStringList& recordIds)
{
    for (const QString& url : urls) {
        const CurlResult result = m_client->request(QStringLiteral("GET"), url, {}, m_token);
        QCOMPARE(result.status, 404);
        QCOMPARE(result.errorCode(), QStringLiteral("not_found"));
    }
    const CurlResult search = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records?query=KESTREL-4412"), {}, m_token);
    QCOMPARE(search.status, 200);
    QCOMPARE(search.json().value(QStringLiteral("records")).toArray().size(), 0);
    const CurlResult list =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, m_token);
    QCOMPARE(list.status, 200);
    for (const QString& id : recordIds)
        QVERIFY2(!list.body.contains(id.toLatin1()), qPrintable(id));
}

void TestC10PermanentDeletion::c10DeletionLeavesNoPreviews()
{
    const StoreUsage before = storeUsage(*m_server);

    const QByteArray png = makePng(1600, 1200);
    QVERIFY(!png.isEmpty());
    const QString scanId = upload(QStringLiteral("scan.png"), png);
    QVERIFY(!scanId.isEmpty());
    const QString reportId =
        upload(QStringLiteral("report.pdf"), makeTextPdf("Findings KESTREL-4412 stable"));
    QVERIFY(!reportId.isEmpty());

    // The viewer and the record list: content, preview (the list's thumbnail uses the same
    // URL) and text.
    QStringList urls;
    for (const QString& id : {scanId, reportId}) {
        const QJsonObject record = m_client->waitUntilDerived(m_token, id);
        QCOMPARE(record.value(QStringLiteral("derived")).toString(), QStringLiteral("ready"));
        QCOMPARE(record.value(QStringLiteral("has_preview")).toBool(), true);
        const QString preview = QStringLiteral("/api/v1/records/%1/preview").arg(id);
        QCOMPARE(m_client->request(QStringLiteral("GET"), preview, {}, m_token).status, 200);
        const CurlResult viewed = m_client->request(
            QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/content").arg(id), {},
            m_token, {QStringLiteral("-H"), QStringLiteral("X-ChartInsight-Purpose: view")});
        QCOMPARE(viewed.status, 200);
        urls << preview << QStringLiteral("/api/v1/records/%1/text").arg(id)
             << QStringLiteral("/api/v1/records/%1/content").arg(id)
             << QStringLiteral("/api/v1/records/%1").arg(id);
    }
    QCOMPARE(m_client->request(QStringLiteral("GET"), urls.at(1), {}, m_token).status, 404);
    const CurlResult text = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/text").arg(reportId), {},
        m_token);
    QCOMPARE(text.status, 200);
    QVERIFY(text.body.contains("KESTREL-4412"));
    const CurlResult found = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records?query=KESTREL-4412"), {}, m_token);
    QCOMPARE(found.json().value(QStringLiteral("records")).toArray().size(), 1);
    const StoreUsage withRecords = storeUsage(*m_server);
    // Each record has its file and a preview, and the PDF its text too.
    QCOMPARE(withRecords.files, before.files + 5);

    // A third record is deleted while its derive job is still running, so the job finishes
    // after the deletion and must not store anything.
    const QString lateId = upload(QStringLiteral("late.pdf"), makeSlowPdf(300000));
    QVERIFY(!lateId.isEmpty());
    const QDeadlineTimer claimed(180000);
    while (!claimed.hasExpired() &&
           !m_server->log().contains("deriving record " + lateId.toLatin1()))
        QThread::msleep(20);
    QVERIFY(m_server->log().contains("deriving record " + lateId.toLatin1()));

    for (const QString& id : {scanId, reportId, lateId}) {
        const CurlResult deleted = m_client->request(
            QStringLiteral("DELETE"), QStringLiteral("/api/v1/records/") + id, {}, m_token);
        QCOMPARE(deleted.status, 200);
        QVERIFY(deleted.json().contains(QStringLiteral("receipt")));
    }
    urls << QStringLiteral("/api/v1/records/%1/preview").arg(lateId)
         << QStringLiteral("/api/v1/records/%1/text").arg(lateId);

    // At once, after the background jobs ran, and after a restart.
    checkGone(urls, {scanId, reportId, lateId});
    QCOMPARE(storeUsage(*m_server), before);

    QVERIFY2(waitForRunnerDone(lateId), m_server->log().constData());
    checkGone(urls, {scanId, reportId, lateId});
    QCOMPARE(storeUsage(*m_server), before);

    m_server->stop();
    QVERIFY2(m_server->start(), m_server->log().constData());
    m_token = m_client->login(kKate, kKatePassword);
    QVERIFY(!m_token.isEmpty());
    checkGone(urls, {scanId, reportId, lateId});
    QCOMPARE(storeUsage(*m_server), before);

    // The audit keeps the deletions, with ids only.
    const CurlResult audit = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/reports/activity?action=record.deleted"),
        {}, m_token);
    QCOMPARE(audit.status, 200);
    QStringList deletedIds;
    for (const QJsonValue& entry : audit.json().value(QStringLiteral("entries")).toArray())
        deletedIds << entry.toObject().value(QStringLiteral("target_id")).toString();
    for (const QString& id : {scanId, reportId, lateId})
        QVERIFY2(deletedIds.contains(id), qPrintable(id));
    for (const QByteArray& content : {QByteArray("KESTREL"), QByteArray("scan.png"),
                                      QByteArray("report.pdf"), QByteArray("late.pdf")})
        QVERIFY2(!audit.body.contains(content), content.constData());
}

QTEST_GUILESS_MAIN(TestC10PermanentDeletion)
#include "TestC10PermanentDeletion.moc"
