#include "SampleRecords.h"
#include "UiTestEnvironment.h"
#include "support/TestSupport.h"
#include "ui/RecordListModel.h"
#include "ui/SessionController.h"
#include "ui/UploadQueue.h"

#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTest>

using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::ui::RecordListModel;
using chartinsight::ui::SessionController;
using chartinsight::ui::UploadQueue;
using State = chartinsight::ui::UploadQueue::UploadState;

namespace {

const QString kEmail = QStringLiteral("doctor@clinic.test");
const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
constexpr int kTimeoutMs = 120000;

} // namespace

class TestUploadQueue : public QObject
{
    Q_OBJECT

public:
    explicit TestUploadQueue(const UiTestEnvironment& environment) : m_environment(environment) {}

private slots:
    void initTestCase();
    void init();
    void rejectsFolderAndMissingFile();
    void rejectsRemoteUrl();
    void uploadsCleanFile();
    void rejectsMalware();
    void uploadsInOrder();
    void recordListShowsUploads();
    void clearFinishedKeepsNothingDone();
    void signOutClearsQueue();

private:
    QString writeSample(const QString& name, const QByteArray& bytes) const;
    State stateAt(int row) const;
    QString messageAt(int row) const;

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
    std::unique_ptr<SessionController> m_controller;
    std::unique_ptr<UploadQueue> m_queue;
};

void TestUploadQueue::initTestCase()
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
}

void TestUploadQueue::init()
{
    m_queue = std::make_unique<UploadQueue>();
    m_queue->setController(m_controller.get());
}

QString TestUploadQueue::writeSample(const QString& name, const QByteArray& bytes) const
{
    const QString path = QDir(m_environment.workDir()).filePath(name);
    if (!chartinsight::test::writeFile(path, bytes))
        qWarning("could not write the sample file");
    return path;
}

State TestUploadQueue::stateAt(int row) const
{
    return m_queue->data(m_queue->index(row), UploadQueue::UploadStateRole).value<State>();
}

QString TestUploadQueue::messageAt(int row) const
{
    return m_queue->data(m_queue->index(row), UploadQueue::MessageRole).toString();
}

void TestUploadQueue::rejectsFolderAndMissingFile()
{
    const QString folder = QDir(m_environment.workDir()).filePath(QStringLiteral("a-folder"));
    QVERIFY(QDir().mkpath(folder));
    const QString missing = QDir(m_environment.workDir()).filePath(QStringLiteral("gone.pdf"));
    const int queued = m_queue->enqueueFiles({folder, missing});
    QCOMPARE(queued, 0);
    QCOMPARE(m_queue->count(), 0);
    QVERIFY2(m_queue->errorString().contains(QStringLiteral("\"a-folder\" is a folder")),
             qPrintable(m_queue->errorString()));
    QVERIFY2(m_queue->errorString().contains(QStringLiteral("\"gone.pdf\" was not found")),
             qPrintable(m_queue->errorString()));
}

void TestUploadQueue::rejectsRemoteUrl()
{
    const int queued =
        m_queue->enqueue({QUrl(QStringLiteral("https://files.example.test/report.pdf"))});
    QCOMPARE(queued, 0);
    QVERIFY2(m_queue->errorString().contains(QStringLiteral("not a file on this computer")),
             qPrintable(m_queue->errorString()));
}

