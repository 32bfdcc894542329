// Tests the idle lock of the main window against a real server. The window locks after the
// idle time of an injected clock and hides every page. The server checks the unlock password,
// or with the server stopped, the hash stored in the keychain at sign-in does.

#include "SampleRecords.h"
#include "UiTestEnvironment.h"
#include "client/ClientTestSupport.h"
#include "support/TestSupport.h"
#include "ui/DesktopEngine.h"
#include "ui/IdleLock.h"
#include "ui/RecordListModel.h"
#include "ui/SessionController.h"
#include "ui/UnlockVerifier.h"

#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(ChartInsight_UiPlugin)
Q_IMPORT_QML_PLUGIN(ChartInsight_DesktopPlugin)

using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::ui::IdleLock;
using chartinsight::ui::RecordListModel;
using chartinsight::ui::SessionController;

namespace {

const QString kEmail = QStringLiteral("nurse@clinic.test");
const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
const QString kWrongPassword = QStringLiteral("Correct-Horse-Battery-Staple-43");
constexpr int kTimeoutMs = 60000;
constexpr qint64 kMinuteMs = 60 * 1000;

} // namespace

class TestIdleLock : public QObject
{
    Q_OBJECT

public:
    explicit TestIdleLock(const UiTestEnvironment& environment) : m_environment(environment) {}

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();
    void parseIdleMinutes_data();
    void parseIdleMinutes();
    void notBeforeIdleTime();
    void engagesAfterIdleTime();
    void inputRestartsIdleTime();
    void hidesContent();
    void rightPasswordUnlocks();
    void wrongPasswordRejected();
    void emptyPasswordRejected();
    void savedIdleMinutes();
    void signOutFromLock();
    void offlineUnlock();
    void offlineWrongPasswordsSignOut();

private:
    // Starts the window for `server` and signs in with the password. The window's IdleLock
    // then runs on the test clock.
    void openWindow(const ServerProcess& server, const QString& profileName);
    void signIn(const ServerProcess& server);
    void closeWindow();
    // Moves the test clock on by `ms` and lets the lock check the idle time.
    void advance(qint64 ms);
    // The first item named `objectName` in the window's visual tree, visible or not.
    QQuickItem* findItem(const QString& objectName) const;
    // Waits for an unlock attempt with `password` to finish.
    void tryUnlock(const QString& password);

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
    std::unique_ptr<SessionController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow* m_window = nullptr;
    IdleLock* m_lock = nullptr;
    qint64 m_now = 1000000;
};

void TestIdleLock::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("signing in needs the keychain: run through tests/support/with-keychain.sh");
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kEmail, kPassword), 0);
    chartinsight::ui::DesktopEngine::selectStyle();
}

void TestIdleLock::cleanup()
{
    closeWindow();
}

void TestIdleLock::cleanupTestCase()
{
    closeWindow();
}

void TestIdleLock::openWindow(const ServerProcess& server, const QString& profileName)
{
    m_controller = std::make_unique<SessionController>();
    m_controller->setServerUrl(server.url().toString());
    m_controller->setProfileDir(QDir(m_environment.workDir()).filePath(profileName));
    m_controller->setCaFile(server.caFile());
    m_controller->setSignatureDir(chartinsight::test::testSignatureDir());

    m_engine = std::make_unique<QQmlApplicationEngine>();
    chartinsight::ui::DesktopEngine::prepare(*m_engine);
    m_engine->setInitialProperties(
        {{QStringLiteral("controller"), QVariant::fromValue(m_controller.get())}});
    m_engine->load(chartinsight::ui::DesktopEngine::mainQmlUrl());
    QCOMPARE(m_engine->rootObjects().size(), 1);
    m_window = qobject_cast<QQuickWindow*>(m_engine->rootObjects().constFirst());
    QVERIFY(m_window);
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    m_lock = m_window->findChild<IdleLock*>(QStringLiteral("idleLock"));
    QVERIFY(m_lock);
    m_lock->setClock([this] { return m_now; });
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isBusy(), kTimeoutMs);
}

