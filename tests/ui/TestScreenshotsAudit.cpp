// Drives the main window's audit screens against a real server on the offscreen platform and
// saves screenshots as PNG files in CHARTINSIGHT_SCREENSHOT_DIR, for people to review. They
// show the Audit page, its activity chart, a wrong date in the filter and a record's access
// history. Each screenshot is checked for not being blank.

#include "UiTestEnvironment.h"
#include "client/ClientTestSupport.h"
#include "server/CurlClient.h"
#include "support/TestSupport.h"
#include "ui/AccessHistory.h"
#include "ui/ActivityChart.h"
#include "ui/AuditViewModel.h"
#include "ui/DesktopEngine.h"
#include "ui/SessionController.h"

#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSet>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <algorithm>

Q_IMPORT_QML_PLUGIN(ChartInsight_UiPlugin)
Q_IMPORT_QML_PLUGIN(ChartInsight_DesktopPlugin)

using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::test::waitForTask;
using chartinsight::ui::AccessHistory;
using chartinsight::ui::ActivityChart;
using chartinsight::ui::AuditViewModel;
using chartinsight::ui::SessionController;

namespace {

const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
const QString kAdmin = QStringLiteral("compliance@clinic.test");
const QString kUploader = QStringLiteral("dr.meyer@clinic.test");
const QString kViewer = QStringLiteral("nurse.kim@clinic.test");
constexpr int kTimeoutMs = 120000;
// A screenshot with fewer colours than this is taken as blank (a window of one or two fills).
constexpr int kMinDistinctColours = 16;

} // namespace

class TestScreenshotsAudit : public QObject
{
    Q_OBJECT

public:
    explicit TestScreenshotsAudit(const UiTestEnvironment& environment)
        : m_environment(environment)
    {
    }

private slots:
    void initTestCase();
    void auditPage();
    void activityChart();
    void dateError();
    void accessHistory();
    void cleanupTestCase();

private:
    std::unique_ptr<SessionController> signIn(const QString& email,
                                              const QString& profile) const;
    QList<QQuickItem*> visibleItems(const QString& objectName) const;
    QQuickItem* item(const QString& objectName) const;
    void click(QQuickItem* target);
    void checkColours(const QImage& image, const QString& name);
    void save(const QImage& image, const QString& name);

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
    std::unique_ptr<SessionController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow* m_window = nullptr;
};

void TestScreenshotsAudit::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("signing in needs the keychain: run through tests/support/with-keychain.sh");
    QVERIFY(QDir().mkpath(QStringLiteral(CHARTINSIGHT_SCREENSHOT_DIR)));
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kAdmin, kPassword, true), 0);
    QCOMPARE(m_server.addUser(kUploader, kPassword), 0);
    QCOMPARE(m_server.addUser(kViewer, kPassword), 0);

    // The uploader's records, shared with General; the nurse views two and downloads one.
    auto uploader = signIn(kUploader, QStringLiteral("uploader"));
    QVERIFY2(uploader->isSignedIn(), qPrintable(uploader->errorString()));
    QVERIFY(waitForTask(uploader->session()->setDisplayName(QStringLiteral("Dr. Anna Meyer"))).ok);
    const QStringList titles = {QStringLiteral("Echocardiogram, 3 November"),
                                QStringLiteral("Discharge summary, cardiology ward"),
                                QStringLiteral("Blood panel, fasting")};
    QStringList records;
    for (int i = 0; i < titles.size(); ++i) {
        const QString path = chartinsight::test::writeFile(
            m_environment.workDir(), QStringLiteral("record-%1.txt").arg(i),
            QByteArrayLiteral("blood pressure 120/80\n"));
        chartinsight::client::UploadOptions options;
        options.sharing = QStringLiteral("team");
        const auto uploaded = waitForTask(uploader->session()->upload(path, options));
        QVERIFY2(uploaded.ok, qPrintable(uploaded.error.message));
        const QString id = uploaded.result.toObject().value(QStringLiteral("id")).toString();
        QVERIFY(waitForTask(uploader->session()->setRecordTitle(id, titles.at(i))).ok);
        records.append(id);
    }
    auto viewer = signIn(kViewer, QStringLiteral("viewer"));
    QVERIFY2(viewer->isSignedIn(), qPrintable(viewer->errorString()));
    QVERIFY(waitForTask(viewer->session()->setDisplayName(QStringLiteral("Kim Tanaka"))).ok);
    // The newest record, first in the list, gets two views.
    QVERIFY(waitForTask(viewer->session()->fetchForViewer(records.at(2))).ok);
    QVERIFY(waitForTask(viewer->session()->fetchForViewer(records.at(2))).ok);
    QVERIFY(waitForTask(viewer->session()->fetchForViewer(records.at(0))).ok);
    QVERIFY(waitForTask(viewer->session()->download(
                            records.at(1),
                            QDir(m_environment.workDir()).filePath(QStringLiteral("copy.txt"))))
                .ok);
    chartinsight::test::CurlClient curl(m_server);
    QVERIFY(curl.login(kViewer, QStringLiteral("wrong-password")).isEmpty());
    // Sessions of one server share a keychain entry in this process, and the window would
    // otherwise restore the last one.
    for (SessionController* controller : {uploader.get(), viewer.get()}) {
        controller->signOut();
        QTRY_VERIFY_WITH_TIMEOUT(!controller->isSignedIn() && !controller->isBusy(), kTimeoutMs);
    }

    // The window's controller signs in once the window is up, which lists the records.
    chartinsight::ui::DesktopEngine::selectStyle();
    m_controller = std::make_unique<SessionController>();
    m_controller->setServerUrl(m_server.url().toString());
    m_controller->setProfileDir(QDir(m_environment.workDir()).filePath(QStringLiteral("window")));
    m_controller->setSignatureDir(chartinsight::test::testSignatureDir());
    m_controller->setCaFile(m_server.caFile());
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
    m_controller->signIn(m_server.url().toString(), kAdmin, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->isSignedIn(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("recordsPage")), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(visibleItems(QStringLiteral("historyButton")).size() == 3,
                             kTimeoutMs);
}

