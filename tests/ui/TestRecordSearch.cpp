// The record search of the records page's view model against a real server over TLS with its
// chartinsight-derive worker: content search, the separation between users, clearing the
// search, errors, server thumbnails, and the offline search of titles and file names.

#include "SampleRecords.h"
#include "UiTestEnvironment.h"
#include "client/ClientTestSupport.h"
#include "support/TestSupport.h"
#include "ui/RecordImageProvider.h"
#include "ui/RecordListModel.h"
#include "ui/SessionController.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QGuiApplication>
#include <QTest>

using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::test::waitForTask;
using chartinsight::ui::RecordImageProvider;
using chartinsight::ui::RecordListModel;
using chartinsight::ui::SessionController;

namespace {

const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
const QString kKate = QStringLiteral("kate@example.test");
const QString kHenry = QStringLiteral("henry@example.test");
// A word that occurs only inside the uploaded files, never in a file name.
const QString kMarker = QStringLiteral("zygomorphic");
constexpr int kTimeoutMs = 60000;
// Generous bound for the derive worker on a busy machine; not a performance check.
constexpr int kDeriveTimeoutMs = 120000;

int rowOf(const RecordListModel& model, const QString& recordId)
{
    for (int row = 0; row < model.count(); ++row) {
        if (model.recordId(row) == recordId)
            return row;
    }
    return -1;
}

QString derivedOf(const RecordListModel& model, const QString& recordId)
{
    for (const auto& record : model.records()) {
        if (record.id == recordId)
            return record.derived;
    }
    return {};
}

} // namespace

class TestRecordSearch : public QObject
{
    Q_OBJECT

public:
    explicit TestRecordSearch(const UiTestEnvironment& environment) : m_environment(environment) {}

private slots:
    void initTestCase();
    void searchFindsOwnRecordOnly();
    void searchOfOtherUser();
    void searchWithoutMatch();
    void clearingShowsFullList();
    void searchTooLong();
    void thumbnailOfPreview();
    void offlineSearchesNames();
    void cleanupTestCase();

private:
    std::unique_ptr<SessionController> signIn(const QString& email) const;
    QString upload(SessionController& controller, const QString& name, const QByteArray& bytes);
    void search(RecordListModel& model, const QString& text) const;
    // Lists the records of `model` until `recordId` is derived ("ready" or "failed").
    void waitForDerived(RecordListModel& model, const QString& recordId) const;

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
    std::unique_ptr<SessionController> m_kate;
    std::unique_ptr<SessionController> m_henry;
    RecordListModel m_kateRecords;
    RecordListModel m_henryRecords;
    QString m_kateNoteId;  // Kate's text file with the marker
    QString m_kateOtherId; // Kate's text file without it
    QString m_kateImageId; // Kate's PNG, which has a server preview
    QString m_henryNoteId; // Henry's private text file with the marker
};

void TestRecordSearch::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("signing in needs the keychain: run through tests/support/with-keychain.sh");
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kKate, kPassword), 0);
    QCOMPARE(m_server.addUser(kHenry, kPassword), 0);

    m_kate = signIn(kKate);
    QVERIFY2(m_kate->isSignedIn(), qPrintable(m_kate->errorString()));
    m_henry = signIn(kHenry);
    QVERIFY2(m_henry->isSignedIn(), qPrintable(m_henry->errorString()));

    m_kateNoteId = upload(*m_kate, QStringLiteral("visit-note.txt"),
                          "Follow-up visit. Finding: " + kMarker.toUtf8() + " lesion.\n");
    m_kateOtherId = upload(*m_kate, QStringLiteral("allergies.txt"), "No known allergies.\n");
    m_kateImageId = upload(*m_kate, QStringLiteral("wound-photo.png"),
                           chartinsight::test::sampleImage());
    m_henryNoteId = upload(*m_henry, QStringLiteral("henry-note.txt"),
                           "Henry's patient: " + kMarker.toUtf8() + " pattern.\n");
    QVERIFY(!m_kateNoteId.isEmpty());
    QVERIFY(!m_kateOtherId.isEmpty());
    QVERIFY(!m_kateImageId.isEmpty());
    QVERIFY(!m_henryNoteId.isEmpty());

    m_kateRecords.setController(m_kate.get());
    m_henryRecords.setController(m_henry.get());
    waitForDerived(m_kateRecords, m_kateNoteId);
    waitForDerived(m_kateRecords, m_kateOtherId);
    waitForDerived(m_kateRecords, m_kateImageId);
    waitForDerived(m_henryRecords, m_henryNoteId);
    QCOMPARE(derivedOf(m_kateRecords, m_kateNoteId), QStringLiteral("ready"));
    QCOMPARE(derivedOf(m_henryRecords, m_henryNoteId), QStringLiteral("ready"));
}

