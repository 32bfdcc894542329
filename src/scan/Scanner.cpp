#include "scan/Scanner.h"

#include "core/ErrorCodes.h"
#include "scan/ScanSession.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <clamav.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcScanner, "chartinsight.scan.scanner", QtInfoMsg)

namespace chartinsight::scan {

namespace {

constexpr char kDefaultSignatureDir[] = "/var/lib/clamav";
constexpr char kSignatureDirVariable[] = "CHARTINSIGHT_SIGNATURES";
constexpr char kDemoFilePattern[] = "chartinsight-demo.*";
constexpr char kInstallHint[] =
    "Install signatures with `apt-get install clamav-freshclam` and then run `freshclam`, or "
    "point to a folder of signatures with --signatures or CHARTINSIGHT_SIGNATURES.";

// libclamav names the alerts of CL_SCAN_HEURISTIC_EXCEEDS_MAX and of the encryption
// heuristics with these prefixes (libclamav 1.4.6).
constexpr char kLimitHeuristicPrefix[] = "Heuristics.Limits.Exceeded.";
constexpr char kEncryptedHeuristicPrefix[] = "Heuristics.Encrypted.";

// A scan's verdict and reason, before they are worded for a person. `reason` never contains the
// input's name, so it may be logged.
struct Outcome
{
    Verdict verdict = Verdict::Failed;
    QString signature;
    QString reason;
};

Error unavailable(const QString& problem)
{
    return makeError(QString::fromLatin1(errc::kScannerUnavailable),
                     problem + QLatin1Char(' ') + QLatin1String(kInstallHint));
}

// Runs cl_init once per process. The message callback goes first so that libclamav never
// writes its own lines, which can name files, to stderr.
cl_error_t initializeLibclamav()
{
    static std::once_flag s_once;
    static cl_error_t s_result = CL_ERROR;
    std::call_once(s_once, [] {
        cl_set_clcb_msg(&ScanSession::messageCallback);
        s_result = cl_init(CL_INIT_DEFAULT);
    });
    return s_result;
}

Result<void> validateLimits(const ScanLimits& limits)
{
    const auto invalid = [](const char* field, qint64 value) {
        return makeError(QString::fromLatin1(errc::kScannerUnavailable),
                         QStringLiteral("invalid scan limit %1 = %2: it must be positive.")
                             .arg(QLatin1String(field))
                             .arg(value));
    };
    if (limits.maxFileSize <= 0)
        return invalid("maxFileSize", limits.maxFileSize);
    if (limits.maxScanSize <= 0)
        return invalid("maxScanSize", limits.maxScanSize);
    if (limits.maxRecursion <= 0)
        return invalid("maxRecursion", limits.maxRecursion);
    if (limits.maxFiles <= 0)
        return invalid("maxFiles", limits.maxFiles);
    if (limits.expansionFloor <= 0)
        return invalid("expansionFloor", limits.expansionFloor);
    if (limits.expansionRatio <= 0)
        return invalid("expansionRatio", limits.expansionRatio);
    return {};
}

// Checks the folder before cl_load, so that the message can name the problem.
Result<void> checkSignatureFolder(const QString& folder)
{
    const QFileInfo info(folder);
    if (folder.isEmpty())
        return unavailable(QStringLiteral("No signature folder is set."));
    if (!info.exists())
        return unavailable(QStringLiteral("The signature folder %1 does not exist.").arg(folder));
    if (!info.isDir())
        return unavailable(QStringLiteral("%1 is not a folder of signatures.").arg(folder));
    if (!info.isReadable())
        return unavailable(QStringLiteral("The signature folder %1 is not readable.").arg(folder));
    if (QDir(folder).entryList(QDir::Files | QDir::Readable).isEmpty())
        return unavailable(QStringLiteral("The signature folder %1 is empty.").arg(folder));
    return {};
}

Result<void> applyLimits(cl_engine* engine, const ScanLimits& limits)
{
    struct Setting
    {
        cl_engine_field field;
        long long value;
        const char* name;
    };
    // libclamav's own scan-size limit is off (0): RAR, OLE2 and other extractors shrink a
    // member to the scan size left without an alert. ScanSession enforces maxScanSize instead.
    const Setting settings[] = {
        {CL_ENGINE_MAX_FILESIZE, limits.maxFileSize, "CL_ENGINE_MAX_FILESIZE"},
        {CL_ENGINE_MAX_SCANSIZE, 0, "CL_ENGINE_MAX_SCANSIZE"},
        {CL_ENGINE_MAX_RECURSION, limits.maxRecursion, "CL_ENGINE_MAX_RECURSION"},
        {CL_ENGINE_MAX_FILES, limits.maxFiles, "CL_ENGINE_MAX_FILES"},
        // Without the clean-file cache libclamav reads the input once instead of hashing it
        // first, and no verdict depends on what an earlier scan left in the cache.
        {CL_ENGINE_DISABLE_CACHE, 1, "CL_ENGINE_DISABLE_CACHE"},
    };
    for (const Setting& setting : settings) {
        const cl_error_t rc = cl_engine_set_num(engine, setting.field, setting.value);
        if (rc != CL_SUCCESS)
            return makeError(QString::fromLatin1(errc::kScannerUnavailable),
                             QStringLiteral("setting libclamav's %1 to %2 failed: %3.")
                                 .arg(QLatin1String(setting.name))
                                 .arg(setting.value)
                                 .arg(QString::fromLatin1(cl_strerror(rc))));
    }
    return {};
}

QString limitHeuristicReason(const QString& name, const ScanLimits& limits)
{
    const QString limit = name.mid(int(std::strlen(kLimitHeuristicPrefix)));
    QString reason;
    if (limit == QLatin1String("MaxFileSize"))
        reason = QStringLiteral("a file in it is larger than the per-file limit of %1")
                     .arg(ScanSession::formatBytes(limits.maxFileSize));
    else if (limit == QLatin1String("MaxScanSize"))
        reason = QStringLiteral("its content adds up to more than the total scan limit of %1")
                     .arg(ScanSession::formatBytes(limits.maxScanSize));
    else if (limit == QLatin1String("MaxFiles"))
        reason = QStringLiteral("it contains more than %1 files").arg(limits.maxFiles);
    else if (limit == QLatin1String("MaxRecursion"))
        reason = QStringLiteral("it nests archives or embedded files more than %1 levels deep")
                     .arg(limits.maxRecursion);
    else if (limit == QLatin1String("MaxScanTime"))
        reason = QStringLiteral("scanning it took longer than libclamav's time limit");
    else
        reason = QStringLiteral("libclamav stopped at one of its limits");
    return reason + QStringLiteral(" (%1)").arg(name);
}

Outcome classify(cl_error_t rc, const char* virusName, const ScanSession& session,
                 const ScanLimits& limits)
{
    // A budget breach ends the scan with CL_VIRUS and a callback's name, so it comes first.
    if (session.limitExceeded())
        return {Verdict::Incomplete, QString(), session.limitReason()};
    if (rc == CL_VIRUS) {
        const QString name = QString::fromUtf8(virusName ? virusName : "");
        if (name.startsWith(QLatin1String(kLimitHeuristicPrefix)))
            return {Verdict::Incomplete, name, limitHeuristicReason(name, limits)};
        if (name.startsWith(QLatin1String(kEncryptedHeuristicPrefix)))
            return {Verdict::Encrypted, name, name};
        return {Verdict::Infected, name, name};
    }
    if (session.readFailed())
        return {Verdict::Failed, QString(), session.readError()};
    // CL_VERIFIED marks a file that a trusted-hash (.fp) signature allows.
    if (rc == CL_CLEAN || rc == CL_VERIFIED)
        return {Verdict::Clean, QString(), QString()};
    if (rc == CL_ETIMEOUT)
        return {Verdict::Incomplete, QString(),
                QStringLiteral("scanning it took longer than libclamav's time limit")};
    return {Verdict::Failed, QString(),
            QStringLiteral("libclamav returned error %1 (%2)")
                .arg(int(rc))
                .arg(QString::fromLatin1(cl_strerror(rc)))};
}

QString subjectFor(const QString& displayName)
{
    return displayName.isEmpty() ? QStringLiteral("The file")
                                 : QStringLiteral("\"%1\"").arg(displayName);
}

ScanResult makeResult(const Outcome& outcome, const QString& displayName)
{
    const QString subject = subjectFor(displayName);
    ScanResult result;
    result.verdict = outcome.verdict;
    result.signature = outcome.signature;
    switch (outcome.verdict) {
    case Verdict::Clean:
        break;
    case Verdict::Infected:
        result.message =
            QStringLiteral("%1 was rejected: malware found: %2.").arg(subject, outcome.signature);
        break;
    case Verdict::Incomplete:
        result.message = QStringLiteral("%1 could not be fully scanned: %2. It was rejected "
                                        "because the unscanned part could hide malware. "
                                        "Upload its files separately or in smaller archives.")
                             .arg(subject, outcome.reason);
        break;
    case Verdict::Encrypted:
        result.message = QStringLiteral("%1 is encrypted, so its content cannot be scanned (%2). "
                                        "It was rejected. Upload it without a password.")
                             .arg(subject, outcome.signature);
        break;
    case Verdict::Failed:
        result.message = QStringLiteral("%1 could not be scanned: %2. It was rejected. Try "
                                        "again, and check the scanner's log if this persists.")
                             .arg(subject, outcome.reason);
        break;
    }
    return result;
}

const char* verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Clean:
        return "clean";
    case Verdict::Infected:
        return "infected";
    case Verdict::Incomplete:
        return "incomplete";
    case Verdict::Encrypted:
        return "encrypted";
    case Verdict::Failed:
        return "failed";
    }
    return "unknown";
}