void TestScreenshotsAudit::cleanupTestCase()
{
    m_engine.reset();
    m_controller.reset();
}

std::unique_ptr<SessionController> TestScreenshotsAudit::signIn(const QString& email,
                                                                const QString& profile) const
{
    auto controller = std::make_unique<SessionController>();
    controller->setServerUrl(m_server.url().toString());
    controller->setProfileDir(QDir(m_environment.workDir()).filePath(profile));
    controller->setSignatureDir(chartinsight::test::testSignatureDir());
    controller->setCaFile(m_server.caFile());
    controller->signIn(m_server.url().toString(), email, kPassword);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kTimeoutMs); }();
    return controller;
}

QList<QQuickItem*> TestScreenshotsAudit::visibleItems(const QString& objectName) const
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

QQuickItem* TestScreenshotsAudit::item(const QString& objectName) const
{
    const QList<QQuickItem*> found = visibleItems(objectName);
    return found.isEmpty() ? nullptr : found.constFirst();
}

void TestScreenshotsAudit::click(QQuickItem* target)
{
    QVERIFY(target);
    const QPointF centre = target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
    QTest::mouseClick(m_window, Qt::LeftButton, {}, centre.toPoint());
}

void TestScreenshotsAudit::checkColours(const QImage& image, const QString& name)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(
        colours.size() >= kMinDistinctColours,
        qPrintable(QStringLiteral("%1 looks blank: %2 colours").arg(name).arg(colours.size())));
}

