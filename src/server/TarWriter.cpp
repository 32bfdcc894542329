#include "TarWriter.h"

#include "core/ErrorCodes.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace chartinsight::server {

// libarchive's write callback: every byte it produces goes to the writer's output buffer.
struct TarWriterOutput
{
    static la_ssize_t append(struct archive*, void* writer, const void* buffer, size_t length)
    {
        static_cast<TarWriter*>(writer)->m_output.append(static_cast<const char*>(buffer),
                                                         qsizetype(length));
        return la_ssize_t(length);
    }
};

namespace {

// tar members are stored with this mode: the files hold health data of their owner only.
constexpr int kMemberMode = 0600;

struct EntryDeleter
{
    void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

} // namespace

TarWriter::TarWriter()
{
    m_archive = archive_write_new();
    if (!m_archive) {
        m_setupError = QStringLiteral("libarchive could not allocate a writer");
        return;
    }
    // Without blocking, each write reaches the output at once and the archive ends right
    // after its two zero blocks instead of being padded to a 10 KiB record.
    if (archive_write_set_format_pax_restricted(m_archive) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(m_archive, 0) != ARCHIVE_OK ||
        archive_write_open2(m_archive, this, nullptr, &TarWriterOutput::append, nullptr,
                            nullptr) != ARCHIVE_OK) {
        m_setupError = QString::fromUtf8(archive_error_string(m_archive));
    }
}

TarWriter::~TarWriter()
{
    if (m_archive)
        archive_write_free(m_archive);
}

Error TarWriter::archiveError(const QString& step) const
{
    const char* detail = m_archive ? archive_error_string(m_archive) : nullptr;
    return makeError(QString::fromLatin1(errc::kInternal),
                     QStringLiteral("Writing the tar archive failed at %1: %2")
                         .arg(step, detail ? QString::fromUtf8(detail)
                                           : QStringLiteral("unknown libarchive error")));
}

Result<void> TarWriter::beginFile(const QString& path, qint64 size, qint64 modifiedMs)
{
    if (!m_setupError.isEmpty())
        return makeError(QString::fromLatin1(errc::kInternal), m_setupError);
    if (m_finished || m_memberRemaining != 0) {
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("A tar member was started before the previous one was "
                                        "complete (%1 bytes missing).")
                             .arg(m_memberRemaining));
    }
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    if (!entry)
        return archiveError(QStringLiteral("allocating an entry"));
    archive_entry_set_pathname_utf8(entry.get(), path.toUtf8().constData());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), kMemberMode);
    archive_entry_set_size(entry.get(), size);
    archive_entry_set_mtime(entry.get(), time_t(modifiedMs / 1000),
                            long((modifiedMs % 1000) * 1000000));
    if (archive_write_header(m_archive, entry.get()) != ARCHIVE_OK)
        return archiveError(QStringLiteral("the header of a member"));
    m_memberRemaining = size;
    return {};
}

Result<void> TarWriter::writeData(const char* data, qsizetype size)
{
    if (size > m_memberRemaining) {
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("%1 bytes were written to a tar member that has room for "
                                        "%2 more.")
                             .arg(size)
                             .arg(m_memberRemaining));
    }
    qsizetype written = 0;
    while (written < size) {
        const la_ssize_t count =
            archive_write_data(m_archive, data + written, size_t(size - written));
        if (count <= 0)
            return archiveError(QStringLiteral("the data of a member"));
        written += qsizetype(count);
    }
    m_memberRemaining -= size;
    return {};
}

Result<void> TarWriter::addFile(const QString& path, const QByteArray& content,
                                qint64 modifiedMs)
{
    if (auto begun = beginFile(path, content.size(), modifiedMs); !begun)
        return begun;
    return writeData(content.constData(), content.size());
}

Result<void> TarWriter::finish()
{
    if (m_memberRemaining != 0) {
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("The tar archive was closed with %1 bytes of its last "
                                        "member missing.")
                             .arg(m_memberRemaining));
    }
    if (m_finished)
        return {};
    if (archive_write_close(m_archive) != ARCHIVE_OK)
        return archiveError(QStringLiteral("the end of the archive"));
    m_finished = true;
    return {};
}

QByteArray TarWriter::takeOutput()
{
    QByteArray output;
    output.swap(m_output);
    return output;
}

} // namespace chartinsight::server
