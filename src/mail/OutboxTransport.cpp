#include "OutboxTransport.h"

#include "core/ErrorCodes.h"
#include "crypto/Random.h"
#include "mail/HeaderValue.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chartinsight::mail {
namespace {

Q_LOGGING_CATEGORY(lcOutbox, "chartinsight.mail.outbox")

constexpr mode_t kFolderMode = S_IRWXU;         // 0700
constexpr mode_t kFileMode = S_IRUSR | S_IWUSR; // 0600
constexpr qsizetype kTemporaryNameRandomBytes = 8;

Error ioError(const QString& action, const QString& path, int error)
{
    return makeError(QString::fromLatin1(chartinsight::errc::kIo),
                     QStringLiteral("%1 %2 failed: %3. Check that the folder exists, belongs to "
                                    "the server's user and has free space.")
                         .arg(action, path, QString::fromLocal8Bit(std::strerror(error))));
}

// Writes all of `data` to `fd`, retrying after interrupts and partial writes. Returns 0 or an
// errno value.
int writeAll(int fd, const QByteArray& data)
{
    qsizetype written = 0;
    while (written < data.size()) {
        const ssize_t result =
            ::write(fd, data.constData() + written, size_t(data.size() - written));
        if (result < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        written += result;
    }
    return 0;
}

// Makes a rename in `folder` durable. Returns 0 or an errno value.
int syncFolder(const QByteArray& folder)
{
    const int fd = ::open(folder.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    const int result = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return result;
}

// Writes `data` to a new file `path` with mode 0600 and syncs it. Returns 0 or an errno value.
int writeNewFile(const QByteArray& path, const QByteArray& data)
{
    const int fd =
        ::open(path.constData(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, kFileMode);
    if (fd < 0)
        return errno;
    int error = writeAll(fd, data);
    if (error == 0 && ::fsync(fd) != 0)
        error = errno;
    if (::close(fd) != 0 && error == 0)
        error = errno;
    return error;
}

} // namespace

Result<std::unique_ptr<OutboxTransport>> OutboxTransport::create(const QString& folder)
{
    const QString path = QDir::cleanPath(QDir(folder).absolutePath());
    const QByteArray encoded = QFile::encodeName(path);
    if (::mkdir(encoded.constData(), kFolderMode) != 0 && errno != EEXIST)
        return ioError(QStringLiteral("Creating the outbox folder"), path, errno);

    // lstat, so that a symbolic link planted in place of the folder is rejected.
    struct stat status = {};
    if (::lstat(encoded.constData(), &status) != 0)
        return ioError(QStringLiteral("Reading the outbox folder"), path, errno);
    if (!S_ISDIR(status.st_mode))
        return ioError(QStringLiteral("Using the outbox folder"), path, ENOTDIR);
    if ((status.st_mode & 07777) != kFolderMode && ::chmod(encoded.constData(), kFolderMode) != 0)
        return ioError(QStringLiteral("Setting mode 0700 on the outbox folder"), path, errno);
    return std::unique_ptr<OutboxTransport>(new OutboxTransport(path));
}

OutboxTransport::OutboxTransport(QString folder) : m_folder(std::move(folder)) {}

QString OutboxTransport::filePath(const QString& messageId) const
{
    return m_folder + u'/' + messageId + QLatin1String(".eml");
}

Result<void> OutboxTransport::send(const OutgoingMail& mail)
{
    if (auto checked = header::checkMessageId(mail.messageId); !checked)
        return checked;

    const QString finalPath = filePath(mail.messageId);
    // A leading dot and a suffix other than .eml keep readers that list *.eml away from it.
    const QString temporaryPath =
        m_folder + QLatin1String("/.") + mail.messageId + QLatin1String(".eml.") +
        QString::fromLatin1(crypto::randomBytes(kTemporaryNameRandomBytes).toHex()) +
        QLatin1String(".tmp");
    const QByteArray temporary = QFile::encodeName(temporaryPath);

    if (const int error = writeNewFile(temporary, mail.data); error != 0) {
        ::unlink(temporary.constData());
        return ioError(QStringLiteral("Writing the outbox file"), temporaryPath, error);
    }
    if (::rename(temporary.constData(), QFile::encodeName(finalPath).constData()) != 0) {
        const int error = errno;
        ::unlink(temporary.constData());
        return ioError(QStringLiteral("Renaming the outbox file to"), finalPath, error);
    }
    if (const int error = syncFolder(QFile::encodeName(m_folder)); error != 0)
        return ioError(QStringLiteral("Syncing the outbox folder"), m_folder, error);

    qCDebug(lcOutbox, "Wrote mail %s to the outbox", qPrintable(mail.messageId));
    return {};
}

} // namespace chartinsight::mail
