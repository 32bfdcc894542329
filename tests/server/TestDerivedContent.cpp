// Generated content against a real chartinsight-server and its chartinsight-derive worker: text
// and preview of real PDF, PNG and text files, search with its visibility rule and hostile
// search text, and a worker killed by its time limit or stopped by its memory limit while the
// server keeps serving.

#include "CurlClient.h"
#include "DerivedContentSupport.h"
#include "support/TestSupport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace chartinsight::test;

namespace {

const QString kKate = QStringLiteral("kate@example.test");
const QString kKatePassword = QStringLiteral("Tulip-Harbor-2718!-Quasar");
const QString kLeo = QStringLiteral("leo@example.test");
const QString kLeoPassword = QStringLiteral("Velvet-Orbit-Maple-4409?");

QString deriveWorkerPath()
{
    return QFileInfo(serverExecutable()).absolutePath() + QStringLiteral("/chartinsight-derive");
}

QStringList recordIds(const CurlResult& list)
{
    QStringList ids;
    for (const QJsonValue& record : list.json().value(QStringLiteral("records")).toArray())
        ids << record.toObject().value(QStringLiteral("id")).toString();
    return ids;
}

} // namespace

class TestDerivedContent : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void workerRejectsUnknownType();
    void workerOutputIsFramed();
    void pdfGetsTextAndPreview();
    void imagePreviewIsScaledDown();
    void textFileGetsTextOnly();
    void unknownFormatHasNothing();
    void otherUsersCannotReadDerivatives();
    void searchFindsTextTitleAndName();
    void searchSkipsInvisibleRecords();
    void searchTextIsNotFtsSyntax_data();
    void searchTextIsNotFtsSyntax();
    void searchRejectsEmptyAndLongText();
    void searchTextStaysOutOfLog();
    void slowPdfIsKilledAtTimeout();
    void largeImageStopsAtMemoryLimit();

private:
    QString upload(const QString& token, const QString& name, const QByteArray& content);

    QTemporaryDir m_files;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<CurlClient> m_client;
    QString m_kateToken;
    QString m_leoToken;
    QString m_reportId; // report.pdf of Kate, with "KESTREL-4412"
};

void TestDerivedContent::initTestCase()
{
    QVERIFY(m_files.isValid());
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), m_server->log().constData());
    m_client = std::make_unique<CurlClient>(*m_server);
    QCOMPARE(m_server->addUser(kKate, kKatePassword), 0);
    QCOMPARE(m_server->addUser(kLeo, kLeoPassword), 0);
    m_kateToken = m_client->login(kKate, kKatePassword);
    QVERIFY(!m_kateToken.isEmpty());
    m_leoToken = m_client->login(kLeo, kLeoPassword);
    QVERIFY(!m_leoToken.isEmpty());
    m_reportId = upload(m_kateToken, QStringLiteral("report.pdf"),
                        makeTextPdf("Echo report KESTREL-4412 normal"));
    QVERIFY(!m_reportId.isEmpty());
}

void TestDerivedContent::cleanupTestCase()
{
    m_client.reset();
    m_server.reset();
}

QString TestDerivedContent::upload(const QString& token, const QString& name,
                                   const QByteArray& content)
{
    const QString path = m_files.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    file.close();
    const CurlResult result = m_client->upload(token, path, name);
    if (result.status != 201)
        return {};
    return result.json().value(QStringLiteral("id")).toString();
}

void TestDerivedContent::workerRejectsUnknownType()
{
    const ProcessOutput output =
        runProcess(deriveWorkerPath(), {QStringLiteral("--type"), QStringLiteral("exe")});
    QCOMPARE(output.exitCode, 2);
    QVERIFY(output.standardError.contains("unknown --type"));
    QCOMPARE(output.standardOutput, QByteArray());
}

void TestDerivedContent::workerOutputIsFramed()
{
    const ProcessOutput output = runProcess(
        deriveWorkerPath(), {QStringLiteral("--type"), QStringLiteral("text")}, "plain words");
    QCOMPARE(output.exitCode, 0);
    QCOMPARE(output.standardOutput,
             QByteArray("CIDW1\nT\0\0\0\x0bplain wordsZ\0\0\0\0", 6 + 5 + 11 + 5));
}

