#include "scan/ScanSession.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QLocale>
#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

Q_LOGGING_CATEGORY(lcLibclamav, "chartinsight.scan.libclamav", QtInfoMsg)

namespace chartinsight::scan {

namespace {

constexpr qint64 kMebibyte = 1024 * 1024;
// libclamav 1.4.6 stops a zip member once the bytes written pass CL_ENGINE_MAX_FILESIZE, so a
// truncated member ends within one 8 KiB output buffer of the limit. The margin also covers
// the larger buffers of other extractors.
constexpr qint64 kTruncationMargin = kMebibyte;
// Apart from the last one, a progress report follows at least 1 % of the input and at least
// 1 MiB of newly read bytes.
constexpr qint64 kProgressStep = kMebibyte;
constexpr int kProgressSteps = 100;
// The first 100 libclamav messages are logged, then every 1000th, each with its running count.
constexpr quint64 kMessagesLoggedInFull = 100;
constexpr quint64 kMessageLogInterval = 1000;

qint64 saturatingAdd(qint64 a, quint64 b)
{
    const quint64 room = static_cast<quint64>(std::numeric_limits<qint64>::max() - a);
    return b > room ? std::numeric_limits<qint64>::max() : a + static_cast<qint64>(b);
}

qint64 expansionBudget(const ScanLimits& limits, qint64 inputSize)
{
    const qint64 ratio = std::max(limits.expansionRatio, 0);
    const qint64 scaled = ratio > 0 && inputSize > std::numeric_limits<qint64>::max() / ratio
                              ? std::numeric_limits<qint64>::max()
                              : ratio * inputSize;
    return std::max(limits.expansionFloor, scaled);
}

// Live sessions by the descriptor that serves as their fmap handle. The pread callback only
// gets the handle, and the message callback gets a context that must be checked before use.
struct SessionRegistry
{
    QMutex mutex;
    QHash<int, ScanSession*> byDescriptor;
};

SessionRegistry& registry()
{
    static SessionRegistry instance;
    return instance;
}

// Creates an empty file with no name whose modification time is the epoch, for use as an fmap
// handle. Returns -1 and sets `error` on failure.
int createEpochDescriptor(QString* error)
{
#ifdef Q_OS_LINUX
    const int fd = memfd_create("chartinsight-scan-handle", MFD_CLOEXEC);
#else
    QByteArray pattern = QFile::encodeName(QDir::tempPath()) + "/chartinsight-scan-XXXXXX";
    const int fd = mkstemp(pattern.data());
    if (fd >= 0) {
        unlink(pattern.constData());
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
#endif
    if (fd < 0) {
        *error = QStringLiteral("creating the descriptor that libclamav reads through failed: %1")
                     .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return -1;
    }
    const struct timespec epoch[2] = {{0, 0}, {0, 0}};
    if (futimens(fd, epoch) != 0) {
        *error = QStringLiteral("setting the time of libclamav's read descriptor failed: %1")
                     .arg(QString::fromLocal8Bit(std::strerror(errno)));
        close(fd);
        return -1;
    }
    return fd;
}

// The function name that starts a libclamav message ("cli_scanxz: ..."), or "libclamav" when
// the message does not start with one. Only this part is logged: the rest can name files.
QByteArray messageSource(const char* message)
{
    const QByteArray text(message ? message : "");
    const qsizetype colon = text.indexOf(':');
    if (colon <= 0 || colon > 64)
        return QByteArrayLiteral("libclamav");
    const QByteArray name = text.left(colon);
    const bool identifier = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
    return identifier ? name : QByteArrayLiteral("libclamav");
}

} // namespace

ScanSession::ScanSession(const ScanLimits& limits, qint64 inputSize, const ReadAtFunction& readAt,
                         const ProgressFunction& progress)
    : m_limits(limits), m_inputSize(inputSize),
      m_expansionBudget(expansionBudget(limits, inputSize)),
      m_truncationSize(limits.maxFileSize - std::min(kTruncationMargin, limits.maxFileSize / 4)),
      m_readAt(readAt), m_progress(progress)
{
}

ScanSession::~ScanSession()
{
    if (m_map)
        cl_fmap_close(m_map);
    if (m_handleDescriptor >= 0) {
        {
            QMutexLocker lock(&registry().mutex);
            registry().byDescriptor.remove(m_handleDescriptor);
        }
        close(m_handleDescriptor);
    }
}

void ScanSession::registerCallbacks(cl_engine* engine)
{
    cl_engine_set_clcb_pre_cache(engine, &ScanSession::inspectDescriptor);
    cl_engine_set_clcb_meta(engine, &ScanSession::inspectMember);
}

cl_fmap_t* ScanSession::openMap()
{
    QString error;
    m_handleDescriptor = createEpochDescriptor(&error);
    if (m_handleDescriptor < 0) {
        failRead(error);
        return nullptr;
    }
    {
        QMutexLocker lock(&registry().mutex);
        registry().byDescriptor.insert(m_handleDescriptor, this);
    }
    void* handle = reinterpret_cast<void*>(static_cast<intptr_t>(m_handleDescriptor));
    // Aging lets libclamav drop pages it has read, so memory stays far below the input size.
    m_map = cl_fmap_open_handle(handle, 0, static_cast<size_t>(m_inputSize),
                                &ScanSession::readCallback, 1);
    if (!m_map)
        failRead(
            QStringLiteral("libclamav could not map %1 of input").arg(formatBytes(m_inputSize)));
    return m_map;
}

off_t ScanSession::readCallback(void* handle, void* buffer, size_t count, off_t offset)
{
    const int descriptor = static_cast<int>(reinterpret_cast<intptr_t>(handle));
    ScanSession* session = nullptr;
    {
        QMutexLocker lock(&registry().mutex);
        session = registry().byDescriptor.value(descriptor, nullptr);
    }
    if (!session) {
        errno = EBADF;
        return -1;
    }
    const qint64 wanted = static_cast<qint64>(
        std::min<size_t>(count, static_cast<size_t>(std::numeric_limits<qint64>::max())));
    return session->read(static_cast<char*>(buffer), wanted, static_cast<qint64>(offset));
}

off_t ScanSession::read(char* buffer, qint64 count, qint64 offset)
{
    if (offset < 0 || count < 0) {
        errno = EINVAL;
        return -1;
    }
    if (offset >= m_inputSize)
        return 0;
    const qint64 wanted = std::min(count, m_inputSize - offset);
    qint64 done = 0;
    while (done < wanted) {
        qint64 got = -1;
        try {
            got = m_readAt(buffer + done, wanted - done, offset + done);
        } catch (...) {
            // An exception must not unwind through libclamav's C frames.
            got = -1;
        }
        if (got < 0 || got > wanted - done) {
            failRead(QStringLiteral("reading %1 at offset %2 failed")
                         .arg(formatBytes(wanted - done))
                         .arg(offset + done));
            errno = EIO;
            return -1;
        }
        if (got == 0) {
            failRead(QStringLiteral("the input ended at byte %1 of %2")
                         .arg(offset + done)
                         .arg(m_inputSize));
            errno = EIO;
            return -1;
        }
        done += got;
    }
    m_readEnd = std::max(m_readEnd, offset + done);
    reportProgress(false);
    return static_cast<off_t>(done);
}

void ScanSession::failRead(const QString& reason)
{
    if (m_readError.isEmpty())
        m_readError = reason;
}

void ScanSession::reportProgress(bool force)
{
    if (!m_progress || m_readEnd == m_reportedEnd)
        return;
    const qint64 step = std::max(kProgressStep, m_inputSize / kProgressSteps);
    if (!force && m_reportedEnd >= 0 && m_readEnd - m_reportedEnd < step)
        return;
    m_reportedEnd = m_readEnd;
    try {
        m_progress(m_readEnd, m_inputSize);
    } catch (...) {
        // A failing progress report must not stop the scan or unwind through libclamav.
    }
}

void ScanSession::finishProgress()
{
    reportProgress(true);
}

cl_error_t ScanSession::inspectDescriptor(int fd, const char*, void* context)
{
    // libclamav passes the context given to cl_scanmap_callback, which is always a session.
    return static_cast<ScanSession*>(context)->admitDescriptor(fd);
}

cl_error_t ScanSession::inspectMember(const char* containerType, unsigned long containerSize,
                                      const char*, unsigned long declaredSize, int,
                                      unsigned int position, void* context)
{
    return static_cast<ScanSession*>(context)->admitMember(containerType, containerSize,
                                                           declaredSize, position);
}

// Checks an archive member against the budgets with the size its archive declares, before
// libclamav extracts it, so an honest bomb is stopped without inflating anything. A member
// that understates its size is caught by admitDescriptor after extraction.
cl_error_t ScanSession::admitMember(const char* containerType, quint64 containerSize,
                                    quint64 declaredSize, unsigned int position)
{
    const std::string type(containerType ? containerType : "");
    if (position == m_lastPosition && containerSize == m_lastContainerSize &&
        declaredSize == m_lastDeclaredSize && type == m_lastContainerType)
        return CL_CLEAN;
    m_lastContainerType = type;
    m_lastContainerSize = containerSize;
    m_lastDeclaredSize = declaredSize;
    m_lastPosition = position;

    // NOTE: libclamav 1.4.6 clears a growing record array for every empty zip member. So a zip of
    // empty members costs time quadratic in their number before this count stops it. Reaching
    // 10,000 took about 7.5 s on a 2-core Debian 12 VM, and a lower maxFiles shortens that.
    ++m_declaredMembers;
    if (m_declaredMembers > m_limits.maxFiles)
        return stop(QStringLiteral("it contains more than %1 files").arg(m_limits.maxFiles));
    if (const cl_error_t rc = checkExtractedSize(declaredSize, m_declaredBytes); rc != CL_CLEAN)
        return rc;
    m_declaredBytes = saturatingAdd(m_declaredBytes, declaredSize);
    return CL_CLEAN;
}

// Counts and checks a file that libclamav extracted, by its descriptor, before libclamav scans
// it. Every extracted layer in libclamav 1.4.6 is a temporary file with a descriptor.
cl_error_t ScanSession::admitDescriptor(int fd)
{
    if (fd < 0 || fd == m_handleDescriptor)
        return CL_CLEAN; // the input, or a layer within it
    struct stat status = {};
    if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode))
        return CL_CLEAN;
    const auto identity = std::make_tuple(
        static_cast<quint64>(status.st_dev), static_cast<quint64>(status.st_ino),
        static_cast<qint64>(status.st_size), static_cast<qint64>(status.st_mtim.tv_sec),
        static_cast<qint64>(status.st_mtim.tv_nsec));
    if (!m_admittedFiles.insert(identity).second)
        return CL_CLEAN; // a layer within a file already counted

