#include "core/ErrorCodes.h"
#include "scan/Scanner.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QMutex>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

using namespace chartinsight;
using namespace chartinsight::scan;

Q_DECLARE_METATYPE(chartinsight::scan::Verdict)

namespace QTest {
template <>
char* toString(const Verdict& verdict)
{
    const char* names[] = {"Clean", "Infected", "Incomplete", "Encrypted", "Failed"};
    return qstrdup(names[static_cast<int>(verdict)]);
}
} // namespace QTest

namespace {

// Peak resident memory allowed during one scan of a bomb, far below the 1 GiB that one of its
// members expands to.
constexpr qint64 kPeakMemoryBound = 512LL * 1024 * 1024;
constexpr char kIncompleteWording[] = "could not be fully scanned";

// Resets the kernel's peak resident set size (VmHWM) of this process; Linux 4.0 and later.
bool resetPeakMemory()
{
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    return clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
}

// Returns VmHWM from /proc/self/status in bytes, or -1.
qint64 peakMemory()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    static const QRegularExpression line(QStringLiteral("^VmHWM:\\s+(\\d+) kB$"),
                                         QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = line.match(QString::fromLatin1(status.readAll()));
    return match.hasMatch() ? match.captured(1).toLongLong() * 1024 : -1;
}

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Log lines captured while a test runs, to check them for planted values.
QMutex s_logMutex;
QStringList s_logLines;

void captureMessage(QtMsgType, const QMessageLogContext& context, const QString& message)
{
    QMutexLocker lock(&s_logMutex);
    s_logLines.append(QString::fromLatin1(context.category ? context.category : "") +
                      QLatin1Char(' ') + message);
}

} // namespace

class TestScanner : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void loadsTestSignatures();
    void loadRejectsUnusableFolder_data();
    void loadRejectsUnusableFolder();
    void loadRejectsMissingTempDir();
    void loadRejectsInvalidLimits();
    void detectsDemoSignatures();
    void signatureDirectoryPrecedence_data();
    void signatureDirectoryPrecedence();

    void scanVerdicts_data();
    void scanVerdicts();
    void errorCodes_data();
    void errorCodes();

    void c11BombZip();
    void c11NestedZip();
    void c11ManyFiles();
    void c11TailZip_data();
    void c11TailZip();
    void c11UnderstatedSize();
    void c11TruncatedMember();
    void c11GzipBomb();
    void deepNestingIncomplete();
    void inputOverFileLimit();
    void largeArchiveMembersScanned();

    void readerReportsProgress();
    void readerErrorFails();
    void readerShortInputFails();
    void missingFileFails();
    void concurrentScans();
    void logsOmitFileNames();

private:
    QString archive(const QString& name) const { return m_archives.filePath(name); }
    QStringList tempEntries() const;
    std::shared_ptr<Scanner> loadScanner(const ScanLimits& limits);
    void verifyIncomplete(const Scanner& scanner, const QString& name);

    QTemporaryDir m_work;
    QDir m_archives;
    QString m_tempDir;
    std::shared_ptr<Scanner> m_scanner;
};

void TestScanner::initTestCase()
{
    QVERIFY(m_work.isValid());
    QVERIFY2(QFileInfo::exists(test::testSignatureDir()),
             "test signatures missing: run ctest -R make_test_signatures first");

    m_archives = QDir(m_work.filePath(QStringLiteral("archives")));
    const QString script =
        test::sourceDir() + QStringLiteral("/tests/support/make-scan-archives.py");
    const test::ProcessOutput generated = test::runProcess(QStringLiteral("/usr/bin/python3"),
                                                           {script, m_archives.path()}, {}, 300000);
    QVERIFY2(generated.exitCode == 0, generated.standardError.constData());
    QVERIFY(writeFile(archive(QStringLiteral("eicar.com")), test::eicarBytes()));
    QVERIFY(writeFile(archive(QStringLiteral("clean.txt")), "Follow-up visit in six weeks.\n"));
    QVERIFY(writeFile(archive(QStringLiteral("empty.txt")), QByteArray()));

    m_tempDir = m_work.filePath(QStringLiteral("scan-tmp"));
    QVERIFY(QDir().mkpath(m_tempDir));
    m_scanner = loadScanner(ScanLimits{});
    QVERIFY(m_scanner);
}

