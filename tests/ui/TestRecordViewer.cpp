#include "SampleRecords.h"
#include "UiTestEnvironment.h"
#include "support/TestSupport.h"
#include "ui/RecordViewer.h"
#include "ui/SessionController.h"
#include "ui/UploadQueue.h"

#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTest>

using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::ui::RecordViewer;
using chartinsight::ui::SessionController;
using chartinsight::ui::UploadQueue;
using Kind = chartinsight::ui::RecordViewer::ContentKind;

namespace {

const QString kEmail = QStringLiteral("radiology@clinic.test");
const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
constexpr int kTimeoutMs = 120000;

} // namespace

class TestRecordViewer : public QObject
{
    Q_OBJECT

public:
    explicit TestRecordViewer(const UiTestEnvironment& environment) : m_environment(environment) {}

private slots:
    void initTestCase();
    void init();
    void opensRecords_data();
    void opensRecords();
    void invalidRecordId();
    void unknownRecord();
    void downloadWritesFile();
    void downloadRejectsRemoteUrl();
    void closeReleasesContent();
    void signOutClosesRecord();

private:
    // Uploads `bytes` as `name` and returns the new record id.
    QString upload(const QString& name, const QByteArray& bytes);
    void openAndWait(const QString& recordId, const QString& name);

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
    std::unique_ptr<SessionController> m_controller;
    std::unique_ptr<RecordViewer> m_viewer;
    QHash<QString, QString> m_recordIds; // file name to record id
};

void TestRecordViewer::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("signing in needs the keychain: run through tests/support/with-keychain.sh");
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kEmail, kPassword), 0);
    m_controller = std::make_unique<SessionController>();
    m_controller->setProfileDir(m_environment.profileDir());
    m_controller->setCaFile(m_server.caFile());
    m_controller->setSignatureDir(chartinsight::test::testSignatureDir());
    m_controller->signIn(m_server.url().toString(), kEmail, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isBusy(), kTimeoutMs);
    QVERIFY2(m_controller->isSignedIn(), qPrintable(m_controller->errorString()));

    const QList<QPair<QString, QByteArray>> samples = {
        {QStringLiteral("summary.pdf"), chartinsight::test::samplePdf(2)},
        {QStringLiteral("scan.jpg"), chartinsight::test::sampleImage("JPEG")},
        {QStringLiteral("lab.txt"), chartinsight::test::sampleText()},
        {QStringLiteral("export.bin"), QByteArray("\x00\x01\x02\x03binary", 10)},
    };
    for (const auto& [name, bytes] : samples) {
        const QString recordId = upload(name, bytes);
        QVERIFY2(!recordId.isEmpty(), qPrintable(name));
        m_recordIds.insert(name, recordId);
    }
}

void TestRecordViewer::init()
{
    m_viewer = std::make_unique<RecordViewer>();
    m_viewer->setController(m_controller.get());
}

QString TestRecordViewer::upload(const QString& name, const QByteArray& bytes)
{
    const QString path = QDir(m_environment.workDir()).filePath(name);
    if (!chartinsight::test::writeFile(path, bytes))
        return {};
    UploadQueue queue;
    queue.setController(m_controller.get());
    QSignalSpy uploaded(&queue, &UploadQueue::recordUploaded);
    queue.enqueueFiles({path});
    if (!QTest::qWaitFor([&queue] { return !queue.isBusy(); }, kTimeoutMs) || uploaded.isEmpty())
        return {};
    return uploaded.first().first().toString();
}

void TestRecordViewer::openAndWait(const QString& recordId, const QString& name)
{
    QSignalSpy loaded(m_viewer.get(), &RecordViewer::loaded);
    m_viewer->open(recordId, name);
    QCOMPARE(m_viewer->kind(), Kind::Loading);
    QVERIFY(m_viewer->isBusy());
    QVERIFY(loaded.wait(kTimeoutMs));
    QVERIFY(!m_viewer->isBusy());
}

void TestRecordViewer::opensRecords_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<int>("pages");
    QTest::newRow("pdf") << QStringLiteral("summary.pdf") << Kind::Pdf << 2;
    QTest::newRow("jpeg") << QStringLiteral("scan.jpg") << Kind::Image << 1;
    QTest::newRow("text") << QStringLiteral("lab.txt") << Kind::Text << 0;
    QTest::newRow("binary") << QStringLiteral("export.bin") << Kind::Unsupported << 0;
}