// Logs a scan's outcome with sizes and counts. The caller's display name is never logged.
void logOutcome(const Outcome& outcome, qint64 size, qint64 extractedFiles)
{
    const QByteArray reason = outcome.reason.toUtf8();
    if (outcome.verdict == Verdict::Clean) {
        qCDebug(lcScanner, "scan clean: %lld bytes, %lld files extracted", size, extractedFiles);
    } else if (outcome.verdict == Verdict::Failed) {
        qCWarning(lcScanner, "scan failed: %lld bytes: %s", size, reason.constData());
    } else {
        qCInfo(lcScanner, "scan rejected input: verdict %s, %lld bytes, %lld files extracted: %s",
               verdictName(outcome.verdict), size, extractedFiles, reason.constData());
    }
}

ScanResult finish(const Outcome& outcome, qint64 size, qint64 extractedFiles,
                  const QString& displayName)
{
    logOutcome(outcome, size, extractedFiles);
    return makeResult(outcome, displayName);
}

} // namespace

Error ScanResult::toError() const
{
    QString code;
    QString fallback;
    switch (verdict) {
    case Verdict::Clean:
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("A clean scan result has no error."));
    case Verdict::Infected:
        code = QString::fromLatin1(errc::kMalwareDetected);
        fallback = QStringLiteral("The file was rejected: malware found: %1.").arg(signature);
        break;
    case Verdict::Incomplete:
        code = QString::fromLatin1(errc::kScanIncomplete);
        fallback = QStringLiteral("The file could not be fully scanned, so it was rejected.");
        break;
    case Verdict::Encrypted:
        code = QString::fromLatin1(errc::kEncryptedContent);
        fallback = QStringLiteral("The file is encrypted, so its content cannot be scanned.");
        break;
    case Verdict::Failed:
        code = QString::fromLatin1(errc::kScannerUnavailable);
        fallback = QStringLiteral("The file could not be scanned, so it was rejected.");
        break;
    }
    return makeError(code, message.isEmpty() ? fallback : message);
}