QStringList TestScanner::tempEntries() const
{
    return QDir(m_tempDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

std::shared_ptr<Scanner> TestScanner::loadScanner(const ScanLimits& limits)
{
    auto loaded = Scanner::load(test::testSignatureDir(), limits, m_tempDir);
    if (!loaded) {
        qWarning("%s", qPrintable(loaded.error().message));
        return nullptr;
    }
    return loaded.value();
}

// Scans an archive that must be rejected as not fully scanned, and checks that the scan's
// peak memory stayed bounded and that libclamav left no file behind.
void TestScanner::verifyIncomplete(const Scanner& scanner, const QString& name)
{
    QVERIFY(resetPeakMemory());
    const ScanResult result = scanner.scanFile(archive(name));
    const qint64 peak = peakMemory();
    qInfo("peak resident memory during the scan: %lld MiB", peak / (1024 * 1024));

    QCOMPARE(result.verdict, Verdict::Incomplete);
    QVERIFY2(result.message.contains(QLatin1String(kIncompleteWording)),
             qPrintable(result.message));
    QVERIFY2(!result.message.contains(QLatin1String("malware found")), qPrintable(result.message));
    QCOMPARE(result.toError().code, QString::fromLatin1(errc::kScanIncomplete));
    QVERIFY2(peak > 0 && peak < kPeakMemoryBound,
             qPrintable(QStringLiteral("peak memory %1 bytes").arg(peak)));
    QVERIFY2(tempEntries().isEmpty(), qPrintable(tempEntries().join(QLatin1Char(' '))));
}

void TestScanner::loadsTestSignatures()
{
    QVERIFY(m_scanner->signatureCount() > 0);
    QCOMPARE(m_scanner->signatureDir(), test::testSignatureDir());
    QVERIFY(!m_scanner->usesDemoSignatures());
}

void TestScanner::loadRejectsUnusableFolder_data()
{
    QTest::addColumn<QString>("folder");

    const QString base = m_work.filePath(QStringLiteral("folders"));
    QTest::newRow("missing") << base + QStringLiteral("/missing");

    QDir().mkpath(base + QStringLiteral("/empty"));
    QTest::newRow("empty") << base + QStringLiteral("/empty");

    QDir().mkpath(base + QStringLiteral("/broken"));
    writeFile(base + QStringLiteral("/broken/broken.ndb"), "Broken-Signature:0:*\n");
    QTest::newRow("broken ndb line") << base + QStringLiteral("/broken");

    QDir().mkpath(base + QStringLiteral("/unrelated"));
    writeFile(base + QStringLiteral("/unrelated/README.txt"), "not a signature database\n");
    QTest::newRow("no database files") << base + QStringLiteral("/unrelated");

    writeFile(base + QStringLiteral("/plain-file"), "a file, not a folder\n");
    QTest::newRow("file instead of folder") << base + QStringLiteral("/plain-file");
}

void TestScanner::loadRejectsUnusableFolder()
{
    QFETCH(QString, folder);
    const auto loaded = Scanner::load(folder, ScanLimits{}, m_tempDir);
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().code, QString::fromLatin1(errc::kScannerUnavailable));
    QVERIFY2(loaded.error().message.contains(folder), qPrintable(loaded.error().message));
    QVERIFY2(loaded.error().message.contains(QLatin1String("freshclam")),
             qPrintable(loaded.error().message));
    QVERIFY2(loaded.error().message.contains(QLatin1String("--signatures")),
             qPrintable(loaded.error().message));
    QVERIFY2(loaded.error().message.contains(QLatin1String("CHARTINSIGHT_SIGNATURES")),
             qPrintable(loaded.error().message));
}

void TestScanner::loadRejectsMissingTempDir()
{
    const QString missing = m_work.filePath(QStringLiteral("no-such-tmp"));
    const auto loaded = Scanner::load(test::testSignatureDir(), ScanLimits{}, missing);
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().code, QString::fromLatin1(errc::kScannerUnavailable));
    QVERIFY2(loaded.error().message.contains(missing), qPrintable(loaded.error().message));
}

void TestScanner::loadRejectsInvalidLimits()
{
    ScanLimits limits;
    limits.maxFiles = 0;
    const auto loaded = Scanner::load(test::testSignatureDir(), limits, m_tempDir);
    QVERIFY(!loaded.ok());
    QVERIFY2(loaded.error().message.contains(QLatin1String("maxFiles")),
             qPrintable(loaded.error().message));
}