    const quint64 size = static_cast<quint64>(status.st_size);
    if (const cl_error_t rc = checkExtractedSize(size, m_extractedBytes); rc != CL_CLEAN)
        return rc;
    ++m_extractedFiles;
    m_extractedBytes = saturatingAdd(m_extractedBytes, size);
    if (m_extractedFiles > m_limits.maxFiles)
        return stop(QStringLiteral("it contains more than %1 files").arg(m_limits.maxFiles));
    return CL_CLEAN;
}

// Checks that one more file of `size` bytes, after `extractedBytes` extracted before it,
// stays within the per-file limit, the expansion budget and the total scan size.
cl_error_t ScanSession::checkExtractedSize(quint64 size, qint64 extractedBytes)
{
    if (size >= static_cast<quint64>(m_truncationSize))
        return stop(
            QStringLiteral("a file in it is %1, which reaches the per-file limit of %2 "
                           "beyond which libclamav does not scan")
                .arg(formatBytes(saturatingAdd(0, size)), formatBytes(m_limits.maxFileSize)));
    const qint64 total = saturatingAdd(extractedBytes, size);
    if (total > m_expansionBudget)
        return stop(QStringLiteral("its content expands to more than %1, the limit for an input "
                                   "of %2")
                        .arg(formatBytes(m_expansionBudget), formatBytes(m_inputSize)));
    if (saturatingAdd(m_inputSize, static_cast<quint64>(total)) > m_limits.maxScanSize)
        return stop(QStringLiteral("its content adds up to more than the total scan limit of %1")
                        .arg(formatBytes(m_limits.maxScanSize)));
    return CL_CLEAN;
}