void TestIdleLock::signIn(const ServerProcess& server)
{
    QSignalSpy stored(m_controller.get(), &SessionController::unlockVerifierStored);
    m_controller->signIn(server.url().toString(), kEmail, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isBusy(), kTimeoutMs);
    QVERIFY2(m_controller->isSignedIn(), qPrintable(m_controller->errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(stored.size() == 1, kTimeoutMs);
    QVERIFY(stored.constFirst().constFirst().toBool());
}

void TestIdleLock::closeWindow()
{
    m_lock = nullptr;
    m_window = nullptr;
    m_engine.reset();
    if (m_controller && m_controller->isSignedIn()) {
        m_controller->signOut();
        QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isBusy(), kTimeoutMs);
    }
    m_controller.reset();
}

void TestIdleLock::advance(qint64 ms)
{
    m_now += ms;
    m_lock->checkIdle();
}

QQuickItem* TestIdleLock::findItem(const QString& objectName) const
{
    QList<QQuickItem*> pending{m_window->contentItem()};
    while (!pending.isEmpty()) {
        QQuickItem* candidate = pending.takeFirst();
        if (candidate->objectName() == objectName)
            return candidate;
        pending.append(candidate->childItems());
    }
    return nullptr;
}

void TestIdleLock::tryUnlock(const QString& password)
{
    m_lock->unlock(password);
    QTRY_VERIFY_WITH_TIMEOUT(!m_lock->isBusy(), kTimeoutMs);
}

void TestIdleLock::parseIdleMinutes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expected"); // 0: rejected
    QTest::newRow("default") << QStringLiteral("15") << 15;
    QTest::newRow("minimum") << QStringLiteral("1") << 1;
    QTest::newRow("maximum") << QStringLiteral("240") << 240;
    QTest::newRow("spaces") << QStringLiteral(" 30 ") << 30;
    QTest::newRow("zero") << QStringLiteral("0") << 0;
    QTest::newRow("negative") << QStringLiteral("-5") << 0;
    QTest::newRow("too long") << QStringLiteral("241") << 0;
    QTest::newRow("fraction") << QStringLiteral("1.5") << 0;
    QTest::newRow("word") << QStringLiteral("ten") << 0;
    QTest::newRow("empty") << QString() << 0;
}

void TestIdleLock::parseIdleMinutes()
{
    QFETCH(QString, text);
    QFETCH(int, expected);
    const auto minutes = IdleLock::parseIdleMinutes(text);
    if (expected == 0) {
        QVERIFY(!minutes);
        QVERIFY2(minutes.error().message.contains(QStringLiteral("from 1 to 240")),
                 qPrintable(minutes.error().message));
        QVERIFY2(minutes.error().message.contains(text.trimmed()),
                 qPrintable(minutes.error().message));
    } else {
        QVERIFY(minutes.ok());
        QCOMPARE(minutes.value(), expected);
    }
}

void TestIdleLock::notBeforeIdleTime()
{
    openWindow(m_server, QStringLiteral("not-before"));
    signIn(m_server);
    QCOMPARE(m_lock->idleMinutes(), IdleLock::kDefaultIdleMinutes);
    advance(IdleLock::kDefaultIdleMinutes * kMinuteMs - 1);
    QVERIFY(!m_lock->isLocked());
}

void TestIdleLock::engagesAfterIdleTime()
{
    openWindow(m_server, QStringLiteral("engages"));
    // While signed out the idle time does not lock, because the sign-in page shows nothing to
    // protect.
    advance(IdleLock::kDefaultIdleMinutes * kMinuteMs);
    QVERIFY(!m_lock->isLocked());

    signIn(m_server);
    QSignalSpy lockedChanged(m_lock, &IdleLock::lockedChanged);
    advance(IdleLock::kDefaultIdleMinutes * kMinuteMs);
    QVERIFY(m_lock->isLocked());
    QCOMPARE(lockedChanged.size(), 1);
    QVERIFY(m_controller->isSignedIn());
}

