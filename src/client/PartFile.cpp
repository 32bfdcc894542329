#include "PartFile.h"

#include "core/ErrorCodes.h"

#include <QDir>
#include <QFileInfo>

#include <filesystem>
#include <system_error>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace chartinsight::client {

PartFile::PartFile(QString outputPath, QString partPath)
    : m_outputPath(std::move(outputPath)), m_partPath(std::move(partPath)), m_file(m_partPath)
{
}

PartFile::~PartFile()
{
    if (!m_done)
        discard();
}

Result<std::unique_ptr<PartFile>> PartFile::create(const QString& outputPath)
{
    const QFileInfo output(outputPath);
    if (outputPath.isEmpty() || output.isDir()) {
        return makeError(QString::fromLatin1(errc::kIo),
                         QStringLiteral("The output '%1' is a folder or empty: give a file "
                                        "name.")
                             .arg(outputPath));
    }
    if (!output.absoluteDir().exists()) {
        return makeError(QString::fromLatin1(errc::kIo),
                         QStringLiteral("The output folder %1 does not exist: create it first.")
                             .arg(output.absolutePath()));
    }
    const QString absolute = output.absoluteFilePath();
    std::unique_ptr<PartFile> part(new PartFile(absolute, absolute + QStringLiteral(".part")));
    // A .part file left by an interrupted download is ours to replace. Removing it first and
    // then creating with NewOnly (O_EXCL) never follows a symbolic link planted in its place.
    QFile::remove(part->m_partPath);
    if (!part->m_file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                           QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        part->m_done = true; // nothing was created, so there is nothing to delete
        return part->ioError(QStringLiteral("create"));
    }
    return part;
}

Error PartFile::ioError(const QString& action) const
{
    return makeError(QString::fromLatin1(errc::kIo),
                     QStringLiteral("Could not %1 the temporary file %2: %3. Check that the "
                                    "folder is writable and the disk is not full.")
                         .arg(action, m_partPath, m_file.errorString()));
}

Result<void> PartFile::write(const QByteArray& data)
{
    if (m_file.write(data) != data.size())
        return ioError(QStringLiteral("write"));
    return {};
}

Result<void> PartFile::flush()
{
    if (!m_file.flush())
        return ioError(QStringLiteral("write"));
    return {};
}

Result<void> PartFile::commit()
{
    if (!m_file.flush())
        return ioError(QStringLiteral("write"));
#ifdef Q_OS_UNIX
    if (::fsync(m_file.handle()) != 0)
        return ioError(QStringLiteral("flush"));
#endif
    m_file.close();
    std::error_code error;
    std::filesystem::rename(std::filesystem::path(m_partPath.toStdU16String()),
                            std::filesystem::path(m_outputPath.toStdU16String()), error);
    if (error) {
        return makeError(
            QString::fromLatin1(errc::kIo),
            QStringLiteral("Could not rename %1 to %2: %3.")
                .arg(m_partPath, m_outputPath, QString::fromStdString(error.message())));
    }
    m_done = true;
    return {};
}

void PartFile::discard()
{
    m_done = true;
    m_file.close();
    QFile::remove(m_partPath);
}

} // namespace chartinsight::client
