// The view models of the audit screens against a real server: the Audit page's list with its
// filters and paging, the CSV export, a record's access history and the activity chart.

#include "UiTestEnvironment.h"
#include "client/ClientTestSupport.h"
#include "server/CurlClient.h"
#include "support/TestSupport.h"
#include "ui/AccessHistory.h"
#include "ui/ActivityChart.h"
#include "ui/AuditText.h"
#include "ui/AuditViewModel.h"
#include "ui/SessionController.h"
#include "ui/TeamAdmin.h"

#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QUrl>

using chartinsight::test::CurlClient;
using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::test::waitForTask;
using chartinsight::ui::AccessHistory;
using chartinsight::ui::ActivityChart;
using chartinsight::ui::AuditEntryModel;
using chartinsight::ui::AuditText;
using chartinsight::ui::AuditViewModel;
using chartinsight::ui::SessionController;
using chartinsight::ui::TeamAdmin;

namespace {

const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
const QString kAdmin = QStringLiteral("admin@clinic.test");
const QString kLiam = QStringLiteral("liam@example.test");
const QString kMia = QStringLiteral("mia@example.test");
const QString kNoah = QStringLiteral("noah@example.test");
const QString kMiaName = QStringLiteral("Mia Hoffmann");
constexpr int kTimeoutMs = 60000;
constexpr int kLiamRecords = 3;

// The values of `role` in every row of `model`.
QStringList column(const AuditEntryModel& model, int role)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(); ++row)
        values.append(model.data(model.index(row), role).toString());
    return values;
}

bool allEqual(const QStringList& values, const QString& expected)
{
    return std::all_of(values.cbegin(), values.cend(),
                       [&expected](const QString& value) { return value == expected; });
}

QString today()
{
    return QDate::currentDate().toString(Qt::ISODate);
}

} // namespace

class TestAuditScreens : public QObject
{
    Q_OBJECT

public:
    explicit TestAuditScreens(const UiTestEnvironment& environment) : m_environment(environment) {}

private slots:
    void initTestCase();
    void auditTextWords();
    void dateFilterValidation();
    void filtersChangeRequestAndRows();
    void teamFilter();
    void pagingLoadsMore();
    void csvExportMatchesServer();
    void csvExportIntoMissingFolder();
    void uploaderSeesOwnRecords();
    void accessHistoryShowsView();
    void accessHistoryOfOthersForbidden();
    void chartBuckets();
    void cleanupTestCase();

private:
    std::unique_ptr<SessionController> signIn(const QString& email) const;
    // Reads the first page and waits for it; fails the test on an error.
    void load(AuditEntryModel& model) const;
    QString upload(SessionController& controller, const QString& name,
                   const QString& teamId = {});

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
    std::unique_ptr<SessionController> m_admin;
    std::unique_ptr<SessionController> m_liam;
    std::unique_ptr<SessionController> m_mia;
    QStringList m_liamRecords; // shared with the General team
    QString m_cardiologyId;
    QString m_cardiologyRecord; // uploaded by Noah into Cardiology
    QString m_miaId;
    QString m_noahId;
};

