// Drives the whole main window against a real server on the offscreen platform and saves a
// screenshot of every page as a PNG file in CHARTINSIGHT_SCREENSHOT_DIR, for people to review.
// Each screenshot is checked for the window's size and for not being blank.

#include "SampleRecords.h"
#include "UiTestEnvironment.h"
#include "client/ClientTestSupport.h"
#include "support/TestSupport.h"
#include "ui/DesktopEngine.h"
#include "ui/IdleLock.h"
#include "ui/RecordListModel.h"
#include "ui/RecordSharing.h"
#include "ui/RecordViewer.h"
#include "ui/RoleAdmin.h"
#include "ui/SessionController.h"
#include "ui/TeamAdmin.h"
#include "ui/UploadQueue.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMimeData>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <algorithm>

Q_IMPORT_QML_PLUGIN(ChartInsight_UiPlugin)
Q_IMPORT_QML_PLUGIN(ChartInsight_DesktopPlugin)

using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::ui::RecordListModel;
using chartinsight::ui::RecordSharing;
using chartinsight::ui::RecordViewer;
using chartinsight::ui::RoleAdmin;
using chartinsight::ui::SessionController;
using chartinsight::ui::TeamAdmin;
using chartinsight::ui::UploadQueue;

namespace {

const QString kEmail = QStringLiteral("nurse@clinic.test");
const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
const QString kLockedEmail = QStringLiteral("locked@clinic.test");
const QString kMfaEmail = QStringLiteral("doctor@clinic.test");
const QString kMfaPassword = QStringLiteral("Quiet-Lighthouse-Paper-77");
// An administrator of the organization, for the Teams page.
const QString kManagerEmail = QStringLiteral("manager@clinic.test");
const QString kManagerPassword = QStringLiteral("Copper-Meadow-Signal-83");
const QString kAdminEmail = QStringLiteral("admin@clinic.test");
const QString kAdminPassword = QStringLiteral("Granite-Harbor-Lantern-51");
constexpr int kTimeoutMs = 120000;
// A screenshot with fewer colours than this is taken as blank (a window of one or two fills).
constexpr int kMinDistinctColours = 16;
// Image.Ready in QML.
constexpr int kImageReady = 1;

} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT

public:
    explicit TestScreenshots(const UiTestEnvironment& environment) : m_environment(environment) {}

private slots:
    void initTestCase();
    void signInPage();
    void certificateDialog();
    void signInError();
    void lockoutMessage();
    void mfaPage();
    void forgotPasswordDialog();
    void resetPasswordPage();
    void usersPage();
    void recordsEmpty();
    void settingsPage();
    void lockScreen();
    void recordsWithUploads();
    void viewer_data();
    void viewer();
    void searchResults();
    void dropFiles();
    void uploadProgress();
    void sharingDialog();
    void titleDialog();
    void teamsPages();
    void offline();
    void cleanupTestCase();

private:
    QList<QQuickItem*> visibleItems(const QString& objectName) const;
    // The first visible item named `objectName` (and showing `text` when given), or null.
    QQuickItem* item(const QString& objectName, const QString& text = {}) const;
    void setText(const QString& objectName, const QString& text);
    void click(QQuickItem* target);
    void checkAndSave(const QString& name);
    bool pageImagesReady() const;

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
    std::unique_ptr<SessionController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow* m_window = nullptr;
};

void TestScreenshots::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("signing in needs the keychain: run through tests/support/with-keychain.sh");
    QVERIFY(QDir().mkpath(QStringLiteral(CHARTINSIGHT_SCREENSHOT_DIR)));
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kEmail, kPassword), 0);

    chartinsight::ui::DesktopEngine::selectStyle();
    // No CA file: the first sign-in shows the certificate dialog.
    m_controller = std::make_unique<SessionController>();
    m_controller->setServerUrl(m_server.url().toString());
    m_controller->setProfileDir(m_environment.profileDir());
    // The local scanner gets the test signatures under the quick start's demo names, so the
    // status bar shows the demo warning once it has scanned.
    const QString demoDir = QDir(m_environment.workDir()).filePath(QStringLiteral("demo-sigs"));
    QVERIFY(QDir().mkpath(demoDir));
    const QDir testSignatures(chartinsight::test::testSignatureDir());
    for (const QString& name : testSignatures.entryList(QDir::Files)) {
        QVERIFY(QFile::copy(testSignatures.filePath(name),
                            QDir(demoDir).filePath(QStringLiteral("chartinsight-demo.") +
                                                   QFileInfo(name).suffix())));
    }
    m_controller->setSignatureDir(demoDir);

    m_engine = std::make_unique<QQmlApplicationEngine>();
    chartinsight::ui::DesktopEngine::prepare(*m_engine);
    m_engine->setInitialProperties(
        {{QStringLiteral("controller"), QVariant::fromValue(m_controller.get())}});
    m_engine->load(chartinsight::ui::DesktopEngine::mainQmlUrl());
    QCOMPARE(m_engine->rootObjects().size(), 1);
    m_window = qobject_cast<QQuickWindow*>(m_engine->rootObjects().constFirst());
    QVERIFY(m_window);
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isBusy(), kTimeoutMs);
}