void TestScreenshotsAudit::save(const QImage& image, const QString& name)
{
    checkColours(image, name);
    const QString path = QDir(QStringLiteral(CHARTINSIGHT_SCREENSHOT_DIR)).filePath(name);
    QVERIFY2(image.save(path), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
}

void TestScreenshotsAudit::auditPage()
{
    click(item(QStringLiteral("auditButton")));
    QTRY_VERIFY(item(QStringLiteral("auditPage")));
    auto* audit = m_window->findChild<AuditViewModel*>(QStringLiteral("auditViewModel"));
    auto* chart = m_window->findChild<ActivityChart*>(QStringLiteral("activityChart"));
    QVERIFY(audit);
    QVERIFY(chart);
    QTRY_VERIFY_WITH_TIMEOUT(audit->isLoaded() && !audit->isBusy(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(chart->isLoaded() && !chart->isBusy(), kTimeoutMs);
    QVERIFY2(audit->errorString().isEmpty(), qPrintable(audit->errorString()));
    QVERIFY(audit->count() > 10);
    QTRY_VERIFY_WITH_TIMEOUT(audit->userChoices().size() >= 4, kTimeoutMs);
    QVERIFY(!visibleItems(QStringLiteral("entryActor")).isEmpty());
    // Names of people and records are masked in privacy mode.
    for (const QString& column : {QStringLiteral("entryActor"), QStringLiteral("entryTarget")}) {
        for (QQuickItem* cell : visibleItems(column))
            QVERIFY2(cell->property("sensitive").toBool(), qPrintable(column));
    }
    QCOMPARE(item(QStringLiteral("auditScopeLabel"))->property("text").toString(),
             QStringLiteral("Everything in your organization"));
    QTest::mouseMove(m_window, QPoint(m_window->width() - 10, m_window->height() - 10));

    const QImage image = m_window->grabWindow();
    QCOMPARE(image.size(), m_window->size() * m_window->effectiveDevicePixelRatio());
    save(image, QStringLiteral("audit-1-page.png"));

    // Narrowed to record views: the rows and the chart follow.
    audit->setAction(QStringLiteral("record.viewed"));
    QVERIFY(QMetaObject::invokeMethod(item(QStringLiteral("auditPage")), "applyFilters"));
    QTRY_VERIFY_WITH_TIMEOUT(!audit->isBusy() && !chart->isBusy(), kTimeoutMs);
    QCOMPARE(audit->count(), 3);
    QCOMPARE(chart->total(), 3);
    QCOMPARE(visibleItems(QStringLiteral("entryActor")).size(), 3);
    QCOMPARE(item(QStringLiteral("actionFilter"))->property("currentText").toString(),
             QStringLiteral("Viewed"));
    save(m_window->grabWindow(), QStringLiteral("audit-2-filtered.png"));
}

void TestScreenshotsAudit::activityChart()
{
    auto* chart = m_window->findChild<ActivityChart*>(QStringLiteral("activityChart"));
    QVERIFY(chart);
    click(item(QStringLiteral("clearFiltersButton")));
    click(item(QStringLiteral("chartWeeksButton")));
    QTRY_COMPARE(chart->bucket(), QStringLiteral("week"));
    QTRY_VERIFY_WITH_TIMEOUT(!chart->isBusy() && chart->isLoaded(), kTimeoutMs);
    QVERIFY2(chart->errorString().isEmpty(), qPrintable(chart->errorString()));
    QVERIFY(chart->total() > 10);
    click(item(QStringLiteral("chartDaysButton")));
    QTRY_COMPARE(chart->bucket(), QStringLiteral("day"));
    QTRY_VERIFY_WITH_TIMEOUT(!chart->isBusy() && chart->isLoaded(), kTimeoutMs);
    QCOMPARE(chart->count(), 30);

    // The chart's card, cropped from the window.
    QTRY_VERIFY(!visibleItems(QStringLiteral("chartBar")).isEmpty());
    QQuickItem* view = item(QStringLiteral("activityChartView"));
    QVERIFY(view);
    const qreal ratio = m_window->effectiveDevicePixelRatio();
    const QRectF area = view->mapRectToScene(QRectF(0, 0, view->width(), view->height()));
    const QImage window = m_window->grabWindow();
    const QRect crop = QRectF(area.topLeft() * ratio, area.size() * ratio)
                           .toAlignedRect()
                           .adjusted(-8, -8, 8, 8)
                           .intersected(window.rect());
    const QImage image = window.copy(crop);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), crop.size());
    save(image, QStringLiteral("audit-3-chart.png"));
}

void TestScreenshotsAudit::dateError()
{
    QQuickItem* since = item(QStringLiteral("sinceField"));
    QVERIFY(since);
    since->forceActiveFocus();
    for (const char key : QByteArrayLiteral("2026-13-01"))
        QTest::keyClick(m_window, key);
    QTRY_VERIFY(item(QStringLiteral("dateErrorLabel")));
    QVERIFY(item(QStringLiteral("dateErrorLabel"))
                ->property("text")
                .toString()
                .contains(QStringLiteral("'2026-13-01' in From is not a date")));
    QVERIFY(!item(QStringLiteral("applyFiltersButton"))->isEnabled());
    save(m_window->grabWindow(), QStringLiteral("audit-4-date-error.png"));

    click(item(QStringLiteral("clearFiltersButton")));
    QTRY_VERIFY(!item(QStringLiteral("dateErrorLabel")));
    click(item(QStringLiteral("auditBackButton")));
    QTRY_VERIFY(item(QStringLiteral("recordsPage")));
}

void TestScreenshotsAudit::accessHistory()
{
    // The first row is the newest record, which the nurse viewed twice.
    QList<QQuickItem*> buttons = visibleItems(QStringLiteral("historyButton"));
    QVERIFY(!buttons.isEmpty());
    std::sort(buttons.begin(), buttons.end(), [](QQuickItem* a, QQuickItem* b) {
        return a->mapToScene({}).y() < b->mapToScene({}).y();
    });
    QTest::mouseMove(m_window, buttons.constFirst()
                                   ->mapToScene(QPointF(buttons.constFirst()->width() / 2,
                                                        buttons.constFirst()->height() / 2))
                                   .toPoint());
    save(m_window->grabWindow(), QStringLiteral("audit-5-records-history-button.png"));
    click(buttons.constFirst());
    QObject* dialog = m_window->findChild<QObject*>(QStringLiteral("accessHistoryDialog"));
    QVERIFY(dialog);
    QTRY_COMPARE(dialog->property("opened").toBool(), true);
    auto* history = m_window->findChild<AccessHistory*>(QStringLiteral("accessHistory"));
    QVERIFY(history);
    QTRY_VERIFY_WITH_TIMEOUT(history->isLoaded() && !history->isBusy(), kTimeoutMs);
    QVERIFY2(history->errorString().isEmpty(), qPrintable(history->errorString()));
    QCOMPARE(history->count(), 2);
    QCOMPARE(item(QStringLiteral("historyRecordName"))->property("text").toString(),
             QStringLiteral("Blood panel, fasting"));
    QTRY_COMPARE(visibleItems(QStringLiteral("entryActor")).size(), 2);
    QCOMPARE(visibleItems(QStringLiteral("entryActor")).constFirst()->property("text").toString(),
             QStringLiteral("Kim Tanaka"));
    save(m_window->grabWindow(), QStringLiteral("audit-6-access-history.png"));

    click(item(QStringLiteral("historyCloseButton")));
    QTRY_COMPARE(dialog->property("visible").toBool(), false);
    QCOMPARE(history->count(), 0);
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestScreenshotsAudit test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestScreenshotsAudit.moc"