void TestAuditScreens::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("signing in needs the keychain: run through tests/support/with-keychain.sh");
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kAdmin, kPassword, true), 0);
    QCOMPARE(m_server.addUser(kLiam, kPassword), 0);
    QCOMPARE(m_server.addUser(kMia, kPassword), 0);
    QCOMPARE(m_server.addUser(kNoah, kPassword), 0);

    m_admin = signIn(kAdmin);
    QVERIFY2(m_admin->isSignedIn(), qPrintable(m_admin->errorString()));
    m_liam = signIn(kLiam);
    QVERIFY2(m_liam->isSignedIn(), qPrintable(m_liam->errorString()));
    m_mia = signIn(kMia);
    QVERIFY2(m_mia->isSignedIn(), qPrintable(m_mia->errorString()));
    const auto named = waitForTask(m_mia->session()->setDisplayName(kMiaName));
    QVERIFY2(named.ok, qPrintable(named.error.message));

    // Liam's records are shared with General, which every user joins.
    for (int i = 0; i < kLiamRecords; ++i) {
        m_liamRecords.append(upload(*m_liam, QStringLiteral("liam-note-%1.txt").arg(i)));
        QVERIFY(!m_liamRecords.constLast().isEmpty());
    }

    // Mia views the first record in the viewer and downloads the second; one wrong password
    // adds an entry that did not succeed.
    const auto viewed = waitForTask(m_mia->session()->fetchForViewer(m_liamRecords.at(0)));
    QVERIFY2(viewed.ok, qPrintable(viewed.error.message));
    const QString downloadPath = QDir(m_environment.workDir()).filePath(QStringLiteral("copy.txt"));
    const auto downloaded =
        waitForTask(m_mia->session()->download(m_liamRecords.at(1), downloadPath));
    QVERIFY2(downloaded.ok, qPrintable(downloaded.error.message));
    CurlClient curl(m_server);
    QVERIFY(curl.login(kMia, QStringLiteral("wrong-password")).isEmpty());

    // Cardiology: Noah uploads a record there; Liam is not a member.
    TeamAdmin teams;
    teams.setController(m_admin.get());
    teams.createTeam(QStringLiteral("Cardiology"));
    QTRY_VERIFY_WITH_TIMEOUT(!teams.isBusy() && !teams.currentTeamName().isEmpty(), kTimeoutMs);
    m_cardiologyId = teams.currentTeamId();
    teams.addMember(kNoah, {QStringLiteral("manage_files")});
    QTRY_VERIFY_WITH_TIMEOUT(!teams.isBusy(), kTimeoutMs);
    QVERIFY2(teams.errorString().isEmpty(), qPrintable(teams.errorString()));
    for (const QVariant& member : teams.members()) {
        if (member.toMap().value(QStringLiteral("email")).toString() == kNoah)
            m_noahId = member.toMap().value(QStringLiteral("userId")).toString();
    }
    QVERIFY(!m_noahId.isEmpty());
    auto noah = signIn(kNoah);
    m_cardiologyRecord = upload(*noah, QStringLiteral("echo.txt"), m_cardiologyId);
    QVERIFY(!m_cardiologyRecord.isEmpty());

    const auto account = waitForTask(m_mia->session()->account());
    QVERIFY(account.ok);
    m_miaId = account.result.toObject().value(QStringLiteral("user_id")).toString();
    QVERIFY(!m_miaId.isEmpty());
}

void TestAuditScreens::cleanupTestCase()
{
    m_mia.reset();
    m_liam.reset();
    m_admin.reset();
}

std::unique_ptr<SessionController> TestAuditScreens::signIn(const QString& email) const
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

void TestAuditScreens::load(AuditEntryModel& model) const
{
    model.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!model.isBusy(), kTimeoutMs);
    QVERIFY2(model.errorString().isEmpty(), qPrintable(model.errorString()));
    QVERIFY(model.isLoaded());
}

QString TestAuditScreens::upload(SessionController& controller, const QString& name,
                                 const QString& teamId)
{
    const QString path = chartinsight::test::writeFile(
        m_environment.workDir(), name, QByteArrayLiteral("blood pressure 120/80\n"));
    chartinsight::client::UploadOptions options;
    options.teamId = teamId;
    options.sharing = QStringLiteral("team");
    const auto outcome = waitForTask(controller.session()->upload(path, options));
    if (!outcome.ok)
        qWarning() << "upload failed:" << outcome.error.code << outcome.error.message;
    return outcome.result.toObject().value(QStringLiteral("id")).toString();
}