void TestIdleLock::inputRestartsIdleTime()
{
    openWindow(m_server, QStringLiteral("input"));
    signIn(m_server);
    advance(10 * kMinuteMs);
    QTest::keyClick(m_window, Qt::Key_Shift);
    advance(10 * kMinuteMs);
    QVERIFY(!m_lock->isLocked());
    QTest::mouseMove(m_window, QPoint(20, 20));
    advance(14 * kMinuteMs);
    QVERIFY(!m_lock->isLocked());
    advance(1 * kMinuteMs);
    QVERIFY(m_lock->isLocked());
}

void TestIdleLock::hidesContent()
{
    openWindow(m_server, QStringLiteral("hides"));
    signIn(m_server);
    // One record, so that the list shows a file name.
    const QString path = QDir(m_environment.workDir()).filePath(QStringLiteral("referral.txt"));
    QVERIFY(chartinsight::test::writeFile(path, QByteArrayLiteral("Referral letter\n")));
    const auto uploaded = chartinsight::test::waitForTask(m_controller->session()->upload(path));
    QVERIFY2(uploaded.ok, qPrintable(uploaded.error.message));
    auto* records = m_window->findChild<RecordListModel*>();
    QVERIFY(records);
    records->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(records->count() > 0 && !records->isBusy(), kTimeoutMs);
    QTRY_VERIFY(findItem(QStringLiteral("recordFileName")) &&
                findItem(QStringLiteral("recordFileName"))->isVisible());
    QVERIFY(findItem(QStringLiteral("recordsPage"))->isVisible());
    advance(IdleLock::kDefaultIdleMinutes * kMinuteMs);
    QVERIFY(m_lock->isLocked());

    QTRY_VERIFY(findItem(QStringLiteral("unlockPasswordField")) &&
                findItem(QStringLiteral("unlockPasswordField"))->isVisible());
    QVERIFY(!findItem(QStringLiteral("recordsPage"))->isVisible());
    // Every item marked sensitive (record names, viewer content) is hidden with its page.
    QList<QQuickItem*> pending{m_window->contentItem()};
    int sensitive = 0;
    while (!pending.isEmpty()) {
        QQuickItem* candidate = pending.takeFirst();
        if (candidate->property("sensitive").toBool()) {
            ++sensitive;
            QVERIFY2(!candidate->isVisible(), qPrintable(candidate->objectName()));
        }
        pending.append(candidate->childItems());
    }
    QVERIFY(sensitive > 0);
    QVERIFY(findItem(QStringLiteral("lockSignOutButton"))->isVisible());
}

void TestIdleLock::rightPasswordUnlocks()
{
    openWindow(m_server, QStringLiteral("right"));
    signIn(m_server);
    m_lock->lock();
    QVERIFY(m_lock->isLocked());
    tryUnlock(kPassword);
    QVERIFY2(!m_lock->isLocked(), qPrintable(m_lock->errorString()));
    QVERIFY(m_lock->errorString().isEmpty());
    QVERIFY(m_controller->isSignedIn());
    QTRY_VERIFY(findItem(QStringLiteral("recordsPage"))->isVisible());

    // The idle time starts again at the unlock.
    advance(IdleLock::kDefaultIdleMinutes * kMinuteMs - 1);
    QVERIFY(!m_lock->isLocked());
    advance(1);
    QVERIFY(m_lock->isLocked());
}

void TestIdleLock::wrongPasswordRejected()
{
    openWindow(m_server, QStringLiteral("wrong"));
    signIn(m_server);
    m_lock->lock();
    tryUnlock(kWrongPassword);
    QVERIFY(m_lock->isLocked());
    QVERIFY2(m_lock->errorString().contains(QStringLiteral("password is wrong")),
             qPrintable(m_lock->errorString()));
    QVERIFY2(!m_lock->errorString().contains(kWrongPassword), "the error repeats the password");
    QVERIFY(m_controller->isSignedIn());
    QVERIFY(findItem(QStringLiteral("unlockErrorBanner"))->isVisible());

    // The right password still works after a wrong one.
    tryUnlock(kPassword);
    QVERIFY2(!m_lock->isLocked(), qPrintable(m_lock->errorString()));
}

