#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace chartinsight::crypto {

// Encrypted file format for records at rest and in temporary uploads.
//
//   header  : "CIE1" (4 bytes) | segment size in bytes, big-endian uint32 (4 bytes)
//   segments: AES-256-GCM ciphertext of each plaintext segment || 16-byte tag
//
// Every segment but the last holds exactly `segment size` plaintext bytes; the last holds
// 0..segment size bytes and is always present, so an empty plaintext is one empty final segment.
// The 12-byte nonce of segment i is i as a big-endian uint64 followed by a final-segment flag
// byte (1 for the last segment, else 0) and three zero bytes; the header is the additional
// authenticated data of every segment. Each file has its own random key, so nonces never repeat
// under one key. A reordered or dropped segment fails its tag, and a file cut at a segment
// boundary lacks the final flag, so truncation is detected too.
inline constexpr qsizetype kDefaultSegmentSize = 64 * 1024;
// Largest segment size a writer accepts and a reader trusts from a file header, so that a
// damaged or hostile header cannot make the reader allocate gigabytes.
inline constexpr qsizetype kMaxSegmentSize = 16 * 1024 * 1024;
inline constexpr qsizetype kHeaderSize = 8;
inline constexpr qsizetype kTagSize = 16;

// Encrypts a stream into a new file. The file is created with O_EXCL and mode 0600; on any
// error or without finish() the destructor removes it, so an interrupted write leaves nothing.
class EncryptingWriter
{
public:
    static Result<std::unique_ptr<EncryptingWriter>>
    create(const QString& path, const QByteArray& key, qsizetype segmentSize = kDefaultSegmentSize);
    ~EncryptingWriter();

    Result<void> write(const char* data, qsizetype size);
    // Writes the final segment and fsyncs the file. After success the file is kept.
    Result<void> finish();

    qint64 plaintextBytesWritten() const;
    QString path() const;
    // True once finish() has succeeded.
    bool isFinished() const;

private:
    EncryptingWriter();
    struct Impl;
    std::unique_ptr<Impl> d;
};

// Random-access reader of a file written by EncryptingWriter. Every read authenticates the
// segments it touches; the last decrypted segment is cached, so sequential reads decrypt each
// segment once. Not thread-safe: use one reader per thread.
class DecryptingReader
{
public:
    static Result<std::unique_ptr<DecryptingReader>> open(const QString& path,
                                                          const QByteArray& key);
    ~DecryptingReader();

    // Plaintext size, computed from the file size and checked against the format. open()
    // authenticates the final segment, so a file cut short or extended is rejected there.
    qint64 size() const;

    // Reads up to `count` plaintext bytes at `offset` into `buffer`; returns the number read
    // (0 at the end). An authentication failure returns "integrity_error".
    Result<qsizetype> readAt(qint64 offset, char* buffer, qsizetype count);

private:
    DecryptingReader();
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace chartinsight::crypto