void TestAuditScreens::auditTextWords()
{
    QCOMPARE(AuditText::actionText(QStringLiteral("record.viewed")), QStringLiteral("Viewed"));
    QCOMPARE(AuditText::actionText(QStringLiteral("future.action")),
             QStringLiteral("future.action"));
    QCOMPARE(AuditText::outcomeText(QStringLiteral("denied")), QStringLiteral("Denied"));
    QCOMPARE(AuditText::actorText({{QStringLiteral("actor_kind"), QStringLiteral("policy")},
                                   {QStringLiteral("actor_id"), QStringLiteral("retention")}}),
             QStringLiteral("Retention policy"));
    QCOMPARE(AuditText::targetText({{QStringLiteral("target_kind"), QStringLiteral("record")},
                                    {QStringLiteral("target_id"), QStringLiteral("r1")}}),
             QStringLiteral("Record r1"));
    QCOMPARE(AuditText::targetText({}), QString());

    // Local midnight in UTC, so that the period follows the computer's days.
    const QDate day(2026, 12, 1);
    QCOMPARE(AuditText::startOfLocalDay(day),
             day.startOfDay().toUTC().toString(Qt::ISODate));
    QVERIFY(AuditText::startOfLocalDay(day).endsWith(QLatin1Char('Z')));
    const QDateTime time = QDateTime::fromString(QStringLiteral("2026-12-04T10:27:03Z"),
                                                 Qt::ISODate);
    QCOMPARE(AuditText::localTime(time),
             time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
}

void TestAuditScreens::dateFilterValidation()
{
    AuditViewModel audit;
    audit.setController(m_admin.get());
    QVERIFY(audit.sinceError().isEmpty());

    for (const QString& bad : {QStringLiteral("2026-13-01"), QStringLiteral("12/01/2026"),
                               QStringLiteral("yesterday"), QStringLiteral("2026-02-30")}) {
        audit.setSince(bad);
        QVERIFY2(audit.sinceError().contains(bad), qPrintable(audit.sinceError()));
        QVERIFY2(audit.sinceError().contains(QStringLiteral("YYYY-MM-DD")),
                 qPrintable(audit.sinceError()));
        // Nothing is sent while a date is wrong, and the error names the reason.
        audit.refresh();
        QVERIFY(!audit.isBusy());
        QVERIFY(audit.lastQuery().isEmpty());
        QCOMPARE(audit.errorString(), audit.sinceError());
    }

    audit.setSince(QStringLiteral("2026-12-05"));
    audit.setUntil(QStringLiteral("2026-12-01"));
    QVERIFY(audit.sinceError().isEmpty());
    QVERIFY2(audit.untilError().contains(QStringLiteral("before")), qPrintable(audit.untilError()));

    audit.setUntil(QStringLiteral("2026-12-05"));
    QVERIFY(audit.untilError().isEmpty());
    audit.setRecord(QStringLiteral("not a record"));
    audit.refresh();
    QVERIFY2(audit.errorString().contains(QStringLiteral("is not a record id")),
             qPrintable(audit.errorString()));
}

void TestAuditScreens::filtersChangeRequestAndRows()
{
    AuditViewModel audit;
    audit.setController(m_admin.get());
    audit.setPageSize(AuditEntryModel::kMaxPageSize);
    load(audit);
    QVERIFY(audit.count() > 0);
    // Sign-ins of several people: the administrator sees the whole organization.
    const QStringList actions = column(audit, AuditEntryModel::ActionRole);
    QVERIFY(actions.contains(QStringLiteral("login.succeeded")));
    QVERIFY(actions.contains(QStringLiteral("record.uploaded")));
    const int everything = audit.count();
    QVERIFY(!audit.lastQuery().contains(QStringLiteral("action=")));

    // An exact action.
    audit.setAction(QStringLiteral("record.uploaded"));
    load(audit);
    QVERIFY2(audit.lastQuery().contains(QStringLiteral("action=record.uploaded")),
             qPrintable(audit.lastQuery()));
    QCOMPARE(audit.count(), kLiamRecords + 1);
    QVERIFY(allEqual(column(audit, AuditEntryModel::ActionRole), QStringLiteral("record.uploaded")));
    QVERIFY(allEqual(column(audit, AuditEntryModel::ActionTextRole), QStringLiteral("Uploaded")));

    // A prefix.
    audit.setAction(QStringLiteral("record."));
    load(audit);
    for (const QString& action : column(audit, AuditEntryModel::ActionRole))
        QVERIFY2(action.startsWith(QStringLiteral("record.")), qPrintable(action));
    QVERIFY(audit.count() > kLiamRecords + 1);
    QVERIFY(audit.count() < everything);

    // The actor, by e-mail address; names are resolved for the administrator.
    audit.setAction({});
    audit.setUser(kMia);
    load(audit);
    QVERIFY2(audit.lastQuery().contains(QStringLiteral("user=mia%40example.test")),
             qPrintable(audit.lastQuery()));
    QVERIFY(audit.count() > 0);
    QVERIFY(allEqual(column(audit, AuditEntryModel::ActorIdRole), m_miaId));
    QVERIFY(column(audit, AuditEntryModel::ActorNameRole).contains(kMiaName));
    QVERIFY(column(audit, AuditEntryModel::ActionRole).contains(QStringLiteral("record.viewed")));
    QVERIFY(
        column(audit, AuditEntryModel::ActionRole).contains(QStringLiteral("record.downloaded")));

    // The record.
    audit.setUser({});
    audit.setRecord(m_liamRecords.at(0));
    load(audit);
    QVERIFY(audit.lastQuery().contains(QStringLiteral("record=") + m_liamRecords.at(0)));
    QVERIFY(audit.count() >= 2); // uploaded, viewed
    QVERIFY(allEqual(column(audit, AuditEntryModel::TargetIdRole), m_liamRecords.at(0)));
    QVERIFY(allEqual(column(audit, AuditEntryModel::TargetKindRole), QStringLiteral("record")));
    QVERIFY(allEqual(column(audit, AuditEntryModel::TargetNameRole), QStringLiteral("liam-note-0.txt")));

    // The outcome: Mia's wrong password did not succeed.
    audit.setRecord({});
    audit.setOutcome(QStringLiteral("success"));
    load(audit);
    QVERIFY(audit.lastQuery().contains(QStringLiteral("outcome=success")));
    QVERIFY(allEqual(column(audit, AuditEntryModel::OutcomeRole), QStringLiteral("success")));
    QVERIFY(allEqual(column(audit, AuditEntryModel::OutcomeTextRole), QStringLiteral("Succeeded")));
    const int successes = audit.count();
    int others = 0;
    for (const QString& outcome : {QStringLiteral("denied"), QStringLiteral("failed")}) {
        audit.setOutcome(outcome);
        load(audit);
        QVERIFY(allEqual(column(audit, AuditEntryModel::OutcomeRole), outcome));
        others += audit.count();
    }
    QVERIFY(others >= 1);
    QVERIFY(successes + others <= everything);

    // The period, in local days: today has every entry, tomorrow and yesterday none.
    audit.setOutcome({});
    audit.setSince(today());
    audit.setUntil(today());
    load(audit);
    QVERIFY2(audit.lastQuery().contains(QStringLiteral("since=")), qPrintable(audit.lastQuery()));
    QVERIFY(audit.lastQuery().contains(QStringLiteral("until=")));
    QCOMPARE(audit.count(), everything);
    audit.setSince(QDate::currentDate().addDays(1).toString(Qt::ISODate));
    audit.setUntil({});
    load(audit);
    QCOMPARE(audit.count(), 0);
    audit.setSince({});
    audit.setUntil(QDate::currentDate().addDays(-1).toString(Qt::ISODate));
    load(audit);
    QCOMPARE(audit.count(), 0);

    audit.resetFilters();
    QVERIFY(!audit.isFiltered());
    load(audit);
    QVERIFY(audit.count() >= everything);
}

void TestAuditScreens::teamFilter()
{
    AuditViewModel audit;
    audit.setController(m_admin.get());
    audit.setTeam(m_cardiologyId);
    audit.setAction(QStringLiteral("record.uploaded"));
    load(audit);
    QVERIFY(audit.lastQuery().contains(QStringLiteral("team=") + m_cardiologyId));
    // Noah's upload into Cardiology, and none of Liam's: he is not a member.
    QCOMPARE(column(audit, AuditEntryModel::TargetIdRole), QStringList{m_cardiologyRecord});
    QVERIFY(allEqual(column(audit, AuditEntryModel::ActorIdRole), m_noahId));

    // The team picker lists Cardiology.
    audit.loadChoices();
    QTRY_VERIFY_WITH_TIMEOUT(audit.teamChoices().size() >= 3, kTimeoutMs);
    QCOMPARE(audit.teamChoices().constFirst().toMap().value(QStringLiteral("value")).toString(),
             QString());
    bool listed = false;
    for (const QVariant& choice : audit.teamChoices())
        listed |= choice.toMap().value(QStringLiteral("value")).toString() == m_cardiologyId;
    QVERIFY(listed);
    QTRY_VERIFY_WITH_TIMEOUT(audit.userChoices().size() >= 5, kTimeoutMs);
}

void TestAuditScreens::pagingLoadsMore()
{
    AuditViewModel all;
    all.setController(m_admin.get());
    all.setAction(QStringLiteral("record."));
    all.setPageSize(AuditEntryModel::kMaxPageSize);
    load(all);
    QVERIFY(!all.hasMore());
    const QStringList expected = column(all, AuditEntryModel::SequenceRole);
    QVERIFY(expected.size() > 4);

    AuditViewModel paged;
    paged.setController(m_admin.get());
    paged.setAction(QStringLiteral("record."));
    paged.setPageSize(2);
    load(paged);
    QCOMPARE(paged.count(), 2);
    QVERIFY(paged.hasMore());
    QVERIFY(paged.lastQuery().contains(QStringLiteral("limit=2")));
    int pages = 1;
    while (paged.hasMore()) {
        const int before = paged.count();
        paged.loadMore();
        QTRY_VERIFY_WITH_TIMEOUT(!paged.isBusy(), kTimeoutMs);
        QVERIFY2(paged.errorString().isEmpty(), qPrintable(paged.errorString()));
        QVERIFY(paged.lastQuery().contains(QStringLiteral("cursor=")));
        QVERIFY(paged.count() > before);
        QVERIFY(++pages <= expected.size());
    }
    // Every entry once, newest first, as in one big page.
    QCOMPARE(column(paged, AuditEntryModel::SequenceRole), expected);
    QCOMPARE(QSet<QString>(expected.cbegin(), expected.cend()).size(), expected.size());
    for (int row = 1; row < paged.count(); ++row) {
        QVERIFY(paged.data(paged.index(row - 1), AuditEntryModel::SequenceRole).toLongLong() >
                paged.data(paged.index(row), AuditEntryModel::SequenceRole).toLongLong());
    }

    // A new filter starts over at the first page.
    paged.setAction(QStringLiteral("record.uploaded"));
    load(paged);
    QCOMPARE(paged.count(), 2);
    QVERIFY(!paged.lastQuery().contains(QStringLiteral("cursor=")));
}

void TestAuditScreens::csvExportMatchesServer()
{
    AuditViewModel audit;
    audit.setController(m_admin.get());
    audit.setAction(QStringLiteral("record."));
    audit.setPageSize(2); // the export has every matching entry, not only the page
    QSignalSpy exported(&audit, &AuditEntryModel::exported);
    const QString path = QDir(m_environment.workDir()).filePath(QStringLiteral("activity.csv"));
    audit.exportCsv(QUrl::fromLocalFile(path));
    QVERIFY(audit.isExporting());
    QTRY_VERIFY_WITH_TIMEOUT(!audit.isExporting(), kTimeoutMs);
    QVERIFY2(audit.errorString().isEmpty(), qPrintable(audit.errorString()));
    QCOMPARE(exported.size(), 1);
    QCOMPARE(exported.constFirst().constFirst().toString(), path);
    QVERIFY(audit.status().contains(QStringLiteral("activity.csv")));
    QVERIFY(!QFile::exists(path + QStringLiteral(".part")));

    const QByteArray saved = chartinsight::test::readFile(path);
    QCOMPARE(audit.exportedBytes(), qint64(saved.size()));
    QVERIFY(saved.contains("\r\n"));

    // The same report read with curl: byte for byte what the desktop saved.
    CurlClient curl(m_server);
    const QString token = curl.login(kAdmin, kPassword);
    QVERIFY(!token.isEmpty());
    const auto response = curl.request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/reports/activity?action=record.&format=csv"),
        {}, token);
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("content-type").startsWith("text/csv"));
    QCOMPARE(saved, response.body);

    // One line per entry plus the header, entries listed in the same order as the list.
    AuditViewModel all;
    all.setController(m_admin.get());
    all.setAction(QStringLiteral("record."));
    all.setPageSize(AuditEntryModel::kMaxPageSize);
    load(all);
    const QList<QByteArray> lines = saved.trimmed().split('\n');
    QCOMPARE(lines.size(), all.count() + 1);

    // The export was audited: report.exported by the administrator.
    AuditViewModel exports;
    exports.setController(m_admin.get());
    exports.setAction(QStringLiteral("report.exported"));
    load(exports);
    QVERIFY(exports.count() >= 1);
}