void TestRecordSearch::cleanupTestCase()
{
    m_kateRecords.setController(nullptr);
    m_henryRecords.setController(nullptr);
    m_kate.reset();
    m_henry.reset();
}

std::unique_ptr<SessionController> TestRecordSearch::signIn(const QString& email) const
{
    auto controller = std::make_unique<SessionController>();
    controller->setServerUrl(m_server.url().toString());
    controller->setProfileDir(QDir(m_environment.workDir()).filePath(email));
    controller->setSignatureDir(chartinsight::test::testSignatureDir());
    controller->setCaFile(m_server.caFile());
    controller->signIn(m_server.url().toString(), email, kPassword);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kTimeoutMs); }();
    return controller;
}

QString TestRecordSearch::upload(SessionController& controller, const QString& name,
                                 const QByteArray& bytes)
{
    const QString path = chartinsight::test::writeFile(m_environment.workDir(), name, bytes);
    const auto outcome = waitForTask(controller.session()->upload(path, {}));
    if (!outcome.ok)
        qWarning() << "upload failed:" << outcome.error.code << outcome.error.message;
    return outcome.result.toObject().value(QStringLiteral("id")).toString();
}

void TestRecordSearch::search(RecordListModel& model, const QString& text) const
{
    model.search(text);
    QTRY_VERIFY_WITH_TIMEOUT(!model.isBusy() && model.isLoaded(), kTimeoutMs);
}

void TestRecordSearch::waitForDerived(RecordListModel& model, const QString& recordId) const
{
    const QDeadlineTimer deadline(kDeriveTimeoutMs);
    while (!deadline.hasExpired()) {
        model.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!model.isBusy() && model.isLoaded(), kTimeoutMs);
        const QString derived = derivedOf(model, recordId);
        if (derived == QLatin1String("ready") || derived == QLatin1String("failed"))
            return;
        QTest::qWait(250);
    }
    QFAIL(qPrintable(QStringLiteral("record %1 was not derived in time").arg(recordId)));
}

void TestRecordSearch::searchFindsOwnRecordOnly()
{
    search(m_kateRecords, kMarker);
    QVERIFY2(m_kateRecords.errorString().isEmpty(), qPrintable(m_kateRecords.errorString()));
    QCOMPARE(m_kateRecords.searchText(), kMarker);
    QCOMPARE(m_kateRecords.searchNote(), QString());
    QCOMPARE(m_kateRecords.count(), 1);
    QCOMPARE(m_kateRecords.recordId(0), m_kateNoteId);
    QCOMPARE(rowOf(m_kateRecords, m_henryNoteId), -1);
}

void TestRecordSearch::searchOfOtherUser()
{
    // Henry's private record matches the same word, but only for Henry.
    search(m_henryRecords, kMarker.toUpper());
    QVERIFY2(m_henryRecords.errorString().isEmpty(), qPrintable(m_henryRecords.errorString()));
    QCOMPARE(m_henryRecords.count(), 1);
    QCOMPARE(m_henryRecords.recordId(0), m_henryNoteId);
    search(m_henryRecords, {});
}

void TestRecordSearch::searchWithoutMatch()
{
    search(m_kateRecords, QStringLiteral("quixotically"));
    QCOMPARE(m_kateRecords.count(), 0);
    QCOMPARE(m_kateRecords.errorString(), QString());
}

void TestRecordSearch::clearingShowsFullList()
{
    search(m_kateRecords, kMarker);
    QCOMPARE(m_kateRecords.count(), 1);
    search(m_kateRecords, QStringLiteral("   "));
    QCOMPARE(m_kateRecords.searchText(), QString());
    QCOMPARE(m_kateRecords.count(), 3);
    QVERIFY(rowOf(m_kateRecords, m_kateNoteId) >= 0);
    QVERIFY(rowOf(m_kateRecords, m_kateOtherId) >= 0);

    // A refresh while a search is active repeats the search instead of listing everything.
    search(m_kateRecords, kMarker);
    m_kateRecords.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m_kateRecords.isBusy(), kTimeoutMs);
    QCOMPARE(m_kateRecords.count(), 1);
    search(m_kateRecords, {});
    QCOMPARE(m_kateRecords.count(), 3);
}