void TestScreenshots::cleanupTestCase()
{
    m_engine.reset();
    m_controller.reset();
}

QList<QQuickItem*> TestScreenshots::visibleItems(const QString& objectName) const
{
    // Through the visual tree: ListView delegates have no QObject parent to search.
    QList<QQuickItem*> found;
    QList<QQuickItem*> pending{m_window->contentItem()};
    while (!pending.isEmpty()) {
        QQuickItem* candidate = pending.takeFirst();
        if (!candidate->isVisible())
            continue;
        if (candidate->objectName() == objectName)
            found.append(candidate);
        pending.append(candidate->childItems());
    }
    return found;
}

QQuickItem* TestScreenshots::item(const QString& objectName, const QString& text) const
{
    for (QQuickItem* candidate : visibleItems(objectName)) {
        if (text.isEmpty() || candidate->property("text").toString() == text)
            return candidate;
    }
    return nullptr;
}

void TestScreenshots::setText(const QString& objectName, const QString& text)
{
    QQuickItem* field = item(objectName);
    QVERIFY2(field, qPrintable(objectName));
    field->setProperty("text", text);
}

void TestScreenshots::click(QQuickItem* target)
{
    QVERIFY(target);
    const QPointF centre = target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
    QTest::mouseClick(m_window, Qt::LeftButton, {}, centre.toPoint());
}

void TestScreenshots::checkAndSave(const QString& name)
{
    const QImage image = m_window->grabWindow();
    QVERIFY2(!image.isNull(), "grabWindow() returned no image");
    QCOMPARE(image.size(), m_window->size() * m_window->effectiveDevicePixelRatio());

    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(
        colours.size() >= kMinDistinctColours,
        qPrintable(QStringLiteral("%1 looks blank: %2 colours").arg(name).arg(colours.size())));

    const QString path = QDir(QStringLiteral(CHARTINSIGHT_SCREENSHOT_DIR)).filePath(name);
    QVERIFY2(image.save(path), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
}

bool TestScreenshots::pageImagesReady() const
{
    const QList<QQuickItem*> images = visibleItems(QStringLiteral("pageImage"));
    return !images.isEmpty() && std::all_of(images.cbegin(), images.cend(), [](QQuickItem* image) {
        return image->property("status").toInt() == kImageReady;
    });
}

void TestScreenshots::signInPage()
{
    QVERIFY(item(QStringLiteral("signInPage")));
    QCOMPARE(item(QStringLiteral("serverField"))->property("text").toString(),
             m_server.url().toString());
    QVERIFY(!item(QStringLiteral("signInButton"))->isEnabled());
    checkAndSave(QStringLiteral("01-sign-in.png"));
}

void TestScreenshots::certificateDialog()
{
    setText(QStringLiteral("emailField"), kEmail);
    setText(QStringLiteral("passwordField"), QStringLiteral("wrong-password"));
    click(item(QStringLiteral("signInButton")));
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("trustButton")), kTimeoutMs);
    QObject* dialog = m_window->findChild<QObject*>(QStringLiteral("certificateDialog"));
    QVERIFY(dialog);
    QTRY_COMPARE(dialog->property("opened").toBool(), true);
    const QString shown = item(QStringLiteral("fingerprintLabel"))->property("text").toString();
    QCOMPARE(shown.split(QLatin1Char('\n')).join(QLatin1Char(':')), m_server.fingerprint());
    checkAndSave(QStringLiteral("02-certificate-dialog.png"));
    click(item(QStringLiteral("trustButton")));
}

void TestScreenshots::signInError()
{
    // After Trust the sign-in is repeated, with the wrong password.
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("errorBanner")), kTimeoutMs);
    QVERIFY(!m_controller->isSignedIn());
    QObject* dialog = m_window->findChild<QObject*>(QStringLiteral("certificateDialog"));
    QVERIFY(dialog);
    QTRY_COMPARE(dialog->property("visible").toBool(), false);
    checkAndSave(QStringLiteral("03-sign-in-error.png"));
}

void TestScreenshots::lockoutMessage()
{
    QCOMPARE(m_server.addUser(kLockedEmail, kPassword), 0);
    setText(QStringLiteral("emailField"), kLockedEmail);
    // Five wrong passwords lock the account (the server's default threshold), and the sixth
    // attempt gets the lockout answer.
    for (int attempt = 0; attempt < 6; ++attempt) {
        setText(QStringLiteral("passwordField"), QStringLiteral("wrong-password"));
        click(item(QStringLiteral("signInButton")));
        QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isBusy(), kTimeoutMs);
    }
    QVERIFY(!m_controller->lockedUntil().isEmpty());
    QVERIFY(item(QStringLiteral("lockoutBanner")));
    QVERIFY(!item(QStringLiteral("errorBanner")));
    checkAndSave(QStringLiteral("13-sign-in-locked.png"));
}