void TestDerivedContent::pdfGetsTextAndPreview()
{
    const QJsonObject record = m_client->waitUntilDerived(m_kateToken, m_reportId);
    QCOMPARE(record.value(QStringLiteral("derived")).toString(), QStringLiteral("ready"));
    QCOMPARE(record.value(QStringLiteral("has_text")).toBool(), true);
    QCOMPARE(record.value(QStringLiteral("has_preview")).toBool(), true);

    const CurlResult text =
        m_client->request(QStringLiteral("GET"),
                          QStringLiteral("/api/v1/records/%1/text").arg(m_reportId), {},
                          m_kateToken);
    QCOMPARE(text.status, 200);
    QCOMPARE(text.header("content-type"), QByteArray("text/plain; charset=utf-8"));
    QVERIFY2(text.body.contains("KESTREL-4412"), text.body.constData());

    const CurlResult preview =
        m_client->request(QStringLiteral("GET"),
                          QStringLiteral("/api/v1/records/%1/preview").arg(m_reportId), {},
                          m_kateToken);
    QCOMPARE(preview.status, 200);
    QCOMPARE(preview.header("content-type"), QByteArray("image/png"));
    // US Letter is 612 x 792 points, so the longer side becomes 1024 pixels.
    const QPair<int, int> size = pngSize(preview.body);
    QCOMPARE(size.second, 1024);
    QCOMPARE(size.first, 791);
}

void TestDerivedContent::imagePreviewIsScaledDown()
{
    const QByteArray png = makePng(3000, 1500);
    QVERIFY(!png.isEmpty());
    const QString id = upload(m_kateToken, QStringLiteral("scan.png"), png);
    QVERIFY(!id.isEmpty());
    const QJsonObject record = m_client->waitUntilDerived(m_kateToken, id);
    QCOMPARE(record.value(QStringLiteral("derived")).toString(), QStringLiteral("ready"));
    QCOMPARE(record.value(QStringLiteral("has_preview")).toBool(), true);
    QCOMPARE(record.value(QStringLiteral("has_text")).toBool(), false);
    const CurlResult preview = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/preview").arg(id), {},
        m_kateToken);
    QCOMPARE(preview.status, 200);
    QCOMPARE(pngSize(preview.body), qMakePair(1024, 512));
    const CurlResult text = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/text").arg(id), {},
        m_kateToken);
    QCOMPARE(text.status, 404);
    QCOMPARE(text.errorCode(), QStringLiteral("not_found"));
}

void TestDerivedContent::textFileGetsTextOnly()
{
    const QByteArray content = "Blood pressure 120/80, pulse 64.\nNext visit: March.\n";
    const QString id = upload(m_kateToken, QStringLiteral("notes.txt"), content);
    QVERIFY(!id.isEmpty());
    const QJsonObject record = m_client->waitUntilDerived(m_kateToken, id);
    QCOMPARE(record.value(QStringLiteral("derived")).toString(), QStringLiteral("ready"));
    QCOMPARE(record.value(QStringLiteral("has_text")).toBool(), true);
    QCOMPARE(record.value(QStringLiteral("has_preview")).toBool(), false);
    const CurlResult text = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/text").arg(id), {},
        m_kateToken);
    QCOMPARE(text.status, 200);
    QCOMPARE(text.body, content);
    const CurlResult preview = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/preview").arg(id), {},
        m_kateToken);
    QCOMPARE(preview.status, 404);
}

void TestDerivedContent::unknownFormatHasNothing()
{
    QByteArray binary(4096, '\0');
    for (int i = 0; i < binary.size(); ++i)
        binary[i] = char((i * 7919) & 0xff);
    const QString id = upload(m_kateToken, QStringLiteral("data.bin"), binary);
    QVERIFY(!id.isEmpty());
    const QJsonObject record = m_client->waitUntilDerived(m_kateToken, id);
    QCOMPARE(record.value(QStringLiteral("derived")).toString(), QStringLiteral("none"));
    QCOMPARE(record.value(QStringLiteral("has_text")).toBool(), false);
    QCOMPARE(record.value(QStringLiteral("has_preview")).toBool(), false);
}