void TestScanner::detectsDemoSignatures()
{
    const QString demo = m_work.filePath(QStringLiteral("demo-signatures"));
    QVERIFY(QDir().mkpath(demo));
    const QDir source(test::testSignatureDir());
    QVERIFY(QFile::copy(source.filePath(QStringLiteral("chartinsight-test.hdb")),
                        demo + QStringLiteral("/chartinsight-demo.hdb")));
    QVERIFY(QFile::copy(source.filePath(QStringLiteral("chartinsight-test.ndb")),
                        demo + QStringLiteral("/chartinsight-demo.ndb")));

    const auto loaded = Scanner::load(demo, ScanLimits{}, m_tempDir);
    QVERIFY(loaded.ok());
    QVERIFY(loaded.value()->usesDemoSignatures());
    QCOMPARE(loaded.value()->scanFile(archive(QStringLiteral("eicar.com"))).verdict,
             Verdict::Infected);
}

void TestScanner::signatureDirectoryPrecedence_data()
{
    QTest::addColumn<QString>("argument");
    QTest::addColumn<QString>("environment");
    QTest::addColumn<QString>("expected");
    QTest::newRow("argument first") << "/opt/sigs-argument"
                                    << "/opt/sigs-env"
                                    << "/opt/sigs-argument";
    QTest::newRow("environment second") << ""
                                        << "/opt/sigs-env"
                                        << "/opt/sigs-env";
    QTest::newRow("default last") << ""
                                  << ""
                                  << "/var/lib/clamav";
}

void TestScanner::signatureDirectoryPrecedence()
{
    QFETCH(QString, argument);
    QFETCH(QString, environment);
    QFETCH(QString, expected);

    const QByteArray saved = qgetenv("CHARTINSIGHT_SIGNATURES");
    const bool wasSet = qEnvironmentVariableIsSet("CHARTINSIGHT_SIGNATURES");
    if (environment.isEmpty())
        qunsetenv("CHARTINSIGHT_SIGNATURES");
    else
        qputenv("CHARTINSIGHT_SIGNATURES", environment.toUtf8());

    const QString chosen = Scanner::signatureDirectory(argument);

    if (wasSet)
        qputenv("CHARTINSIGHT_SIGNATURES", saved);
    else
        qunsetenv("CHARTINSIGHT_SIGNATURES");
    QCOMPARE(chosen, expected);
}

void TestScanner::scanVerdicts_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<Verdict>("expected");
    QTest::addColumn<QString>("signature"); // expected part of the signature name

    QTest::newRow("eicar plain") << "eicar.com" << Verdict::Infected << "chartinsight-test-eicar";
    QTest::newRow("eicar in zip") << "eicar.zip" << Verdict::Infected << "chartinsight-test-eicar";
    QTest::newRow("ordinary zip") << "ordinary.zip" << Verdict::Clean << "";
    QTest::newRow("clean pdf") << "clean.pdf" << Verdict::Clean << "";
    QTest::newRow("clean text") << "clean.txt" << Verdict::Clean << "";
    QTest::newRow("empty file") << "empty.txt" << Verdict::Clean << "";
    QTest::newRow("encrypted eicar zip")
        << "encrypted-eicar.zip" << Verdict::Encrypted << "Heuristics.Encrypted.Zip";
    QTest::newRow("encrypted clean zip")
        << "encrypted-clean.zip" << Verdict::Encrypted << "Heuristics.Encrypted.Zip";
}

void TestScanner::scanVerdicts()
{
    QFETCH(QString, file);
    QFETCH(Verdict, expected);
    QFETCH(QString, signature);

    const ScanResult result = m_scanner->scanFile(archive(file));
    QCOMPARE(result.verdict, expected);
    QVERIFY2(result.signature.contains(signature, Qt::CaseInsensitive),
             qPrintable(result.signature));
    QCOMPARE(result.message.isEmpty(), expected == Verdict::Clean);
    if (expected == Verdict::Infected)
        QVERIFY2(result.message.contains(QStringLiteral("malware found: ") + result.signature),
                 qPrintable(result.message));
    QVERIFY2(tempEntries().isEmpty(), qPrintable(tempEntries().join(QLatin1Char(' '))));
}

void TestScanner::errorCodes_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("wording");

    QTest::newRow("infected") << "eicar.com" << errc::kMalwareDetected << "malware found: ";
    QTest::newRow("incomplete") << "bomb.zip" << errc::kScanIncomplete << kIncompleteWording;
    QTest::newRow("encrypted") << "encrypted-clean.zip" << errc::kEncryptedContent
                               << "is encrypted";
    QTest::newRow("failed") << "no-such-file" << errc::kScannerUnavailable
                            << "could not be scanned";
}