void TestScreenshots::mfaPage()
{
    // The window's own controller turns e-mail codes on for the account: a second controller
    // in this process would share its keychain entries.
    QCOMPARE(m_server.addUser(kMfaEmail, kMfaPassword), 0);
    m_controller->signIn(m_server.url().toString(), kMfaEmail, kMfaPassword);
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->isSignedIn(), kTimeoutMs);
    const auto enabled =
        chartinsight::test::waitForTask(m_controller->session()->setMfaEnabled(true, kMfaPassword));
    QVERIFY2(enabled.ok, qPrintable(enabled.error.message));
    m_controller->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isSignedIn() && !m_controller->isBusy(), kTimeoutMs);
    QTRY_VERIFY(item(QStringLiteral("signInPage")));

    setText(QStringLiteral("emailField"), kMfaEmail);
    setText(QStringLiteral("passwordField"), kMfaPassword);
    click(item(QStringLiteral("signInButton")));
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("mfaPage")), kTimeoutMs);
    QVERIFY(!item(QStringLiteral("lockoutBanner")));
    QVERIFY(!item(QStringLiteral("verifyButton"))->isEnabled());
    QVERIFY(!item(QStringLiteral("resendButton"))->isEnabled());
    QVERIFY(item(QStringLiteral("resendButton"))
                ->property("text")
                .toString()
                .startsWith(QStringLiteral("Resend code in ")));
    checkAndSave(QStringLiteral("14-mfa-code.png"));

    // The server writes the e-mail after its response, so the test waits for it.
    QTRY_VERIFY_WITH_TIMEOUT(!chartinsight::test::mailTo(m_server.dataDir(), kMfaEmail).isEmpty(),
                             kTimeoutMs);
    const QStringList mail = chartinsight::test::mailTo(m_server.dataDir(), kMfaEmail);
    const QString code = chartinsight::test::mfaCodeOf(mail.constLast());
    QCOMPARE(code.size(), 6);
    const QString wrong =
        code == QStringLiteral("000000") ? QStringLiteral("111111") : QStringLiteral("000000");
    setText(QStringLiteral("codeField"), wrong);
    click(item(QStringLiteral("verifyButton")));
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("mfaErrorBanner")), kTimeoutMs);
    QVERIFY(m_controller->isMfaPending());
    checkAndSave(QStringLiteral("15-mfa-wrong-code.png"));

    click(item(QStringLiteral("cancelMfaButton")));
    QTRY_VERIFY(item(QStringLiteral("signInPage")));
    QVERIFY(!m_controller->isMfaPending());
}

void TestScreenshots::forgotPasswordDialog()
{
    setText(QStringLiteral("emailField"), kEmail);
    click(item(QStringLiteral("forgotPasswordButton")));
    QObject* dialog = m_window->findChild<QObject*>(QStringLiteral("forgotPasswordDialog"));
    QVERIFY(dialog);
    QTRY_COMPARE(dialog->property("opened").toBool(), true);
    QCOMPARE(item(QStringLiteral("resetEmailField"))->property("text").toString(), kEmail);
    click(item(QStringLiteral("resetSendButton")));
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("resetSentBanner")), kTimeoutMs);
    QVERIFY(!item(QStringLiteral("resetErrorBanner")));
    checkAndSave(QStringLiteral("16-forgot-password.png"));
    click(item(QStringLiteral("resetCloseButton")));
    QTRY_COMPARE(dialog->property("visible").toBool(), false);
}

void TestScreenshots::resetPasswordPage()
{
    QObject* reset = m_window->findChild<QObject*>(QStringLiteral("passwordReset"));
    QVERIFY(reset);
    // A made-up token: the page only shows it is waiting for the new password.
    bool opened = false;
    QVERIFY(QMetaObject::invokeMethod(
        reset, "openLink", Q_RETURN_ARG(bool, opened),
        Q_ARG(QString, QStringLiteral("chartinsight://reset-password?token=screenshot"))));
    QVERIFY(opened);
    QTRY_VERIFY(item(QStringLiteral("resetPasswordPage")));
    setText(QStringLiteral("newPasswordField"), QStringLiteral("summer2024"));
    QTRY_VERIFY_WITH_TIMEOUT(reset->property("strengthScore").toInt() >= 0, kTimeoutMs);
    setText(QStringLiteral("confirmPasswordField"), QStringLiteral("summer20"));
    QVERIFY(item(QStringLiteral("mismatchLabel")));
    checkAndSave(QStringLiteral("17-reset-password.png"));
    click(item(QStringLiteral("cancelResetButton")));
    QTRY_VERIFY(item(QStringLiteral("signInPage")));
}