void TestRecordSearch::searchTooLong()
{
    search(m_kateRecords, QString(201, QLatin1Char('a')));
    QCOMPARE(m_kateRecords.count(), 0);
    QVERIFY2(m_kateRecords.errorString().contains(QStringLiteral("at most 200")),
             qPrintable(m_kateRecords.errorString()));
    search(m_kateRecords, {});
    QCOMPARE(m_kateRecords.errorString(), QString());
    QCOMPARE(m_kateRecords.count(), 3);
}

void TestRecordSearch::thumbnailOfPreview()
{
    // Text files get extracted text but no preview image.
    QVERIFY(!m_kateRecords.index(rowOf(m_kateRecords, m_kateNoteId))
                 .data(RecordListModel::HasPreviewRole)
                 .toBool());
    const int row = rowOf(m_kateRecords, m_kateImageId);
    QVERIFY(row >= 0);
    const QModelIndex index = m_kateRecords.index(row);
    QVERIFY2(index.data(RecordListModel::HasPreviewRole).toBool(),
             "the server made no preview of a PNG record");
    QCOMPARE(index.data(RecordListModel::ThumbnailRole).toString(), QString());
    m_kateRecords.loadThumbnail(m_kateImageId);
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_kateRecords.index(rowOf(m_kateRecords, m_kateImageId))
             .data(RecordListModel::ThumbnailRole)
             .toString()
             .isEmpty(),
        kTimeoutMs);
    const QString url = m_kateRecords.index(rowOf(m_kateRecords, m_kateImageId))
                            .data(RecordListModel::ThumbnailRole)
                            .toString();
    QVERIFY2(url.startsWith(QStringLiteral("image://record/")), qPrintable(url));
    // The image provider serves the thumbnail, scaled down from the server's preview.
    RecordImageProvider provider;
    QSize size;
    const QImage thumbnail =
        provider.requestImage(url.mid(QStringLiteral("image://record/").size()), &size, {});
    QVERIFY(!thumbnail.isNull());
    QVERIFY2(thumbnail.width() <= 96 && thumbnail.height() <= 96,
             qPrintable(QStringLiteral("%1 x %2").arg(thumbnail.width()).arg(thumbnail.height())));

    // Signing out forgets the thumbnails with the list.
    m_kateRecords.clear();
    QCOMPARE(m_kateRecords.count(), 0);
    m_kateRecords.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m_kateRecords.isBusy() && m_kateRecords.count() == 3, kTimeoutMs);
    QCOMPARE(m_kateRecords.index(rowOf(m_kateRecords, m_kateImageId))
                 .data(RecordListModel::ThumbnailRole)
                 .toString(),
             QString());
}

void TestRecordSearch::offlineSearchesNames()
{
    m_kateRecords.sync();
    QTRY_VERIFY_WITH_TIMEOUT(!m_kateRecords.isBusy(), kTimeoutMs);
    QVERIFY2(m_kateRecords.errorString().isEmpty(), qPrintable(m_kateRecords.errorString()));
    m_server.stop();

    search(m_kateRecords, QStringLiteral("VISIT"));
    QVERIFY2(m_kateRecords.errorString().isEmpty(), qPrintable(m_kateRecords.errorString()));
    QCOMPARE(m_kateRecords.count(), 1);
    QCOMPARE(m_kateRecords.recordId(0), m_kateNoteId);
    QVERIFY2(m_kateRecords.searchNote().contains(QStringLiteral("Connect to the server")),
             qPrintable(m_kateRecords.searchNote()));

    // The content is not searched offline: the marker is in no title or file name.
    search(m_kateRecords, kMarker);
    QCOMPARE(m_kateRecords.count(), 0);
    QVERIFY(!m_kateRecords.searchNote().isEmpty());
}

int main(int argc, char** argv)
{
    const UiTestEnvironment environment;
    QGuiApplication app(argc, argv);
    TestRecordSearch test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestRecordSearch.moc"
