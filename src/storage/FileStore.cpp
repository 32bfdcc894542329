#include "FileStore.h"

#include "core/ErrorCodes.h"
#include "core/RecordInfo.h"
#include "crypto/KeyWrap.h"
#include "crypto/Random.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chartinsight::storage {
namespace {

Q_LOGGING_CATEGORY(lcFileStore, "chartinsight.storage.filestore")

constexpr mode_t kFolderMode = S_IRWXU; // 0700
constexpr char kPartSuffix[] = ".part";

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

Error ioError(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kIo), message);
}

constexpr qsizetype kUuidLength = 36;

// Object ids become file names, so only the canonical UUID form passes. The length check also
// rejects a trailing newline, which the "$" anchor of isValidRecordId's pattern lets through.
bool isValidObjectId(const QString& objectId)
{
    return objectId.size() == kUuidLength && isValidRecordId(objectId);
}

Error invalidIdError(const QString& objectId)
{
    return makeError(QString::fromLatin1(errc::kInvalidRequest),
                     QStringLiteral("The object id \"%1\" is invalid: expected a lower-case UUID "
                                    "such as 123e4567-e89b-42d3-a456-426614174000.")
                         .arg(objectId.left(64)));
}

// Creates `path` with mode 0700 if it is missing, and sets 0700 on an existing folder whatever
// the umask was. Returns 0 or an errno value.
int ensureFolder(const QString& path, bool* created = nullptr)
{
    const QByteArray encoded = QFile::encodeName(path);
    const bool made = ::mkdir(encoded.constData(), kFolderMode) == 0;
    if (!made && errno != EEXIST)
        return errno;
    if (created)
        *created = made;
    struct stat status = {};
    if (::lstat(encoded.constData(), &status) != 0)
        return errno;
    if (!S_ISDIR(status.st_mode))
        return ENOTDIR;
    if ((status.st_mode & 07777) != kFolderMode && ::chmod(encoded.constData(), kFolderMode) != 0)
        return errno;
    return 0;
}

// Flushes a file or folder entry to disk. Returns 0 or an errno value.
int syncPath(const QString& path, bool isFolder)
{
    const int flags = O_RDONLY | O_CLOEXEC | (isFolder ? O_DIRECTORY : 0);
    const int fd = ::open(QFile::encodeName(path).constData(), flags);
    if (fd < 0)
        return errno;
    int error = 0;
    if (::fsync(fd) != 0)
        error = errno;
    ::close(fd);
    return error;
}

// Renames without replacing an existing file. Returns 0 or an errno value.
int renameNoReplace(const QString& from, const QString& to)
{
    const QByteArray source = QFile::encodeName(from);
    const QByteArray target = QFile::encodeName(to);
    if (::renameat2(AT_FDCWD, source.constData(), AT_FDCWD, target.constData(), RENAME_NOREPLACE) ==
        0) {
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS)
        return errno;
    // Some file systems lack RENAME_NOREPLACE. Ids are random UUIDs, so an existing target
    // means a bug, and checking first is enough to keep it from being replaced.
    if (::access(target.constData(), F_OK) == 0)
        return EEXIST;
    return ::rename(source.constData(), target.constData()) == 0 ? 0 : errno;
}

} // namespace

FileStore::FileStore(QString rootDir) : m_rootDir(std::move(rootDir)) {}

Result<void> FileStore::initialize()
{
    if (!QDir().mkpath(m_rootDir)) {
        return ioError(QStringLiteral("Creating the file store folder %1 failed. Check that its "
                                      "parent folder exists and is writable.")
                           .arg(m_rootDir));
    }
    for (const QString& folder : {m_rootDir, objectsDir(), tmpDir()}) {
        if (const int error = ensureFolder(folder)) {
            return ioError(QStringLiteral("Preparing the file store folder %1 failed: %2.")
                               .arg(folder, errnoText(error)));
        }
    }

    // A .part file is an upload that never committed (a crash or a rejected upload whose
    // removal failed). Its data key was never stored, so the ciphertext is unreadable and is only
    // deleted.
    const QDir tmp(tmpDir());
    const QStringList leftovers = tmp.entryList({QStringLiteral("*") + QLatin1String(kPartSuffix)},
                                                QDir::Files | QDir::Hidden);
    int removed = 0;
    int failed = 0;
    for (const QString& name : leftovers) {
        if (::unlink(QFile::encodeName(tmp.filePath(name)).constData()) == 0 || errno == ENOENT)
            ++removed;
        else
            ++failed;
    }
    if (removed > 0) {
        qCInfo(lcFileStore, "Removed %d unfinished uploads from the temporary folder", removed);
        if (const int error = syncPath(tmpDir(), true))
            qCWarning(lcFileStore, "Flushing the temporary folder failed: %s",
                      std::strerror(error));
    }
    if (failed > 0) {
        return ioError(QStringLiteral("Removing %1 unfinished uploads from %2 failed. Check the "
                                      "folder's owner and permissions.")
                           .arg(failed)
                           .arg(tmpDir()));
    }
    return {};
}

Result<std::unique_ptr<PendingObject>> FileStore::begin()
{
    return begin(crypto::randomUuid(), crypto::randomBytes(crypto::kKeySize));
}

Result<std::unique_ptr<PendingObject>> FileStore::begin(const QString& objectId,
                                                        const QByteArray& dataKey)
{
    if (!isValidObjectId(objectId))
        return invalidIdError(objectId);
    if (contains(objectId)) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The object %1 already exists; start a new object with "
                                        "a new random id.")
                             .arg(objectId));
    }
    auto object = std::make_unique<PendingObject>();
    object->objectId = objectId;
    object->dataKey = dataKey;
    object->tempPath = pendingPath(object->objectId);

    auto writer = crypto::EncryptingWriter::create(object->tempPath, object->dataKey);
    if (!writer)
        return writer.error();
    object->writer = std::move(writer.value());
    return object;
}