void TestScanner::errorCodes()
{
    QFETCH(QString, file);
    QFETCH(QString, code);
    QFETCH(QString, wording);

    const Error error = m_scanner->scanFile(archive(file)).toError();
    QCOMPARE(error.code, code);
    QVERIFY2(error.message.contains(wording), qPrintable(error.message));
    QVERIFY2(error.message.contains(file), qPrintable(error.message));
}

// A 1 MB zip that expands to 1 GiB of zeros.
void TestScanner::c11BombZip()
{
    verifyIncomplete(*m_scanner, QStringLiteral("bomb.zip"));
}

// Zips of zips that expand to 256 GiB.
void TestScanner::c11NestedZip()
{
    verifyIncomplete(*m_scanner, QStringLiteral("nested.zip"));
}

// 20,000 empty members, more than maxFiles. libclamav 1.4.6 skips empty members without
// counting them, so without the member count the verdict would be clean.
void TestScanner::c11ManyFiles()
{
    verifyIncomplete(*m_scanner, QStringLiteral("many.zip"));
}

void TestScanner::c11TailZip_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("EICAR after zeros in one member") << "tail-same-member.zip";
    QTest::newRow("EICAR in a member after zeros") << "tail-second-member.zip";
}

// EICAR behind 1 GiB of zeros. Rejected before the zeros are inflated: an upload that big
// relative to its size is not scanned at all, so it cannot pass as clean.
void TestScanner::c11TailZip()
{
    QFETCH(QString, file);
    verifyIncomplete(*m_scanner, file);
}

// The zip declares 1000 bytes for its 256 MiB member, so only the size that libclamav extracts
// shows the expansion.
void TestScanner::c11UnderstatedSize()
{
    verifyIncomplete(*m_scanner, QStringLiteral("understated.zip"));
}

// With the expansion budget out of the way, the 256 MiB member with EICAR at its end is cut at
// maxFileSize by libclamav, which would then report the part it kept as clean.
void TestScanner::c11TruncatedMember()
{
    ScanLimits limits;
    limits.maxFileSize = 32LL * 1024 * 1024;
    limits.expansionFloor = 8LL * 1024 * 1024 * 1024;
    const auto scanner = loadScanner(limits);
    QVERIFY(scanner);
    verifyIncomplete(*scanner, QStringLiteral("understated.zip"));
}

// gzip has no member list, so libclamav inflates the whole stream before the extracted size
// can be checked.
void TestScanner::c11GzipBomb()
{
    verifyIncomplete(*m_scanner, QStringLiteral("bomb.gz"));
}

void TestScanner::deepNestingIncomplete()
{
    verifyIncomplete(*m_scanner, QStringLiteral("deep.zip"));
}

void TestScanner::inputOverFileLimit()
{
    ScanLimits limits;
    limits.maxFileSize = 1024 * 1024;
    const auto scanner = loadScanner(limits);
    QVERIFY(scanner);
    verifyIncomplete(*scanner, QStringLiteral("ordinary.zip"));
}

// A 30 MB zip whose EICAR shows only when a deflated member is extracted. libclamav 1.4.6
// treats every fmap handle as a file descriptor on some reads of large inputs. Given a handle
// that is not one, it skipped the members and reported such a zip clean.
void TestScanner::largeArchiveMembersScanned()
{
    const ScanResult result = m_scanner->scanFile(archive(QStringLiteral("large-tail.zip")));
    QCOMPARE(result.verdict, Verdict::Infected);
    QVERIFY2(
        result.signature.contains(QLatin1String("chartinsight-test-eicar"), Qt::CaseInsensitive),
        qPrintable(result.signature));
}

void TestScanner::readerReportsProgress()
{
    const QByteArray content = readFile(archive(QStringLiteral("ordinary.zip")));
    QVERIFY(!content.isEmpty());
    const ReadAtFunction readAt = [&content](char* buffer, qint64 count, qint64 offset) {
        const qint64 available = std::min<qint64>(count, content.size() - offset);
        std::memcpy(buffer, content.constData() + offset, static_cast<size_t>(available));
        return available;
    };
    std::vector<std::pair<qint64, qint64>> reports;
    const ProgressFunction progress = [&reports](qint64 done, qint64 total) {
        reports.emplace_back(done, total);
    };

    const ScanResult result =
        m_scanner->scanReader(content.size(), readAt, QStringLiteral("ordinary.zip"), progress);
    QCOMPARE(result.verdict, Verdict::Clean);
    QVERIFY(!reports.empty());
    QVERIFY2(reports.size() <= 102, qPrintable(QString::number(reports.size())));
    QCOMPARE(reports.back().first, qint64(content.size()));
    for (size_t i = 0; i < reports.size(); ++i) {
        QCOMPARE(reports[i].second, qint64(content.size()));
        if (i > 0)
            QVERIFY(reports[i].first > reports[i - 1].first);
    }
}

