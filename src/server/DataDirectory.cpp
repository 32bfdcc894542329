#include "DataDirectory.h"

#include "ServerLog.h"
#include "core/ErrorCodes.h"
#include "crypto/Random.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chartinsight::server {
namespace {

constexpr qsizetype kDatabaseKeyBytes = 32;
constexpr qsizetype kDatabaseKeyHexLength = 2 * kDatabaseKeyBytes;
constexpr mode_t kPrivateFolderMode = 0700;
constexpr mode_t kSecretFileMode = 0600;

Error storageError(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kStorage), message);
}

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

Result<void> makePrivateFolder(const QString& path)
{
    const QByteArray native = QFile::encodeName(path);
    if (::mkdir(native.constData(), kPrivateFolderMode) == 0)
        return {};
    if (errno != EEXIST) {
        return storageError(QStringLiteral("Cannot create the folder %1: %2. Check that the parent "
                                           "folder exists and is writable.")
                                .arg(path, systemError()));
    }
    struct stat status = {};
    if (::lstat(native.constData(), &status) != 0 || !S_ISDIR(status.st_mode)) {
        return storageError(QStringLiteral("%1 exists but is not a folder; move it away and start "
                                           "again.")
                                .arg(path));
    }
    return {};
}

bool writeAll(int fd, const QByteArray& data)
{
    qsizetype written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + written, size_t(data.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        written += n;
    }
    return true;
}

} // namespace

DataDirectory::DataDirectory(QString rootPath) : m_rootPath(QDir::cleanPath(std::move(rootPath))) {}

QString DataDirectory::databasePath() const
{
    return m_rootPath + QStringLiteral("/chartinsight.db");
}
QString DataDirectory::databaseKeyPath() const
{
    return m_rootPath + QStringLiteral("/db.key");
}
QString DataDirectory::storePath() const
{
    return m_rootPath + QStringLiteral("/store");
}
QString DataDirectory::tempPath() const
{
    return m_rootPath + QStringLiteral("/tmp");
}
QString DataDirectory::tlsPath() const
{
    return m_rootPath + QStringLiteral("/tls");
}
QString DataDirectory::certificatePath() const
{
    return tlsPath() + QStringLiteral("/server.crt");
}
QString DataDirectory::privateKeyPath() const
{
    return tlsPath() + QStringLiteral("/server.key");
}

Result<void> DataDirectory::create()
{
    const QFileInfo info(m_rootPath);
    if (!info.exists()) {
        const QString parent = info.absolutePath();
        if (!QDir().mkpath(parent)) {
            return storageError(QStringLiteral("Cannot create the folder %1 for the data folder; "
                                               "check the path and its permissions.")
                                    .arg(parent));
        }
        return makePrivateFolder(m_rootPath);
    }
    if (!info.isDir()) {
        return storageError(
            QStringLiteral("--data-dir %1 is not a folder; name a folder.").arg(m_rootPath));
    }
    struct stat status = {};
    if (::stat(QFile::encodeName(m_rootPath).constData(), &status) == 0 &&
        (status.st_mode & 077) != 0) {
        qCWarning(lcServer).noquote()
            << "the data folder" << m_rootPath << "can be opened by other users (mode"
            << QString::number(status.st_mode & 0777, 8) << "); run chmod 700 on it";
    }
    return {};
}

Result<void> DataDirectory::createSubfolder(const QString& path)
{
    return makePrivateFolder(path);
}

Result<void> DataDirectory::resetTempFolder()
{
    // Checked without following links: emptying a linked folder would delete files elsewhere.
    struct stat status = {};
    if (::lstat(QFile::encodeName(tempPath()).constData(), &status) == 0 &&
        !S_ISDIR(status.st_mode)) {
        return storageError(QStringLiteral("%1 is not a folder (it may be a symbolic link); remove "
                                           "it and start again.")
                                .arg(tempPath()));
    }
    QDir temp(tempPath());
    if (temp.exists() && !temp.removeRecursively()) {
        return storageError(QStringLiteral("Cannot empty the temporary folder %1; check its "
                                           "permissions.")
                                .arg(tempPath()));
    }
    return makePrivateFolder(tempPath());
}