void TestScreenshots::usersPage()
{
    QCOMPARE(m_server.addUser(kAdminEmail, kAdminPassword, true), 0);
    setText(QStringLiteral("emailField"), kAdminEmail);
    setText(QStringLiteral("passwordField"), kAdminPassword);
    click(item(QStringLiteral("signInButton")));
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->isSignedIn(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("settingsButton")), kTimeoutMs);
    click(item(QStringLiteral("settingsButton")));
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("manageUsersButton")), kTimeoutMs);
    // The button sits below the fold of the settings page, where a click cannot reach it.
    QVERIFY(QMetaObject::invokeMethod(item(QStringLiteral("manageUsersButton")), "clicked"));
    QTRY_VERIFY(item(QStringLiteral("usersPage")));
    // The account that lockoutMessage locked shows with its unlock time.
    QTRY_VERIFY_WITH_TIMEOUT(visibleItems(QStringLiteral("userRow")).size() >= 4, kTimeoutMs);
    QVERIFY(item(QStringLiteral("unlockUserButton")));
    const QList<QQuickItem*> states = visibleItems(QStringLiteral("userLockState"));
    QVERIFY(std::any_of(states.cbegin(), states.cend(), [](QQuickItem* state) {
        return state->property("text").toString().startsWith(QStringLiteral("Locked until "));
    }));
    checkAndSave(QStringLiteral("20-users.png"));

    click(item(QStringLiteral("setUserPasswordButton")));
    QTRY_VERIFY(item(QStringLiteral("setPasswordCard")));
    setText(QStringLiteral("userNewPasswordField"), QStringLiteral("Velvet-Compass-2031"));
    QTRY_VERIFY_WITH_TIMEOUT(!visibleItems(QStringLiteral("strengthLabel")).isEmpty() &&
                                 !visibleItems(QStringLiteral("strengthLabel"))
                                      .constFirst()
                                      ->property("text")
                                      .toString()
                                      .startsWith(QStringLiteral("Strength is checked")),
                             kTimeoutMs);
    checkAndSave(QStringLiteral("21-users-set-password.png"));

    click(item(QStringLiteral("unlockUserButton")));
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("usersStatusBanner")), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!item(QStringLiteral("unlockUserButton")), kTimeoutMs);
    QVERIFY(!item(QStringLiteral("usersErrorBanner")));

    m_controller->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isSignedIn() && !m_controller->isBusy(), kTimeoutMs);
    QTRY_VERIFY(item(QStringLiteral("signInPage")));
}

void TestScreenshots::recordsEmpty()
{
    setText(QStringLiteral("emailField"), kEmail);
    setText(QStringLiteral("passwordField"), kPassword);
    click(item(QStringLiteral("signInButton")));
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->isSignedIn(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("emptyState")), kTimeoutMs);
    QVERIFY(item(QStringLiteral("connectionLabel")));
    checkAndSave(QStringLiteral("04-records-empty.png"));
}

void TestScreenshots::settingsPage()
{
    click(item(QStringLiteral("settingsButton")));
    QTRY_VERIFY(item(QStringLiteral("settingsPage")));
    auto* settings = m_window->findChild<QObject*>(QStringLiteral("accountSettings"));
    QVERIFY(settings);
    QTRY_VERIFY_WITH_TIMEOUT(!settings->property("busy").toBool() &&
                                 !visibleItems(QStringLiteral("sessionRow")).isEmpty(),
                             kTimeoutMs);
    setText(QStringLiteral("settingsNewPasswordField"), QStringLiteral("Velvet-Compass-2031"));
    QTRY_VERIFY_WITH_TIMEOUT(!item(QStringLiteral("strengthLabel"))
                                  ->property("text")
                                  .toString()
                                  .startsWith(QStringLiteral("Strength is checked")),
                             kTimeoutMs);
    checkAndSave(QStringLiteral("18-settings.png"));
    setText(QStringLiteral("settingsNewPasswordField"), QString());
    click(item(QStringLiteral("settingsBackButton")));
    QTRY_VERIFY(item(QStringLiteral("recordsPage")));
}

void TestScreenshots::lockScreen()
{
    auto* lock = m_window->findChild<chartinsight::ui::IdleLock*>(QStringLiteral("idleLock"));
    QVERIFY(lock);
    // A test clock, moved past the idle time at once.
    qint64 now = 0;
    lock->setClock([&now] { return now; });
    now += qint64(lock->idleMinutes()) * 60 * 1000;
    lock->checkIdle();
    QVERIFY(lock->isLocked());
    QTRY_VERIFY(item(QStringLiteral("unlockPasswordField")));
    QVERIFY(!item(QStringLiteral("recordsPage")));

    setText(QStringLiteral("unlockPasswordField"), QStringLiteral("wrong-password"));
    click(item(QStringLiteral("unlockButton")));
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("unlockErrorBanner")), kTimeoutMs);
    QVERIFY(lock->isLocked());
    checkAndSave(QStringLiteral("19-lock-screen.png"));

    setText(QStringLiteral("unlockPasswordField"), kPassword);
    click(item(QStringLiteral("unlockButton")));
    QTRY_VERIFY_WITH_TIMEOUT(!lock->isLocked(), kTimeoutMs);
    QTRY_VERIFY(item(QStringLiteral("recordsPage")));
    // The clock goes out of scope here.
    lock->setClock([] { return qint64(0); });
}