void TestScanner::readerErrorFails()
{
    const ReadAtFunction failing = [](char*, qint64, qint64) { return qint64(-1); };
    const ScanResult result = m_scanner->scanReader(4096, failing, QStringLiteral("upload.bin"));
    QCOMPARE(result.verdict, Verdict::Failed);
    QVERIFY2(result.message.contains(QLatin1String("could not be scanned")),
             qPrintable(result.message));
    QCOMPARE(result.toError().code, QString::fromLatin1(errc::kScannerUnavailable));
}

void TestScanner::readerShortInputFails()
{
    const QByteArray content(500, 'a');
    const ReadAtFunction shortReader = [&content](char* buffer, qint64 count, qint64 offset) {
        const qint64 available = std::max<qint64>(0, std::min<qint64>(count, 500 - offset));
        std::memcpy(buffer, content.constData(), static_cast<size_t>(available));
        return available;
    };
    const ScanResult result = m_scanner->scanReader(1000, shortReader, QStringLiteral("short.txt"));
    QCOMPARE(result.verdict, Verdict::Failed);
    QVERIFY2(result.message.contains(QLatin1String("ended at byte 500")),
             qPrintable(result.message));
}

void TestScanner::missingFileFails()
{
    const ScanResult result = m_scanner->scanFile(archive(QStringLiteral("no-such-file")));
    QCOMPARE(result.verdict, Verdict::Failed);
    QVERIFY2(result.message.contains(QLatin1String("opening it failed")),
             qPrintable(result.message));
}

// One compiled engine serves several scans at once, each with its own budgets.
void TestScanner::concurrentScans()
{
    const QStringList files = {QStringLiteral("eicar.zip"), QStringLiteral("ordinary.zip"),
                               QStringLiteral("bomb.zip"), QStringLiteral("large-tail.zip")};
    const std::vector<Verdict> expected = {Verdict::Infected, Verdict::Clean, Verdict::Incomplete,
                                           Verdict::Infected};
    constexpr int kRounds = 3;
    std::vector<Verdict> verdicts(files.size() * kRounds, Verdict::Failed);
    std::vector<std::thread> threads;
    for (qsizetype i = 0; i < files.size(); ++i) {
        threads.emplace_back([&, i] {
            for (int round = 0; round < kRounds; ++round)
                verdicts[i * kRounds + round] = m_scanner->scanFile(archive(files[i])).verdict;
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    for (qsizetype i = 0; i < files.size(); ++i) {
        for (int round = 0; round < kRounds; ++round)
            QCOMPARE(verdicts[i * kRounds + round], expected[i]);
    }
}

// Scan outcomes are logged with counts and signature names only, never the file's name.
void TestScanner::logsOmitFileNames()
{
    const QString planted = QStringLiteral("Patient-Jane-Doe-4471");
    {
        QMutexLocker lock(&s_logMutex);
        s_logLines.clear();
    }
    QLoggingCategory::setFilterRules(QStringLiteral("chartinsight.*.debug=true"));
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);

    const QStringList files = {QStringLiteral("eicar.zip"), QStringLiteral("bomb.zip"),
                               QStringLiteral("encrypted-eicar.zip"),
                               QStringLiteral("ordinary.zip")};
    for (const QString& file : files) {
        const QByteArray content = readFile(archive(file));
        const ReadAtFunction readAt = [&content](char* buffer, qint64 count, qint64 offset) {
            const qint64 available = std::min<qint64>(count, content.size() - offset);
            std::memcpy(buffer, content.constData() + offset, static_cast<size_t>(available));
            return available;
        };
        const ScanResult result =
            m_scanner->scanReader(content.size(), readAt, planted + QStringLiteral(".zip"));
        QVERIFY(result.verdict == Verdict::Clean || result.message.contains(planted));
    }

    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());
    QMutexLocker lock(&s_logMutex);
    QVERIFY(!s_logLines.isEmpty());
    for (const QString& line : std::as_const(s_logLines))
        QVERIFY2(!line.contains(planted), qPrintable(line));
}

QTEST_GUILESS_MAIN(TestScanner)
#include "TestScanner.moc"