cl_error_t ScanSession::stop(const QString& reason)
{
    if (m_limitReason.isEmpty())
        m_limitReason = reason;
    // CL_VIRUS makes libclamav stop the whole scan. The recorded reason turns it into
    // Incomplete for the caller.
    return CL_VIRUS;
}

ScanSession* ScanSession::fromContext(void* context)
{
    if (!context)
        return nullptr;
    QMutexLocker lock(&registry().mutex);
    for (ScanSession* session : std::as_const(registry().byDescriptor)) {
        if (session == context)
            return session;
    }
    return nullptr;
}

void ScanSession::messageCallback(enum cl_msg severity, const char*, const char* message,
                                  void* context)
{
    if (severity != CL_MSG_WARN && severity != CL_MSG_ERROR)
        return;
    const QByteArray source = messageSource(message);
    // libclamav's page reader reports failures only through this message, and the scan then
    // continues without the pages it could not read.
    if (ScanSession* session = fromContext(context); session && source.startsWith("fmap"))
        session->failRead(QStringLiteral("libclamav could not read part of it (%1 failed)")
                              .arg(QString::fromLatin1(source)));

    static std::atomic<quint64> s_messageCount{0};
    const quint64 count = ++s_messageCount;
    if (count > kMessagesLoggedInFull && count % kMessageLogInterval != 0)
        return;
    const char* level = severity == CL_MSG_ERROR ? "an error" : "a warning";
    // The message text is withheld because it can contain archive member and file names.
    qCWarning(lcLibclamav, "libclamav reported %s in %s (message %llu since start)", level,
              source.constData(), static_cast<unsigned long long>(count));
}

QString ScanSession::formatBytes(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

} // namespace chartinsight::scan