void TestRecordViewer::opensRecords()
{
    QFETCH(QString, name);
    QFETCH(Kind, kind);
    QFETCH(int, pages);
    openAndWait(m_recordIds.value(name), name);
    QCOMPARE(m_viewer->kind(), kind);
    QCOMPARE(m_viewer->pageCount(), pages);
    QCOMPARE(m_viewer->fileName(), name);
    QCOMPARE(m_viewer->recordId(), m_recordIds.value(name));
    QVERIFY(m_viewer->errorString().isEmpty());
    QCOMPARE(m_viewer->pageSourcePrefix().isEmpty(), pages == 0);
    QCOMPARE(m_viewer->problem().isEmpty(), kind != Kind::Unsupported);
    if (kind == Kind::Text)
        QVERIFY(m_viewer->text().contains(QStringLiteral("Haemoglobin")));
}

void TestRecordViewer::invalidRecordId()
{
    m_viewer->open(QStringLiteral("../../etc/passwd"), QStringLiteral("passwd"));
    QCOMPARE(m_viewer->kind(), Kind::Failed);
    QVERIFY2(m_viewer->errorString().contains(QStringLiteral("not valid")),
             qPrintable(m_viewer->errorString()));
    QVERIFY(!m_viewer->isBusy());
}

void TestRecordViewer::unknownRecord()
{
    openAndWait(QStringLiteral("123e4567-e89b-42d3-a456-426614174000"), QStringLiteral("x.pdf"));
    QCOMPARE(m_viewer->kind(), Kind::Failed);
    QVERIFY(!m_viewer->errorString().isEmpty());
    QCOMPARE(m_viewer->pageCount(), 0);
}

void TestRecordViewer::downloadWritesFile()
{
    openAndWait(m_recordIds.value(QStringLiteral("lab.txt")), QStringLiteral("lab.txt"));
    const QString target = QDir(m_environment.workDir()).filePath(QStringLiteral("saved-lab.txt"));
    m_viewer->download(QUrl::fromLocalFile(target));
    QVERIFY(m_viewer->isDownloading());
    QTRY_VERIFY_WITH_TIMEOUT(!m_viewer->isDownloading(), kTimeoutMs);
    QVERIFY2(m_viewer->errorString().isEmpty(), qPrintable(m_viewer->errorString()));
    QVERIFY2(m_viewer->status().contains(QStringLiteral("saved-lab.txt")),
             qPrintable(m_viewer->status()));
    QFile saved(target);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(saved.readAll(), chartinsight::test::sampleText());
}

void TestRecordViewer::downloadRejectsRemoteUrl()
{
    openAndWait(m_recordIds.value(QStringLiteral("lab.txt")), QStringLiteral("lab.txt"));
    m_viewer->download(QUrl(QStringLiteral("https://files.example.test/lab.txt")));
    QVERIFY(!m_viewer->isDownloading());
    QVERIFY2(m_viewer->errorString().contains(QStringLiteral("not a file on this computer")),
             qPrintable(m_viewer->errorString()));
}

void TestRecordViewer::closeReleasesContent()
{
    openAndWait(m_recordIds.value(QStringLiteral("summary.pdf")), QStringLiteral("summary.pdf"));
    QVERIFY(!m_viewer->pageSourcePrefix().isEmpty());
    m_viewer->close();
    QCOMPARE(m_viewer->kind(), Kind::None);
    QVERIFY(m_viewer->fileName().isEmpty());
    QVERIFY(m_viewer->pageSourcePrefix().isEmpty());
    QCOMPARE(m_viewer->pageCount(), 0);
}

void TestRecordViewer::signOutClosesRecord()
{
    openAndWait(m_recordIds.value(QStringLiteral("lab.txt")), QStringLiteral("lab.txt"));
    m_controller->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isSignedIn(), kTimeoutMs);
    QCOMPARE(m_viewer->kind(), Kind::None);
    QVERIFY(m_viewer->text().isEmpty());
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestRecordViewer test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestRecordViewer.moc"