void TestUploadQueue::uploadsCleanFile()
{
    const QString path =
        writeSample(QStringLiteral("summary.pdf"), chartinsight::test::samplePdf(1));
    QSignalSpy uploaded(m_queue.get(), &UploadQueue::recordUploaded);
    QCOMPARE(m_queue->enqueue({QUrl::fromLocalFile(path)}), 1);
    QVERIFY(m_queue->isBusy());
    QCOMPARE(m_queue->data(m_queue->index(0), UploadQueue::FileNameRole).toString(),
             QStringLiteral("summary.pdf"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_queue->isBusy(), kTimeoutMs);
    QCOMPARE(stateAt(0), State::Succeeded);
    QVERIFY(m_queue->data(m_queue->index(0), UploadQueue::SucceededRole).toBool());
    QCOMPARE(uploaded.size(), 1);
    const QString recordId = uploaded.first().first().toString();
    QVERIFY2(chartinsight::isValidRecordId(recordId), qPrintable(recordId));
    QCOMPARE(m_queue->data(m_queue->index(0), UploadQueue::RecordIdRole).toString(), recordId);
}

void TestUploadQueue::rejectsMalware()
{
    const QString path = writeSample(QStringLiteral("eicar.com"), chartinsight::test::eicarBytes());
    QSignalSpy uploaded(m_queue.get(), &UploadQueue::recordUploaded);
    m_queue->enqueueFiles({path});
    QTRY_VERIFY_WITH_TIMEOUT(!m_queue->isBusy(), kTimeoutMs);
    QCOMPARE(stateAt(0), State::Failed);
    QCOMPARE(uploaded.size(), 0);
    const QString message = messageAt(0);
    QVERIFY2(message.startsWith(QStringLiteral("Malware found: ")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("eicar"), Qt::CaseInsensitive), qPrintable(message));
    QVERIFY2(message.endsWith(QStringLiteral("— the file was not uploaded")), qPrintable(message));
}

void TestUploadQueue::uploadsInOrder()
{
    const QStringList paths = {
        writeSample(QStringLiteral("first.png"), chartinsight::test::sampleImage()),
        writeSample(QStringLiteral("second.txt"), chartinsight::test::sampleText()),
        writeSample(QStringLiteral("third.pdf"), chartinsight::test::samplePdf(2)),
    };
    // Every state each row passes through, in order.
    QList<QList<State>> seen(paths.size());
    const QMetaObject::Connection watch =
        connect(m_queue.get(), &QAbstractItemModel::dataChanged, this,
                [this, &seen](const QModelIndex& topLeft) {
                    QList<State>& states = seen[topLeft.row()];
                    const State state = stateAt(topLeft.row());
                    if (states.isEmpty() || states.constLast() != state)
                        states.append(state);
                });
    QCOMPARE(m_queue->enqueueFiles(paths), 3);
    QCOMPARE(m_queue->pendingCount(), 3);
    QCOMPARE(stateAt(2), State::Queued);
    QTRY_VERIFY_WITH_TIMEOUT(!m_queue->isBusy(), kTimeoutMs);
    disconnect(watch);
    for (int row = 0; row < paths.size(); ++row) {
        QCOMPARE(stateAt(row), State::Succeeded);
        QVERIFY(!seen[row].isEmpty());
        QCOMPARE(seen[row].constFirst(), State::Scanning);
        QVERIFY(seen[row].contains(State::Uploading));
        QCOMPARE(seen[row].constLast(), State::Succeeded);
    }
}

void TestUploadQueue::recordListShowsUploads()
{
    RecordListModel records;
    records.setController(m_controller.get());
    records.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(records.isLoaded() && !records.isBusy(), kTimeoutMs);
    QVERIFY2(records.errorString().isEmpty(), qPrintable(records.errorString()));
    const int before = records.count();

    const QString path =
        writeSample(QStringLiteral("listed.txt"), chartinsight::test::sampleText());
    connect(m_queue.get(), &UploadQueue::recordUploaded, &records, &RecordListModel::refresh);
    m_queue->enqueueFiles({path});
    QTRY_VERIFY_WITH_TIMEOUT(records.count() == before + 1 && !records.isBusy(), kTimeoutMs);
    QCOMPARE(records.fileName(0), QStringLiteral("listed.txt"));
    QCOMPARE(records.data(records.index(0), RecordListModel::SizeRole).toLongLong(),
             qint64(chartinsight::test::sampleText().size()));
}

void TestUploadQueue::clearFinishedKeepsNothingDone()
{
    const QString path = writeSample(QStringLiteral("clear.txt"), chartinsight::test::sampleText());
    m_queue->enqueueFiles({path, path});
    QCOMPARE(m_queue->count(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(!m_queue->isBusy(), kTimeoutMs);
    m_queue->clearFinished();
    QCOMPARE(m_queue->count(), 0);
}

void TestUploadQueue::signOutClearsQueue()
{
    const QString path = writeSample(QStringLiteral("late.txt"), chartinsight::test::sampleText());
    m_queue->enqueueFiles({path});
    QTRY_VERIFY_WITH_TIMEOUT(!m_queue->isBusy(), kTimeoutMs);
    m_controller->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isSignedIn(), kTimeoutMs);
    QCOMPARE(m_queue->count(), 0);
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestUploadQueue test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestUploadQueue.moc"