void TestScreenshots::recordsWithUploads()
{
    const QDir work(m_environment.workDir());
    QByteArray binary(4096, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(binary.data()),
                                          binary.size() / int(sizeof(quint32)));
    const QList<QPair<QString, QByteArray>> files = {
        {QStringLiteral("discharge-summary.pdf"), chartinsight::test::samplePdf(3)},
        {QStringLiteral("chest-x-ray.png"), chartinsight::test::sampleImage()},
        {QStringLiteral("lab-results.txt"), chartinsight::test::sampleText()},
        {QStringLiteral("ecg-export.dat"), binary},
        {QStringLiteral("invoice.com"), chartinsight::test::eicarBytes()},
    };
    QList<QUrl> urls;
    for (const auto& [name, bytes] : files) {
        QVERIFY(chartinsight::test::writeFile(work.filePath(name), bytes));
        urls.append(QUrl::fromLocalFile(work.filePath(name)));
    }

    auto* uploads = m_window->findChild<UploadQueue*>();
    auto* records = m_window->findChild<RecordListModel*>();
    QVERIFY(uploads);
    QVERIFY(records);
    QCOMPARE(uploads->enqueue(urls), int(files.size()));
    QTRY_VERIFY_WITH_TIMEOUT(!uploads->isBusy(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(records->count() == 4 && !records->isBusy(), kTimeoutMs);
    QVERIFY(item(QStringLiteral("uploadPanel")));
    QTRY_VERIFY(item(QStringLiteral("demoSignaturesLabel")));
    QCOMPARE(item(QStringLiteral("demoSignaturesLabel"))->property("text").toString(),
             QStringLiteral("demo signatures: real malware is not detected"));
    checkAndSave(QStringLiteral("05-records.png"));
}

void TestScreenshots::viewer_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("screenshot");
    QTest::newRow("pdf") << QStringLiteral("discharge-summary.pdf")
                         << int(RecordViewer::ContentKind::Pdf)
                         << QStringLiteral("06-viewer-pdf.png");
    QTest::newRow("image") << QStringLiteral("chest-x-ray.png")
                           << int(RecordViewer::ContentKind::Image)
                           << QStringLiteral("07-viewer-image.png");
    QTest::newRow("text") << QStringLiteral("lab-results.txt")
                          << int(RecordViewer::ContentKind::Text)
                          << QStringLiteral("08-viewer-text.png");
    QTest::newRow("unsupported") << QStringLiteral("ecg-export.dat")
                                 << int(RecordViewer::ContentKind::Unsupported)
                                 << QStringLiteral("09-viewer-unsupported.png");
}

void TestScreenshots::viewer()
{
    QFETCH(QString, fileName);
    QFETCH(int, kind);
    QFETCH(QString, screenshot);

    // The upload panel leaves room for three rows: scroll the record's row into view.
    auto* records = m_window->findChild<RecordListModel*>();
    QVERIFY(records);
    int row = 0;
    while (row < records->count() && records->fileName(row) != fileName)
        ++row;
    QVERIFY(row < records->count());
    QQuickItem* list = item(QStringLiteral("recordList"));
    QVERIFY(list);
    constexpr int kListViewContain = 4; // ListView.Contain
    QVERIFY(QMetaObject::invokeMethod(list, "positionViewAtIndex", Q_ARG(int, row),
                                      Q_ARG(int, kListViewContain)));
    QTRY_VERIFY(item(QStringLiteral("recordFileName"), fileName));
    click(item(QStringLiteral("recordFileName"), fileName));
    auto* viewer = m_window->findChild<RecordViewer*>();
    QVERIFY(viewer);
    QTRY_VERIFY_WITH_TIMEOUT(!viewer->isBusy() && viewer->kind() != RecordViewer::ContentKind::None,
                             kTimeoutMs);
    QCOMPARE(int(viewer->kind()), kind);
    QCOMPARE(viewer->fileName(), fileName);
    if (viewer->kind() == RecordViewer::ContentKind::Pdf ||
        viewer->kind() == RecordViewer::ContentKind::Image) {
        QTRY_VERIFY_WITH_TIMEOUT(pageImagesReady(), kTimeoutMs);
    }
    checkAndSave(screenshot);

    click(item(QStringLiteral("backButton")));
    QTRY_VERIFY(item(QStringLiteral("recordsPage")));
    QCOMPARE(viewer->kind(), RecordViewer::ContentKind::None);
}

void TestScreenshots::searchResults()
{
    // The server derives text and previews in the background: list until none is pending.
    auto* records = m_window->findChild<RecordListModel*>();
    QVERIFY(records);
    const auto anyPending = [records] {
        return std::any_of(records->records().cbegin(), records->records().cend(),
                           [](const auto& record) { return record.derived == QLatin1String("pending"); });
    };
    for (int attempt = 0; attempt < 240 && anyPending(); ++attempt) {
        QTest::qWait(500);
        records->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!records->isBusy(), kTimeoutMs);
    }
    QVERIFY2(!anyPending(), "the server did not derive the records in time");

    QQuickItem* field = item(QStringLiteral("searchField"));
    QVERIFY(field);
    click(field);
    QTRY_VERIFY(field->hasActiveFocus());
    // QTest::keyClicks() exists for widgets only, so the query is typed key by key.
    for (const char key : QByteArrayLiteral("pneumonia"))
        QTest::keyClick(m_window, key);
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(records->searchText() == QStringLiteral("pneumonia") &&
                                 !records->isBusy(),
                             kTimeoutMs);
    QCOMPARE(records->count(), 1);
    QCOMPARE(records->fileName(0), QStringLiteral("discharge-summary.pdf"));
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("recordThumbnail")) &&
                                 item(QStringLiteral("recordThumbnail"))
                                         ->property("status")
                                         .toInt() == kImageReady,
                             kTimeoutMs);
    QVERIFY(item(QStringLiteral("clearSearchButton")));
    checkAndSave(QStringLiteral("09b-search-results.png"));

    click(item(QStringLiteral("clearSearchButton")));
    QTRY_VERIFY_WITH_TIMEOUT(records->searchText().isEmpty() && !records->isBusy(), kTimeoutMs);
    QCOMPARE(records->count(), 4);
}