void TestDerivedContent::otherUsersCannotReadDerivatives()
{
    QVERIFY(!m_client->waitUntilDerived(m_kateToken, m_reportId).isEmpty());
    for (const QString& kind : {QStringLiteral("text"), QStringLiteral("preview")}) {
        const CurlResult result = m_client->request(
            QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/%2").arg(m_reportId, kind),
            {}, m_leoToken);
        QCOMPARE(result.status, 404);
        QCOMPARE(result.errorCode(), QStringLiteral("not_found"));
        QVERIFY(!result.body.contains("KESTREL"));
        const CurlResult anonymous = m_client->request(
            QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/%2").arg(m_reportId, kind));
        QCOMPARE(anonymous.status, 401);
    }
}

void TestDerivedContent::searchFindsTextTitleAndName()
{
    QVERIFY(!m_client->waitUntilDerived(m_kateToken, m_reportId).isEmpty());
    const auto search = [&](const QString& text) {
        return m_client->request(
            QStringLiteral("GET"),
            QStringLiteral("/api/v1/records?query=") +
                QString::fromLatin1(QUrl::toPercentEncoding(text)),
            {}, m_kateToken);
    };
    const CurlResult byText = search(QStringLiteral("kestrel-4412"));
    QCOMPARE(byText.status, 200);
    QCOMPARE(recordIds(byText), QStringList{m_reportId});
    const QJsonObject found =
        byText.json().value(QStringLiteral("records")).toArray().first().toObject();
    QCOMPARE(found.value(QStringLiteral("filename")).toString(), QStringLiteral("report.pdf"));
    QCOMPARE(found.value(QStringLiteral("has_text")).toBool(), true);

    const CurlResult byName = search(QStringLiteral("report.pdf"));
    QCOMPARE(byName.status, 200);
    QVERIFY(recordIds(byName).contains(m_reportId));

    const CurlResult titled = m_client->request(
        QStringLiteral("PATCH"), QStringLiteral("/api/v1/records/") + m_reportId,
        R"({"title": "Echo March"})", m_kateToken);
    QCOMPARE(titled.status, 200);
    const CurlResult byTitle = search(QStringLiteral("echo MARCH"));
    QCOMPARE(byTitle.status, 200);
    QCOMPARE(recordIds(byTitle), QStringList{m_reportId});

    const CurlResult missing = search(QStringLiteral("kestrel-9999"));
    QCOMPARE(missing.status, 200);
    QCOMPARE(recordIds(missing), QStringList());
}

void TestDerivedContent::searchSkipsInvisibleRecords()
{
    const QString leoRecord = upload(m_leoToken, QStringLiteral("leo-letter.pdf"),
                                     makeTextPdf("Referral ORIOLE-7781 cardiology"));
    QVERIFY(!leoRecord.isEmpty());
    QCOMPARE(m_client->waitUntilDerived(m_leoToken, leoRecord)
                 .value(QStringLiteral("derived"))
                 .toString(),
             QStringLiteral("ready"));

    for (const QString& text : {QStringLiteral("ORIOLE-7781"), QStringLiteral("oriole"),
                                QStringLiteral("leo-letter"), QStringLiteral("cardiology")}) {
        const QString path = QStringLiteral("/api/v1/records?query=") +
                             QString::fromLatin1(QUrl::toPercentEncoding(text));
        const CurlResult kate = m_client->request(QStringLiteral("GET"), path, {}, m_kateToken);
        QCOMPARE(kate.status, 200);
        QVERIFY2(!recordIds(kate).contains(leoRecord), qPrintable(text));
        QVERIFY(!kate.body.contains("ORIOLE"));
        const CurlResult leo = m_client->request(QStringLiteral("GET"), path, {}, m_leoToken);
        QCOMPARE(leo.status, 200);
        QVERIFY2(recordIds(leo).contains(leoRecord), qPrintable(text));
    }
}

void TestDerivedContent::searchTextIsNotFtsSyntax_data()
{
    QTest::addColumn<QString>("text");
    // FTS4 operators, column filters, prefix stars, NEAR, unbalanced quotes and parentheses:
    // none may match records that do not contain the words, or fail the query.
    QTest::newRow("or") << QStringLiteral("nothing OR kestrel");
    QTest::newRow("star") << QStringLiteral("*");
    QTest::newRow("prefix") << QStringLiteral("kest*");
    QTest::newRow("column") << QStringLiteral("body:kestrel nothing");
    QTest::newRow("record id column") << QStringLiteral("record_id:a*");
    QTest::newRow("near") << QStringLiteral("kestrel NEAR/3 nothing");
    QTest::newRow("quote") << QStringLiteral("nothing\" OR \"kestrel");
    QTest::newRow("parenthesis") << QStringLiteral("(kestrel OR echo) nothing");
    QTest::newRow("not") << QStringLiteral("-nothing kestrel zzz");
    QTest::newRow("caret") << QStringLiteral("^kestrel zzz");
    QTest::newRow("sql") << QStringLiteral("x') OR 1=1 --");
    QTest::newRow("like wildcard") << QStringLiteral("%");
    QTest::newRow("like underscore") << QStringLiteral("r_port.pdf zzz");
}

void TestDerivedContent::searchTextIsNotFtsSyntax()
{
    QFETCH(QString, text);
    QVERIFY(!m_client->waitUntilDerived(m_kateToken, m_reportId).isEmpty());
    const CurlResult result = m_client->request(
        QStringLiteral("GET"),
        QStringLiteral("/api/v1/records?query=") +
            QString::fromLatin1(QUrl::toPercentEncoding(text)),
        {}, m_kateToken);
    QCOMPARE(result.status, 200);
    QCOMPARE(recordIds(result), QStringList());
}

void TestDerivedContent::searchRejectsEmptyAndLongText()
{
    for (const QString& text : {QString(), QStringLiteral("   "), QString(201, u'a')}) {
        const CurlResult result = m_client->request(
            QStringLiteral("GET"),
            QStringLiteral("/api/v1/records?query=") +
                QString::fromLatin1(QUrl::toPercentEncoding(text)),
            {}, m_kateToken);
        QCOMPARE(result.status, 400);
        QCOMPARE(result.errorCode(), QStringLiteral("invalid_request"));
    }
}

void TestDerivedContent::searchTextStaysOutOfLog()
{
    const CurlResult result = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records?query=PELICAN-5150"), {},
        m_kateToken);
    QCOMPARE(result.status, 200);
    // The search is audited with its result count only; no log line may carry the text.
    QVERIFY(!m_server->log().contains("PELICAN"));
}