void TestIdleLock::emptyPasswordRejected()
{
    openWindow(m_server, QStringLiteral("empty"));
    signIn(m_server);
    m_lock->lock();
    m_lock->unlock(QString());
    QVERIFY(!m_lock->isBusy());
    QVERIFY(m_lock->isLocked());
    QVERIFY(!m_lock->errorString().isEmpty());
}

void TestIdleLock::savedIdleMinutes()
{
    openWindow(m_server, QStringLiteral("saved"));
    QVERIFY(!m_lock->saveIdleMinutes(QStringLiteral("0")).isEmpty());
    QCOMPARE(m_lock->idleMinutes(), IdleLock::kDefaultIdleMinutes);
    QCOMPARE(m_lock->saveIdleMinutes(QStringLiteral("5")), QString());
    QCOMPARE(m_lock->idleMinutes(), 5);
    signIn(m_server);
    advance(5 * kMinuteMs);
    QVERIFY(m_lock->isLocked());
    closeWindow();

    // A new window of the same profile reads the saved value.
    openWindow(m_server, QStringLiteral("saved"));
    QCOMPARE(m_lock->idleMinutes(), 5);
}

void TestIdleLock::signOutFromLock()
{
    openWindow(m_server, QStringLiteral("sign-out"));
    signIn(m_server);
    m_lock->lock();
    m_lock->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isSignedIn() && !m_controller->isBusy(), kTimeoutMs);
    QVERIFY(!m_lock->isLocked());
    QTRY_VERIFY(findItem(QStringLiteral("signInPage"))->isVisible());

    // Signing out removes the stored password check.
    const auto stored = chartinsight::test::readSecret(
        chartinsight::ui::UnlockVerifier::entryName(m_server.url().toString()));
    QVERIFY(stored.ok());
    QVERIFY(!stored->has_value());
}

void TestIdleLock::offlineUnlock()
{
    ServerProcess server;
    QVERIFY(server.start());
    QCOMPARE(server.addUser(kEmail, kPassword), 0);
    openWindow(server, QStringLiteral("offline"));
    signIn(server);

    // The keychain contains a bcrypt hash, not the password.
    const auto stored = chartinsight::test::readSecret(
        chartinsight::ui::UnlockVerifier::entryName(server.url().toString()));
    QVERIFY(stored.ok() && stored->has_value());
    QVERIFY(!(*stored)->contains(kPassword));
    QVERIFY((*stored)->startsWith(QStringLiteral("$2b$")));

    server.stop();
    advance(IdleLock::kDefaultIdleMinutes * kMinuteMs);
    QVERIFY(m_lock->isLocked());
    tryUnlock(kWrongPassword);
    QVERIFY(m_lock->isLocked());
    QVERIFY2(m_lock->errorString().contains(QStringLiteral("password is wrong")),
             qPrintable(m_lock->errorString()));
    tryUnlock(kPassword);
    QVERIFY2(!m_lock->isLocked(), qPrintable(m_lock->errorString()));
    QVERIFY(!m_controller->isOnline());
    QVERIFY(m_controller->isSignedIn());
}

void TestIdleLock::offlineWrongPasswordsSignOut()
{
    ServerProcess server;
    QVERIFY(server.start());
    QCOMPARE(server.addUser(kEmail, kPassword), 0);
    openWindow(server, QStringLiteral("offline-sign-out"));
    signIn(server);
    server.stop();

    m_lock->lock();
    for (int attempt = 1; attempt < IdleLock::kMaxUnlockAttempts; ++attempt) {
        tryUnlock(kWrongPassword);
        QVERIFY(m_lock->isLocked());
    }
    QVERIFY2(m_lock->errorString().contains(QStringLiteral("one more wrong password")),
             qPrintable(m_lock->errorString()));
    m_lock->unlock(kWrongPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isSignedIn() && !m_controller->isBusy(), kTimeoutMs);
    QVERIFY(!m_lock->isLocked());
    QVERIFY2(m_controller->errorString().contains(QStringLiteral("signed you out")),
             qPrintable(m_controller->errorString()));
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestIdleLock test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestIdleLock.moc"