void TestScreenshots::dropFiles()
{
    const QString path = QDir(m_environment.workDir()).filePath(QStringLiteral("referral.pdf"));
    QVERIFY(chartinsight::test::writeFile(path, chartinsight::test::samplePdf(1)));
    QMimeData mimeData;
    mimeData.setUrls({QUrl::fromLocalFile(path)});
    const QPoint centre(m_window->width() / 2, m_window->height() / 2);

    QDragEnterEvent enter(centre, Qt::CopyAction, &mimeData, Qt::LeftButton, Qt::NoModifier);
    QGuiApplication::sendEvent(m_window, &enter);
    QDragMoveEvent move(centre, Qt::CopyAction, &mimeData, Qt::LeftButton, Qt::NoModifier);
    QGuiApplication::sendEvent(m_window, &move);
    QTRY_VERIFY(item(QStringLiteral("dropOverlay")));
    checkAndSave(QStringLiteral("10-drop-files.png"));

    auto* records = m_window->findChild<RecordListModel*>();
    QVERIFY(records);
    const int before = records->count();
    QDropEvent drop(centre, Qt::CopyAction, &mimeData, Qt::LeftButton, Qt::NoModifier);
    QGuiApplication::sendEvent(m_window, &drop);
    QTRY_VERIFY(!item(QStringLiteral("dropOverlay")));
    QTRY_VERIFY_WITH_TIMEOUT(records->count() == before + 1 && !records->isBusy(), kTimeoutMs);
    QVERIFY(item(QStringLiteral("recordFileName"), QStringLiteral("referral.pdf")));
}

void TestScreenshots::uploadProgress()
{
    // Large enough that the scan reports progress several times before it ends.
    constexpr qsizetype kSize = 48 * 1024 * 1024;
    QByteArray bytes(kSize, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(bytes.data()),
                                          kSize / qsizetype(sizeof(quint32)));
    const QString path = QDir(m_environment.workDir()).filePath(QStringLiteral("ct-series.dcm"));
    QVERIFY(chartinsight::test::writeFile(path, bytes));
    bytes.clear();

    auto* uploads = m_window->findChild<UploadQueue*>();
    QVERIFY(uploads);
    uploads->clearFinished();
    // The screenshot is taken in the progress handler, while the bar is part-way.
    bool captured = false;
    const QMetaObject::Connection watch =
        connect(uploads, &QAbstractItemModel::dataChanged, this,
                [this, uploads, &captured](const QModelIndex& changed) {
                    const double progress =
                        uploads->data(changed, UploadQueue::ProgressRole).toDouble();
                    if (captured || uploads->data(changed, UploadQueue::FinishedRole).toBool() ||
                        progress < 0.2 || progress > 0.8) {
                        return;
                    }
                    captured = true;
                    checkAndSave(QStringLiteral("11-upload-progress.png"));
                });
    QCOMPARE(uploads->enqueueFiles({path}), 1);
    QTRY_VERIFY_WITH_TIMEOUT(!uploads->isBusy(), kTimeoutMs);
    disconnect(watch);
    QVERIFY2(captured, "no progress report between 20 % and 80 %");
    QVERIFY(uploads->data(uploads->index(0), UploadQueue::SucceededRole).toBool());
}