void TestAuditScreens::csvExportIntoMissingFolder()
{
    AuditViewModel audit;
    audit.setController(m_admin.get());
    const QString path = QDir(m_environment.workDir())
                             .filePath(QStringLiteral("no-such-folder/activity.csv"));
    audit.exportCsv(QUrl::fromLocalFile(path));
    QTRY_VERIFY_WITH_TIMEOUT(!audit.isExporting(), kTimeoutMs);
    QVERIFY(!audit.errorString().isEmpty());
    QVERIFY2(audit.errorString().startsWith(QStringLiteral("Could not export the report")),
             qPrintable(audit.errorString()));
    QVERIFY(!QFile::exists(path));

    audit.exportCsv(QUrl(QStringLiteral("https://example.test/activity.csv")));
    QVERIFY(!audit.isExporting());
    QVERIFY2(audit.errorString().contains(QStringLiteral("file on this computer")),
             qPrintable(audit.errorString()));
}

void TestAuditScreens::uploaderSeesOwnRecords()
{
    // Liam sees what happened to his records, Mia's view included, and nothing else.
    AuditViewModel audit;
    audit.setController(m_liam.get());
    audit.setPageSize(AuditEntryModel::kMaxPageSize);
    load(audit);
    QVERIFY(audit.count() >= kLiamRecords + 2);
    QVERIFY(allEqual(column(audit, AuditEntryModel::TargetKindRole), QStringLiteral("record")));
    for (const QString& target : column(audit, AuditEntryModel::TargetIdRole))
        QVERIFY2(m_liamRecords.contains(target), qPrintable(target));
    QVERIFY(column(audit, AuditEntryModel::ActorIdRole).contains(m_miaId));

    // Mia uploaded nothing: her list is empty, though she signed in and viewed records.
    AuditViewModel mia;
    mia.setController(m_mia.get());
    load(mia);
    QCOMPARE(mia.count(), 0);
    QVERIFY(!mia.hasMore());
}