Result<QByteArray> DataDirectory::loadOrCreateDatabaseKey()
{
    const QByteArray keyPath = QFile::encodeName(databaseKeyPath());
    struct stat status = {};
    if (::lstat(keyPath.constData(), &status) == 0)
        return readDatabaseKey();

    if (QFileInfo::exists(databasePath())) {
        return storageError(
            QStringLiteral("The database %1 exists but its key file %2 is missing. "
                           "Restore the key file, or set CHARTINSIGHT_DB_KEY to the "
                           "database's key.")
                .arg(databasePath(), databaseKeyPath()));
    }

    const int fd = ::open(keyPath.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                          kSecretFileMode);
    if (fd < 0) {
        if (errno == EEXIST) // another process (add-user or a second server) created it first
            return readDatabaseKey();
        return storageError(QStringLiteral("Cannot create the key file %1: %2.")
                                .arg(databaseKeyPath(), systemError()));
    }
    const QByteArray key = crypto::randomBytes(kDatabaseKeyBytes);
    const bool written = writeAll(fd, key.toHex()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
        ::unlink(keyPath.constData());
        return storageError(QStringLiteral("Cannot write the key file %1: %2. Check free disk "
                                           "space.")
                                .arg(databaseKeyPath(), systemError()));
    }
    const int folder =
        ::open(QFile::encodeName(m_rootPath).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder >= 0) {
        ::fsync(folder);
        ::close(folder);
    }
    qCInfo(lcServer) << "created a new database key file";
    return key;
}

Result<QByteArray> DataDirectory::readDatabaseKey() const
{
    const QString path = databaseKeyPath();
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return storageError(
            QStringLiteral("Cannot open the key file %1: %2.").arg(path, systemError()));
    }
    struct stat status = {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(fd);
        return storageError(QStringLiteral("The key file %1 is not a regular file.").arg(path));
    }
    if ((status.st_mode & 077) != 0) {
        ::close(fd);
        return storageError(QStringLiteral("The key file %1 can be read by other users (mode %2); "
                                           "run chmod 600 on it and start again.")
                                .arg(path, QString::number(status.st_mode & 0777, 8)));
    }
    char buffer[kDatabaseKeyHexLength + 16] = {};
    ssize_t total = 0;
    for (;;) {
        const ssize_t n = ::read(fd, buffer + total, sizeof buffer - size_t(total));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        total += n;
        if (total == ssize_t(sizeof buffer))
            break;
    }
    ::close(fd);

    const QByteArray hex = QByteArray(buffer, qsizetype(total)).trimmed();
    static const QRegularExpression hexKey(QStringLiteral("^[0-9a-fA-F]{64}$"));
    if (!hexKey.match(QString::fromLatin1(hex)).hasMatch()) {
        return storageError(QStringLiteral("The key file %1 does not contain 64 hex characters. "
                                           "Restore it from a backup.")
                                .arg(path));
    }
    return QByteArray::fromHex(hex);
}

Result<QByteArray> DataDirectory::databaseKey(const std::optional<QByteArray>& givenKey)
{
    if (givenKey)
        return *givenKey;
    return loadOrCreateDatabaseKey();
}

DataDirectory::~DataDirectory()
{
    if (m_lockFd >= 0)
        ::close(m_lockFd); // closing the descriptor releases the flock
}

Result<void> DataDirectory::lockForServing()
{
    const QString path = m_rootPath + QStringLiteral("/serve.lock");
    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        return makeError(QString::fromLatin1(errc::kStorage),
                         QStringLiteral("Cannot open the lock file %1: %2. Check the data "
                                        "folder's owner and permissions.")
                             .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        ::close(fd);
        if (error == EWOULDBLOCK) {
            return makeError(QString::fromLatin1(errc::kStorage),
                             QStringLiteral("Another chartinsight-server is already serving the "
                                            "data folder %1. Stop it first, or give this server "
                                            "another --data-dir.")
                                 .arg(m_rootPath));
        }
        return makeError(QString::fromLatin1(errc::kStorage),
                         QStringLiteral("Cannot lock %1: %2.")
                             .arg(path, QString::fromLocal8Bit(std::strerror(error))));
    }
    m_lockFd = fd;
    return {};
}

} // namespace chartinsight::server