void TestScreenshots::sharingDialog()
{
    auto* records = m_window->findChild<RecordListModel*>();
    QVERIFY(records);
    QTRY_VERIFY_WITH_TIMEOUT(!records->isBusy(), kTimeoutMs);
    QTRY_VERIFY(item(QStringLiteral("shareButton")));
    click(item(QStringLiteral("shareButton")));
    auto* sharing = m_window->findChild<RecordSharing*>(QStringLiteral("recordSharing"));
    QVERIFY(sharing);
    QObject* dialog = m_window->findChild<QObject*>(QStringLiteral("sharingDialog"));
    QVERIFY(dialog);
    QTRY_COMPARE(dialog->property("opened").toBool(), true);
    QTRY_VERIFY_WITH_TIMEOUT(!sharing->isBusy() && !sharing->users().isEmpty(), kTimeoutMs);
    QVERIFY(sharing->canShare());

    click(item(QStringLiteral("modeUsers")));
    QCOMPARE(sharing->mode(), QStringLiteral("users"));
    const QVariantList users = sharing->users();
    for (const QVariant& user : users) {
        const QVariantMap map = user.toMap();
        if (map.value(QStringLiteral("email")).toString() == kMfaEmail)
            sharing->setUserSelected(map.value(QStringLiteral("id")).toString(), true);
    }
    QCOMPARE(sharing->selectedCount(), 1);
    click(item(QStringLiteral("sharingSaveButton")));
    QTRY_VERIFY_WITH_TIMEOUT(!sharing->isBusy() && sharing->entries().size() == 2, kTimeoutMs);
    QVERIFY2(sharing->errorString().isEmpty(), qPrintable(sharing->errorString()));
    checkAndSave(QStringLiteral("22-sharing-dialog.png"));

    click(item(QStringLiteral("sharingCloseButton")));
    QTRY_COMPARE(dialog->property("visible").toBool(), false);
    QTRY_VERIFY_WITH_TIMEOUT(!records->isBusy(), kTimeoutMs);
}

void TestScreenshots::titleDialog()
{
    const QString title = QStringLiteral("CT series, cardiology referral");
    QTRY_VERIFY(item(QStringLiteral("editTitleButton")));
    click(item(QStringLiteral("editTitleButton")));
    QObject* dialog = m_window->findChild<QObject*>(QStringLiteral("titleDialog"));
    QVERIFY(dialog);
    QTRY_COMPARE(dialog->property("opened").toBool(), true);
    setText(QStringLiteral("titleField"), title);
    checkAndSave(QStringLiteral("23-title-dialog.png"));

    click(item(QStringLiteral("titleSaveButton")));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->property("visible").toBool(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("recordTitle"), title), kTimeoutMs);
    QTest::mouseMove(m_window, QPoint(m_window->width() / 2, m_window->height() - 60));
    checkAndSave(QStringLiteral("24-records-team-sharing.png"));
}