Result<std::shared_ptr<Scanner>> Scanner::load(const QString& signatureDir,
                                               const ScanLimits& limits, const QString& tempDir)
{
    if (auto valid = validateLimits(limits); !valid)
        return valid.error();
    if (const cl_error_t rc = initializeLibclamav(); rc != CL_SUCCESS)
        return unavailable(QStringLiteral("Initializing libclamav failed: %1.")
                               .arg(QString::fromLatin1(cl_strerror(rc))));
    if (auto folder = checkSignatureFolder(signatureDir); !folder)
        return folder.error();
    if (!tempDir.isEmpty() && !QFileInfo(tempDir).isDir())
        return makeError(QString::fromLatin1(errc::kScannerUnavailable),
                         QStringLiteral("The scanner's temporary folder %1 does not exist: "
                                        "create it or choose another one.")
                             .arg(tempDir));

    std::shared_ptr<Scanner> scanner(new Scanner);
    scanner->m_engine = cl_engine_new();
    if (!scanner->m_engine)
        return makeError(QString::fromLatin1(errc::kScannerUnavailable),
                         QStringLiteral("Creating a libclamav engine failed (out of memory)."));
    if (!tempDir.isEmpty()) {
        const QByteArray path = QFile::encodeName(tempDir);
        if (const cl_error_t rc =
                cl_engine_set_str(scanner->m_engine, CL_ENGINE_TMPDIR, path.constData());
            rc != CL_SUCCESS)
            return makeError(QString::fromLatin1(errc::kScannerUnavailable),
                             QStringLiteral("Setting libclamav's temporary folder to %1 failed: "
                                            "%2.")
                                 .arg(tempDir, QString::fromLatin1(cl_strerror(rc))));
    }

    unsigned int signatures = 0;
    const QByteArray folder = QFile::encodeName(signatureDir);
    if (const cl_error_t rc =
            cl_load(folder.constData(), scanner->m_engine, &signatures, CL_DB_STDOPT);
        rc != CL_SUCCESS)
        return unavailable(QStringLiteral("Loading the signatures in %1 failed: %2.")
                               .arg(signatureDir, QString::fromLatin1(cl_strerror(rc))));
    if (signatures == 0)
        return unavailable(
            QStringLiteral("The folder %1 contains no signatures.").arg(signatureDir));

    if (auto applied = applyLimits(scanner->m_engine, limits); !applied)
        return applied.error();
    ScanSession::registerCallbacks(scanner->m_engine);
    if (const cl_error_t rc = cl_engine_compile(scanner->m_engine); rc != CL_SUCCESS)
        return unavailable(QStringLiteral("Compiling the signatures in %1 failed: %2.")
                               .arg(signatureDir, QString::fromLatin1(cl_strerror(rc))));

    scanner->m_limits = limits;
    scanner->m_signatureDir = signatureDir;
    scanner->m_signatureCount = signatures;
    scanner->m_demo = !QDir(signatureDir)
                           .entryList({QString::fromLatin1(kDemoFilePattern)}, QDir::Files)
                           .isEmpty();

    qCInfo(lcScanner, "loaded %u signatures from %s", signatures,
           qUtf8Printable(QDir::toNativeSeparators(signatureDir)));
    if (scanner->m_demo)
        qCWarning(lcScanner, "%s", kDemoSignaturesWarning);
    return scanner;
}