Result<std::unique_ptr<crypto::DecryptingReader>>
FileStore::openPending(const PendingObject& object)
{
    if (!isValidObjectId(object.objectId))
        return invalidIdError(object.objectId);
    if (object.committed) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The object %1 is already committed; open it with open().")
                             .arg(object.objectId));
    }
    if (object.writer && !object.writer->isFinished()) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The object %1 is still being written; call finish() on "
                                        "its writer first.")
                             .arg(object.objectId));
    }
    return crypto::DecryptingReader::open(pendingPath(object.objectId), object.dataKey);
}

Result<void> FileStore::commit(PendingObject& object)
{
    if (!isValidObjectId(object.objectId))
        return invalidIdError(object.objectId);
    if (object.committed)
        return {};
    if (!object.writer || !object.writer->isFinished()) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The object %1 cannot be committed before its writer has "
                                        "finished.")
                             .arg(object.objectId));
    }

    const QString source = pendingPath(object.objectId);
    const QString target = objectPath(object.objectId);
    const QString folder = QFileInfo(target).path();
    bool folderCreated = false;
    if (const int error = ensureFolder(folder, &folderCreated)) {
        return ioError(QStringLiteral("Creating the object folder %1 failed: %2.")
                           .arg(folder, errnoText(error)));
    }
    if (const int error = renameNoReplace(source, target)) {
        return ioError(QStringLiteral("Moving the object %1 into the store failed: %2.")
                           .arg(object.objectId, errnoText(error)));
    }
    object.writer.reset();

    // EncryptingWriter::finish() already flushed the file's content, so the rename is durable
    // once the target folder is flushed, which also commits the removal from tmp/ on
    // journaling file systems. A stale tmp/ entry left by a crash is removed by initialize().
    // A new two-digit folder also needs its own entry in objects/ flushed. Each fsync costs
    // about 10-20 ms on the CI machine's disk, which dominates small uploads.
    QStringList folders{folder};
    if (folderCreated)
        folders << objectsDir();
    for (const QString& path : std::as_const(folders)) {
        if (const int error = syncPath(path, true)) {
            // An object that may not survive a power loss is not committed: the caller gets an
            // error and stores no reference to it, so the file is removed.
            ::unlink(QFile::encodeName(target).constData());
            return ioError(QStringLiteral("Flushing the object %1 to disk failed: %2. The "
                                          "object was not stored.")
                               .arg(object.objectId, errnoText(error)));
        }
    }
    object.committed = true;
    qCDebug(lcFileStore, "Committed object %s", qUtf8Printable(object.objectId));
    return {};
}

void FileStore::discard(PendingObject& object)
{
    if (object.committed)
        return;
    // An unfinished writer removes its own file when destroyed.
    object.writer.reset();
    if (!isValidObjectId(object.objectId))
        return;
    const QString path = pendingPath(object.objectId);
    if (::unlink(QFile::encodeName(path).constData()) != 0 && errno != ENOENT) {
        const int error = errno;
        qCWarning(lcFileStore, "Removing the temporary file of object %s failed: %s",
                  qUtf8Printable(object.objectId), std::strerror(error));
    }
}

Result<std::unique_ptr<crypto::DecryptingReader>> FileStore::open(const QString& objectId,
                                                                  const QByteArray& dataKey)
{
    if (!isValidObjectId(objectId))
        return invalidIdError(objectId);
    if (!contains(objectId)) {
        return makeError(QString::fromLatin1(errc::kNotFound),
                         QStringLiteral("The object %1 is not in the file store.").arg(objectId));
    }
    return crypto::DecryptingReader::open(objectPath(objectId), dataKey);
}

Result<void> FileStore::remove(const QString& objectId)
{
    if (!isValidObjectId(objectId))
        return invalidIdError(objectId);
    const QString path = objectPath(objectId);
    if (::unlink(QFile::encodeName(path).constData()) != 0) {
        const int error = errno;
        if (error == ENOENT) {
            return makeError(
                QString::fromLatin1(errc::kNotFound),
                QStringLiteral("The object %1 is not in the file store.").arg(objectId));
        }
        return ioError(
            QStringLiteral("Removing the object %1 failed: %2.").arg(objectId, errnoText(error)));
    }
    if (const int error = syncPath(QFileInfo(path).path(), true)) {
        return ioError(QStringLiteral("Flushing the removal of object %1 to disk failed: %2.")
                           .arg(objectId, errnoText(error)));
    }
    return {};
}

bool FileStore::contains(const QString& objectId) const
{
    if (!isValidObjectId(objectId))
        return false;
    struct stat status = {};
    return ::stat(QFile::encodeName(objectPath(objectId)).constData(), &status) == 0 &&
           S_ISREG(status.st_mode);
}

QString FileStore::objectPath(const QString& objectId) const
{
    return objectsDir() + u'/' + objectId.left(2) + u'/' + objectId;
}

QString FileStore::pendingPath(const QString& objectId) const
{
    return tmpDir() + u'/' + objectId + QLatin1String(kPartSuffix);
}

QString FileStore::objectsDir() const
{
    return m_rootDir + QStringLiteral("/objects");
}

QString FileStore::tmpDir() const
{
    return m_rootDir + QStringLiteral("/tmp");
}

} // namespace chartinsight::storage