void TestScreenshots::teamsPages()
{
    QCOMPARE(m_server.addUser(kManagerEmail, kManagerPassword, true), 0);
    m_controller->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isSignedIn() && !m_controller->isBusy(), kTimeoutMs);
    QTRY_VERIFY(item(QStringLiteral("signInPage")));
    setText(QStringLiteral("emailField"), kManagerEmail);
    setText(QStringLiteral("passwordField"), kManagerPassword);
    click(item(QStringLiteral("signInButton")));
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->isSignedIn(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("adminButton")), kTimeoutMs);
    click(item(QStringLiteral("adminButton")));
    QTRY_VERIFY(item(QStringLiteral("adminPage")));
    QObject* page = item(QStringLiteral("adminPage"));
    auto* teams = m_window->findChild<TeamAdmin*>(QStringLiteral("teamAdmin"));
    auto* roles = m_window->findChild<RoleAdmin*>(QStringLiteral("roleAdmin"));
    QVERIFY(teams);
    QVERIFY(roles);
    QTRY_VERIFY_WITH_TIMEOUT(!teams->isBusy() && !teams->teams().isEmpty(), kTimeoutMs);

    for (const QString& name : {QStringLiteral("Cardiology"), QStringLiteral("Radiology")}) {
        setText(QStringLiteral("teamNameField"), name);
        click(item(QStringLiteral("createTeamButton")));
        QTRY_VERIFY_WITH_TIMEOUT(!teams->isBusy() && teams->currentTeamName() == name, kTimeoutMs);
        QVERIFY2(teams->errorString().isEmpty(), qPrintable(teams->errorString()));
    }
    QCOMPARE(teams->teams().size(), 3);
    checkAndSave(QStringLiteral("25-teams.png"));

    // Members of Cardiology: two added through the form, one of them then given billing.
    QVERIFY(item(QStringLiteral("teamList")));
    for (const QVariant& team : teams->teams()) {
        if (team.toMap().value(QStringLiteral("name")).toString() == QStringLiteral("Cardiology"))
            teams->setCurrentTeamId(team.toMap().value(QStringLiteral("id")).toString());
    }
    page->setProperty("currentTab", 1);
    QTRY_VERIFY(item(QStringLiteral("membersTab")));
    for (const QString& email : {kEmail, kMfaEmail}) {
        setText(QStringLiteral("memberEmailField"), email);
        click(item(QStringLiteral("addMemberButton")));
        QTRY_VERIFY_WITH_TIMEOUT(!teams->isBusy(), kTimeoutMs);
        QVERIFY2(teams->errorString().isEmpty(), qPrintable(teams->errorString()));
    }
    QTRY_VERIFY_WITH_TIMEOUT(teams->members().size() >= 2, kTimeoutMs);
    QString doctorId;
    for (const QVariant& member : teams->members()) {
        if (member.toMap().value(QStringLiteral("email")).toString() == kMfaEmail)
            doctorId = member.toMap().value(QStringLiteral("userId")).toString();
    }
    QVERIFY(!doctorId.isEmpty());
    teams->setMemberPermission(doctorId, QStringLiteral("manage_billing"), true);
    QTRY_VERIFY_WITH_TIMEOUT(!teams->isBusy(), kTimeoutMs);
    QVERIFY2(teams->errorString().isEmpty(), qPrintable(teams->errorString()));
    QTest::mouseMove(m_window, QPoint(m_window->width() / 2, m_window->height() - 60));
    checkAndSave(QStringLiteral("26-team-members.png"));

    // Invitations: one pending, one revoked.
    page->setProperty("currentTab", 2);
    QTRY_VERIFY(item(QStringLiteral("invitationsTab")));
    for (const QString& email :
         {QStringLiteral("new.nurse@clinic.test"), QStringLiteral("locum@clinic.test")}) {
        setText(QStringLiteral("inviteEmailField"), email);
        click(item(QStringLiteral("inviteButton")));
        QTRY_VERIFY_WITH_TIMEOUT(!teams->isBusy(), kTimeoutMs);
        QVERIFY2(teams->errorString().isEmpty(), qPrintable(teams->errorString()));
    }
    QTRY_COMPARE_WITH_TIMEOUT(teams->invitations().size(), 2, kTimeoutMs);
    for (const QVariant& invitation : teams->invitations()) {
        const QVariantMap map = invitation.toMap();
        if (map.value(QStringLiteral("email")).toString() == QStringLiteral("locum@clinic.test"))
            teams->revokeInvitation(map.value(QStringLiteral("id")).toString());
    }
    QTRY_VERIFY_WITH_TIMEOUT(!teams->isBusy(), kTimeoutMs);
    QVERIFY2(teams->errorString().isEmpty(), qPrintable(teams->errorString()));
    checkAndSave(QStringLiteral("27-team-invitations.png"));

    // Roles: the three presets and one more.
    page->setProperty("currentTab", 3);
    QTRY_VERIFY(item(QStringLiteral("rolesTab")));
    QTRY_VERIFY_WITH_TIMEOUT(!roles->isBusy() && roles->roles().size() >= 3, kTimeoutMs);
    setText(QStringLiteral("roleNameField"), QStringLiteral("Reception"));
    click(item(QStringLiteral("saveRoleButton")));
    QTRY_VERIFY_WITH_TIMEOUT(!roles->isBusy() && roles->roles().size() >= 4, kTimeoutMs);
    QVERIFY2(roles->errorString().isEmpty(), qPrintable(roles->errorString()));
    checkAndSave(QStringLiteral("28-roles.png"));

    // Back to the nurse's records for the offline check.
    click(item(QStringLiteral("adminBackButton")));
    QTRY_VERIFY(item(QStringLiteral("recordsPage")));
    m_controller->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isSignedIn() && !m_controller->isBusy(), kTimeoutMs);
    QTRY_VERIFY(item(QStringLiteral("signInPage")));
    setText(QStringLiteral("emailField"), kEmail);
    setText(QStringLiteral("passwordField"), kPassword);
    click(item(QStringLiteral("signInButton")));
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->isSignedIn(), kTimeoutMs);
    auto* records = m_window->findChild<RecordListModel*>();
    QVERIFY(records);
    QTRY_VERIFY_WITH_TIMEOUT(records->isLoaded() && !records->isBusy() && records->count() > 0,
                             kTimeoutMs);
}

void TestScreenshots::offline()
{
    // Sync first, so that the offline cache contains every record.
    auto* records = m_window->findChild<RecordListModel*>();
    QVERIFY(records);
    // The list refresh after the last upload may still run, and the Sync button ignores clicks
    // while the list is busy.
    QTRY_VERIFY_WITH_TIMEOUT(!records->isBusy(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("syncButton"))->isEnabled(), kTimeoutMs);
    click(item(QStringLiteral("syncButton")));
    // Away from the button, so that its tooltip does not cover the screenshot.
    QTest::mouseMove(m_window, QPoint(m_window->width() / 2, m_window->height() - 60));
    QTRY_VERIFY_WITH_TIMEOUT(!records->isBusy() && !records->status().isEmpty(), kTimeoutMs);
    QVERIFY2(records->errorString().isEmpty(), qPrintable(records->errorString()));
    const int synced = records->count();

    m_server.stop();
    records->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isOnline() && !records->isBusy(), kTimeoutMs);
    QCOMPARE(records->count(), synced);
    QCOMPARE(item(QStringLiteral("connectionLabel"))->property("text").toString(),
             QStringLiteral("Offline — showing records saved on this computer"));
    checkAndSave(QStringLiteral("12-records-offline.png"));
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestScreenshots test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestScreenshots.moc"