void TestAuditScreens::accessHistoryShowsView()
{
    AccessHistory history;
    history.setController(m_liam.get());
    history.open(m_liamRecords.at(0), QStringLiteral("liam-note-0.txt"));
    QCOMPARE(history.recordId(), m_liamRecords.at(0));
    QTRY_VERIFY_WITH_TIMEOUT(!history.isBusy(), kTimeoutMs);
    QVERIFY2(history.errorString().isEmpty(), qPrintable(history.errorString()));
    QVERIFY(history.isLoaded());
    QCOMPARE(history.count(), 1);
    const QModelIndex view = history.index(0);
    QCOMPARE(history.data(view, AuditEntryModel::ActionRole).toString(),
             QStringLiteral("record.viewed"));
    QCOMPARE(history.data(view, AuditEntryModel::ActionTextRole).toString(),
             QStringLiteral("Viewed"));
    QCOMPARE(history.data(view, AuditEntryModel::ActorIdRole).toString(), m_miaId);
    QCOMPARE(history.data(view, AuditEntryModel::ActorNameRole).toString(), kMiaName);
    QCOMPARE(history.data(view, AuditEntryModel::ClientIpRole).toString(),
             QStringLiteral("127.0.0.1"));
    const QDateTime when = history.data(view, AuditEntryModel::TimeRole).toDateTime();
    QVERIFY(when.isValid());
    QVERIFY(qAbs(when.secsTo(QDateTime::currentDateTimeUtc())) < 24 * 3600);
    QCOMPARE(history.data(view, AuditEntryModel::TimeTextRole).toString(),
             AuditText::localTime(when));

    // The second record was downloaded, the third never opened.
    history.open(m_liamRecords.at(1), QStringLiteral("liam-note-1.txt"));
    QTRY_VERIFY_WITH_TIMEOUT(!history.isBusy() && history.isLoaded(), kTimeoutMs);
    QCOMPARE(column(history, AuditEntryModel::ActionRole),
             QStringList{QStringLiteral("record.downloaded")});
    history.open(m_liamRecords.at(2), QStringLiteral("liam-note-2.txt"));
    QTRY_VERIFY_WITH_TIMEOUT(!history.isBusy() && history.isLoaded(), kTimeoutMs);
    QCOMPARE(history.count(), 0);

    history.close();
    QVERIFY(history.recordId().isEmpty());
    QCOMPARE(history.count(), 0);
}