Scanner::~Scanner()
{
    if (m_engine)
        cl_engine_free(m_engine);
}

QString Scanner::signatureDirectory(const QString& commandLineValue)
{
    if (!commandLineValue.isEmpty())
        return commandLineValue;
    const QString fromEnvironment = qEnvironmentVariable(kSignatureDirVariable);
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    return QString::fromLatin1(kDefaultSignatureDir);
}

ScanResult Scanner::scanFile(const QString& path, const ProgressFunction& progress) const
{
    const QString name = QFileInfo(path).fileName();
    QFile file(path);
    // QFile's error string names the path, so the outcome, which is logged, gets errno's text.
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return finish({Verdict::Failed, QString(),
                       QStringLiteral("opening it failed: %1")
                           .arg(QString::fromLocal8Bit(std::strerror(errno)))},
                      0, 0, name);
    struct stat status = {};
    if (fstat(file.handle(), &status) != 0 || !S_ISREG(status.st_mode))
        return finish({Verdict::Failed, QString(), QStringLiteral("it is not a regular file")}, 0,
                      0, name);

    const int descriptor = file.handle();
    const ReadAtFunction readAt = [descriptor](char* buffer, qint64 count, qint64 offset) {
        ssize_t got = 0;
        do {
            got = pread(descriptor, buffer, static_cast<size_t>(count), static_cast<off_t>(offset));
        } while (got < 0 && errno == EINTR);
        return static_cast<qint64>(got);
    };
    return scanReader(static_cast<qint64>(status.st_size), readAt, name, progress);
}

ScanResult Scanner::scanReader(qint64 size, const ReadAtFunction& readAt,
                               const QString& displayName, const ProgressFunction& progress) const
{
    if (!m_engine || !readAt || size < 0)
        return finish({Verdict::Failed, QString(),
                       QStringLiteral("the scanner was called without an engine, a reader or a "
                                      "valid size")},
                      size, 0, displayName);
    if (size > m_limits.maxFileSize)
        return finish({Verdict::Incomplete, QString(),
                       QStringLiteral("it is %1, more than the per-file limit of %2")
                           .arg(ScanSession::formatBytes(size),
                                ScanSession::formatBytes(m_limits.maxFileSize))},
                      size, 0, displayName);
    if (size == 0) {
        // Nothing to read, and libclamav cannot map an empty input.
        if (progress)
            progress(0, 0);
        return finish({Verdict::Clean, QString(), QString()}, size, 0, displayName);
    }

    ScanSession session(m_limits, size, readAt, progress);
    cl_fmap_t* map = session.openMap();
    if (!map)
        return finish({Verdict::Failed, QString(), session.readError()}, size, 0, displayName);

    cl_scan_options options = {};
    options.parse = ~0u;
    // Heuristic precedence ends the scan at the first limit or encryption alert: any alert
    // rejects the input, so scanning on would only cost time.
    options.general = CL_SCAN_GENERAL_HEURISTICS | CL_SCAN_GENERAL_HEURISTIC_PRECEDENCE;
    options.heuristic = CL_SCAN_HEURISTIC_EXCEEDS_MAX | CL_SCAN_HEURISTIC_ENCRYPTED_ARCHIVE |
                        CL_SCAN_HEURISTIC_ENCRYPTED_DOC;
    const char* virusName = nullptr;
    unsigned long scanned = 0;
    // The name stays out of libclamav, which could repeat it in a message or a temporary path.
    const cl_error_t rc =
        cl_scanmap_callback(map, nullptr, &virusName, &scanned, m_engine, &options, &session);
    session.finishProgress();

    return finish(classify(rc, virusName, session, m_limits), size, session.extractedFiles(),
                  displayName);
}

} // namespace chartinsight::scan