void TestDerivedContent::slowPdfIsKilledAtTimeout()
{
    ServerProcess server;
    QVERIFY2(server.start({QStringLiteral("--derive-timeout"), QStringLiteral("3")}),
             server.log().constData());
    CurlClient client(server);
    QCOMPARE(server.addUser(kKate, kKatePassword), 0);
    const QString token = client.login(kKate, kKatePassword);
    QVERIFY(!token.isEmpty());

    const QString path = m_files.filePath(QStringLiteral("slow.pdf"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(makeSlowPdf());
    file.close();
    const CurlResult uploaded = client.upload(token, path, QStringLiteral("slow.pdf"));
    QCOMPARE(uploaded.status, 201);
    const QString id = uploaded.json().value(QStringLiteral("id")).toString();

    const QJsonObject record = client.waitUntilDerived(token, id);
    QCOMPARE(record.value(QStringLiteral("derived")).toString(), QStringLiteral("failed"));
    QCOMPARE(record.value(QStringLiteral("has_text")).toBool(), false);
    QCOMPARE(record.value(QStringLiteral("has_preview")).toBool(), false);
    const QByteArray log = server.log();
    QVERIFY2(log.contains("worker_timeout"), log.constData());
    QVERIFY(server.isRunning());

    const CurlResult health = client.request(QStringLiteral("GET"), QStringLiteral("/api/v1/health"));
    QCOMPARE(health.status, 200);
    const QString notePath = m_files.filePath(QStringLiteral("after.txt"));
    QFile note(notePath);
    QVERIFY(note.open(QIODevice::WriteOnly));
    note.write("written after the slow file");
    note.close();
    const CurlResult next = client.upload(token, notePath, QStringLiteral("after.txt"));
    QCOMPARE(next.status, 201);
    const QJsonObject nextRecord =
        client.waitUntilDerived(token, next.json().value(QStringLiteral("id")).toString());
    QCOMPARE(nextRecord.value(QStringLiteral("derived")).toString(), QStringLiteral("ready"));
}

void TestDerivedContent::largeImageStopsAtMemoryLimit()
{
    // 5000 x 5000 pixels decode to 100 MB, over a quarter of the 160 MiB address-space limit.
    ServerProcess server;
    QVERIFY2(server.start({QStringLiteral("--derive-memory-limit"), QStringLiteral("160")}),
             server.log().constData());
    CurlClient client(server);
    QCOMPARE(server.addUser(kKate, kKatePassword), 0);
    const QString token = client.login(kKate, kKatePassword);
    QVERIFY(!token.isEmpty());
    const QByteArray png = makePng(5000, 5000);
    QVERIFY(!png.isEmpty());
    const QString path = m_files.filePath(QStringLiteral("large.png"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(png);
    file.close();
    const CurlResult uploaded = client.upload(token, path, QStringLiteral("large.png"));
    QCOMPARE(uploaded.status, 201);
    const QString id = uploaded.json().value(QStringLiteral("id")).toString();

    const QJsonObject record = client.waitUntilDerived(token, id);
    QCOMPARE(record.value(QStringLiteral("derived")).toString(), QStringLiteral("failed"));
    QCOMPARE(record.value(QStringLiteral("has_preview")).toBool(), false);
    QVERIFY(server.log().contains("image_too_large"));
    QVERIFY(server.isRunning());
    const CurlResult preview = client.request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/preview").arg(id), {}, token);
    QCOMPARE(preview.status, 404);
}

QTEST_GUILESS_MAIN(TestDerivedContent)
#include "TestDerivedContent.moc"