void TestAuditScreens::accessHistoryOfOthersForbidden()
{
    // Mia can open Liam's record but may not read who else did.
    AccessHistory history;
    history.setController(m_mia.get());
    history.open(m_liamRecords.at(0), QStringLiteral("liam-note-0.txt"));
    QTRY_VERIFY_WITH_TIMEOUT(!history.isBusy(), kTimeoutMs);
    QVERIFY2(history.errorString().startsWith(QStringLiteral("You are not allowed to read who "
                                                             "opened this record")),
             qPrintable(history.errorString()));
    QCOMPARE(history.count(), 0);

    // The administrator may.
    AccessHistory admin;
    admin.setController(m_admin.get());
    admin.open(m_liamRecords.at(0), QStringLiteral("liam-note-0.txt"));
    QTRY_VERIFY_WITH_TIMEOUT(!admin.isBusy() && admin.isLoaded(), kTimeoutMs);
    QCOMPARE(admin.count(), 1);
}

void TestAuditScreens::chartBuckets()
{
    AuditViewModel audit;
    audit.setController(m_admin.get());
    ActivityChart chart;
    chart.setController(m_admin.get());
    chart.setFilterSource(&audit);

    // Without a period: the last 30 UTC days, the last one today, empty days included.
    chart.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!chart.isBusy(), kTimeoutMs);
    QVERIFY2(chart.errorString().isEmpty(), qPrintable(chart.errorString()));
    QVERIFY(chart.isLoaded());
    QCOMPARE(chart.count(), 30);
    const QModelIndex last = chart.index(chart.count() - 1);
    QCOMPARE(chart.data(last, ActivityChart::StartRole).toDateTime().date(),
             QDateTime::currentDateTimeUtc().date());
    QCOMPARE(chart.data(chart.index(0), ActivityChart::CountRole).toInt(), 0);
    const int todayCount = chart.data(last, ActivityChart::CountRole).toInt();
    QVERIFY(todayCount > 0);
    QCOMPARE(chart.total(), todayCount);
    QCOMPARE(chart.maxCount(), todayCount);
    const QVariantList segments = chart.data(last, ActivityChart::SegmentsRole).toList();
    QCOMPARE(segments.size(), ActivityChart::kCategoryCount);
    int sum = 0;
    for (const QVariant& segment : segments)
        sum += segment.toInt();
    QCOMPARE(sum, todayCount);
    // Mia's view and download; the uploads; the sign-ins; the team changes.
    QCOMPARE(segments.at(int(ActivityChart::Category::RecordAccess)).toInt(), 2);
    QCOMPARE(segments.at(int(ActivityChart::Category::RecordChanges)).toInt(), kLiamRecords + 1);
    QVERIFY(segments.at(int(ActivityChart::Category::SignIns)).toInt() >= 5);
    QVERIFY(segments.at(int(ActivityChart::Category::Administration)).toInt() >= 2);
    QVERIFY(!chart.periodText().isEmpty());
    QVERIFY(chart.data(last, ActivityChart::DescriptionRole).toString().contains(
        QString::number(todayCount)));

    // The list's filters apply to the chart.
    audit.setAction(QStringLiteral("record.uploaded"));
    chart.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!chart.isBusy(), kTimeoutMs);
    QCOMPARE(chart.total(), kLiamRecords + 1);

    // Weeks: twelve of them, today's in the last.
    audit.setAction({});
    chart.setBucket(QStringLiteral("week"));
    chart.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!chart.isBusy(), kTimeoutMs);
    QVERIFY2(chart.errorString().isEmpty(), qPrintable(chart.errorString()));
    QVERIFY(chart.count() >= 12 && chart.count() <= 13);
    QVERIFY(chart.total() >= todayCount);
    const QDateTime lastWeek =
        chart.data(chart.index(chart.count() - 1), ActivityChart::StartRole).toDateTime();
    QVERIFY(lastWeek.daysTo(QDateTime::currentDateTimeUtc()) < 7);

    // A wrong date in the list's filter is named before anything is sent.
    audit.setSince(QStringLiteral("2026-02-30"));
    chart.refresh();
    QVERIFY(!chart.isBusy());
    QVERIFY2(chart.errorString().contains(QStringLiteral("2026-02-30")),
             qPrintable(chart.errorString()));
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestAuditScreens test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestAuditScreens.moc"
