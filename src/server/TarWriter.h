#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

struct archive;

namespace chartinsight::server {

// Writes a tar archive (POSIX pax interchange format, restricted: plain ustar headers unless a
// member needs a long or non-ASCII path) into an in-memory buffer that the caller drains with
// takeOutput() after each step, so an archive of any size is produced with bounded memory.
// Built on libarchive, which pads each member to 512-byte blocks and ends the archive with two
// zero blocks in finish().
class TarWriter
{
public:
    TarWriter();
    ~TarWriter();
    TarWriter(const TarWriter&) = delete;
    TarWriter& operator=(const TarWriter&) = delete;

    // Starts a regular file member of `size` bytes at `path` (UTF-8, '/'-separated, relative),
    // mode 0600, modified at `modifiedMs` (milliseconds since the epoch, UTC). Exactly `size`
    // bytes must follow through writeData() before the next member or finish().
    Result<void> beginFile(const QString& path, qint64 size, qint64 modifiedMs);
    Result<void> writeData(const char* data, qsizetype size);
    // Writes a whole member from memory.
    Result<void> addFile(const QString& path, const QByteArray& content, qint64 modifiedMs);
    // Writes the end-of-archive blocks. No member may follow.
    Result<void> finish();

    // The archive bytes produced since the last call.
    QByteArray takeOutput();
    // Bytes waiting in the output buffer.
    qsizetype pendingBytes() const { return m_output.size(); }

private:
    friend struct TarWriterOutput;
    Error archiveError(const QString& step) const;

    struct archive* m_archive = nullptr;
    QByteArray m_output;
    QString m_setupError; // set when the constructor could not set libarchive up
    qint64 m_memberRemaining = 0;
    bool m_finished = false;
};

} // namespace chartinsight::server
