#include "SegmentedCipher.h"

#include "AesGcm.h"
#include "KeyWrap.h"
#include "core/ErrorCodes.h"

#include <QFile>
#include <QtEndian>

#include <openssl/crypto.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chartinsight::crypto {
namespace {

constexpr char kMagic[4] = {'C', 'I', 'E', '1'};

using Nonce = std::array<unsigned char, kGcmNonceSize>;

// Segment i uses i (big-endian uint64), then 1 for the final segment or 0, then three zeros.
Nonce segmentNonce(quint64 index, bool isFinal)
{
    Nonce nonce{};
    qToBigEndian(index, nonce.data());
    nonce[8] = isFinal ? 1 : 0;
    return nonce;
}

QByteArray makeHeader(quint32 segmentSize)
{
    QByteArray header(kHeaderSize, Qt::Uninitialized);
    std::memcpy(header.data(), kMagic, sizeof kMagic);
    qToBigEndian(segmentSize, header.data() + sizeof kMagic);
    return header;
}

unsigned char* bytes(QByteArray& array)
{
    return reinterpret_cast<unsigned char*>(array.data());
}

// Overwrites a buffer that held plaintext or key bytes before it is freed.
void wipe(QByteArray& array)
{
    if (!array.isEmpty())
        OPENSSL_cleanse(array.data(), size_t(array.size()));
    array.clear();
}

QString systemErrorText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

Error ioError(const QString& action, const QString& path, int error)
{
    return makeError(QString::fromLatin1(errc::kIo),
                     QStringLiteral("%1 the encrypted file %2 "
                                    "failed: %3.")
                         .arg(action, path, systemErrorText(error)));
}

Error keyError(qsizetype size)
{
    return makeError(QString::fromLatin1(errc::kCrypto),
                     QStringLiteral("The file key has %1 bytes, but AES-256 needs exactly %2.")
                         .arg(size)
                         .arg(kKeySize));
}

// Writes all `size` bytes, retrying after signals and short writes. Returns 0 or an errno value.
int writeAll(int fd, const char* data, qsizetype size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size_t(size));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        data += n;
        size -= n;
    }
    return 0;
}

// Reads up to `size` bytes at `offset`, retrying after signals and short reads. Returns the
// number of bytes read (less than `size` only at the end of the file) or -1 with errno set.
qsizetype readAllAt(int fd, char* data, qsizetype size, qint64 offset)
{
    qsizetype done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, data + done, size_t(size - done), off_t(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        done += n;
    }
    return done;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// EncryptingWriter

struct EncryptingWriter::Impl
{
    QString path;
    int fd = -1;
    QByteArray key;
    QByteArray header;
    qsizetype segmentSize = 0;
    QByteArray plaintext; // the segment being filled, segmentSize bytes long
    qsizetype buffered = 0;
    QByteArray ciphertext; // one encrypted segment and its tag
    quint64 nextSegment = 0;
    qint64 plaintextBytes = 0;
    bool finished = false;
    bool failed = false;
    AesGcm gcm;

    Result<void> writeSegment(bool isFinal);
};

Result<void> EncryptingWriter::Impl::writeSegment(bool isFinal)
{
    const Nonce nonce = segmentNonce(nextSegment, isFinal);
    if (!gcm.encrypt(key, nonce.data(), header, bytes(plaintext), buffered, bytes(ciphertext),
                     bytes(ciphertext) + buffered)) {
        failed = true;
        return makeError(QString::fromLatin1(errc::kCrypto),
                         QStringLiteral("AES-256-GCM encryption of segment %1 of %2 failed in "
                                        "OpenSSL.")
                             .arg(nextSegment)
                             .arg(path));
    }
    OPENSSL_cleanse(plaintext.data(), size_t(buffered));

    if (const int error = writeAll(fd, ciphertext.constData(), buffered + kTagSize)) {
        failed = true;
        return ioError(QStringLiteral("Writing"), path, error);
    }
    ++nextSegment;
    buffered = 0;
    return {};
}

EncryptingWriter::EncryptingWriter() : d(std::make_unique<Impl>()) {}

EncryptingWriter::~EncryptingWriter()
{
    if (d->fd >= 0)
        ::close(d->fd);
    // The file was created by this writer (O_EXCL), so removing an unfinished one is safe.
    if (!d->finished && !d->path.isEmpty())
        ::unlink(QFile::encodeName(d->path).constData());
    wipe(d->plaintext);
    wipe(d->key);
}

Result<std::unique_ptr<EncryptingWriter>>
EncryptingWriter::create(const QString& path, const QByteArray& key, qsizetype segmentSize)
{
    if (key.size() != kKeySize)
        return keyError(key.size());
    if (segmentSize < 1 || segmentSize > kMaxSegmentSize) {
        return makeError(QString::fromLatin1(errc::kCrypto),
                         QStringLiteral("The segment size %1 is invalid: use 1 to %2 bytes.")
                             .arg(segmentSize)
                             .arg(kMaxSegmentSize));
    }

    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0)
        return ioError(QStringLiteral("Creating"), path, errno);

    std::unique_ptr<EncryptingWriter> writer(new EncryptingWriter());
    Impl& d = *writer->d;
    d.path = path;
    d.fd = fd;
    if (!d.gcm.isValid()) {
        return makeError(QString::fromLatin1(errc::kCrypto),
                         QStringLiteral("OpenSSL could not allocate a cipher context."));
    }
    d.key = key;
    d.key.detach(); // a private copy, so that wiping it leaves the caller's key alone
    d.segmentSize = segmentSize;
    d.header = makeHeader(quint32(segmentSize));
    d.plaintext = QByteArray(segmentSize, '\0');
    d.ciphertext = QByteArray(segmentSize + kTagSize, '\0');

    if (const int error = writeAll(fd, d.header.constData(), d.header.size()))
        return ioError(QStringLiteral("Writing"), path, error);
    return writer;
}

Result<void> EncryptingWriter::write(const char* data, qsizetype size)
{
    if (size < 0) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("A write of %1 bytes to %2 is invalid: the size must not "
                                        "be negative.")
                             .arg(size)
                             .arg(d->path));
    }
    if (d->finished || d->failed) {
        return makeError(
            QString::fromLatin1(errc::kIo),
            QStringLiteral("The encrypted file %1 is %2 and takes no more data.")
                .arg(d->path, d->finished ? QStringLiteral("finished") : QStringLiteral("failed")));
    }

    while (size > 0) {
        // A full segment is written only when more data follows it, because the last segment
        // (which may be full) carries the final flag and only finish() marks the end.
        if (d->buffered == d->segmentSize) {
            if (auto written = d->writeSegment(false); !written)
                return written;
        }
        const qsizetype chunk = std::min(size, d->segmentSize - d->buffered);
        std::memcpy(d->plaintext.data() + d->buffered, data, size_t(chunk));
        d->buffered += chunk;
        d->plaintextBytes += chunk;
        data += chunk;
        size -= chunk;
    }
    return {};
}

Result<void> EncryptingWriter::finish()
{
    if (d->finished)
        return {};
    if (d->failed) {
        return makeError(QString::fromLatin1(errc::kIo),
                         QStringLiteral("The encrypted file %1 failed earlier and cannot be "
                                        "finished.")
                             .arg(d->path));
    }

    if (auto written = d->writeSegment(true); !written)
        return written;
    if (::fsync(d->fd) != 0) {
        d->failed = true;
        return ioError(QStringLiteral("Flushing"), d->path, errno);
    }
    const int fd = d->fd;
    d->fd = -1;
    if (::close(fd) != 0) {
        d->failed = true;
        return ioError(QStringLiteral("Closing"), d->path, errno);
    }
    d->finished = true;
    return {};
}

qint64 EncryptingWriter::plaintextBytesWritten() const
{
    return d->plaintextBytes;
}

QString EncryptingWriter::path() const
{
    return d->path;
}

bool EncryptingWriter::isFinished() const
{
    return d->finished;
}

// ---------------------------------------------------------------------------------------------
// DecryptingReader

struct DecryptingReader::Impl
{
    QString path;
    int fd = -1;
    QByteArray key;
    QByteArray header;
    qint64 segmentSize = 0;
    quint64 segmentCount = 0;
    qint64 lastSegmentSize = 0; // plaintext bytes in the final segment
    qint64 plaintextSize = 0;
    QByteArray ciphertext;
    QByteArray plaintext; // the decrypted segment `cachedSegment`
    qint64 cachedSegment = -1;
    AesGcm gcm;

    Result<void> readHeader();
    Result<void> computeLayout(qint64 fileSize);
    Result<void> loadSegment(quint64 index);
    Error integrityError(const QString& problem) const;
};

Error DecryptingReader::Impl::integrityError(const QString& problem) const
{
    return makeError(QString::fromLatin1(errc::kIntegrity),
                     QStringLiteral("The encrypted file %1 is invalid: %2. It was changed, "
                                    "truncated or written with a different key. Restore it from "
                                    "a backup.")
                         .arg(path, problem));
}

Result<void> DecryptingReader::Impl::readHeader()
{
    header = QByteArray(kHeaderSize, '\0');
    const qsizetype n = readAllAt(fd, header.data(), kHeaderSize, 0);
    if (n < 0)
        return ioError(QStringLiteral("Reading"), path, errno);
    if (n < kHeaderSize)
        return integrityError(
            QStringLiteral("it is shorter than the %1-byte header").arg(kHeaderSize));
    if (std::memcmp(header.constData(), kMagic, sizeof kMagic) != 0)
        return integrityError(QStringLiteral("it does not start with the format tag CIE1"));

    segmentSize = qFromBigEndian<quint32>(header.constData() + sizeof kMagic);
    if (segmentSize < 1 || segmentSize > kMaxSegmentSize) {
        return integrityError(
            QStringLiteral("its header gives a segment size of %1 bytes (allowed: 1 to %2)")
                .arg(segmentSize)
                .arg(kMaxSegmentSize));
    }
    return {};
}

Result<void> DecryptingReader::Impl::computeLayout(qint64 fileSize)
{
    // The body is (count - 1) full segments of segmentSize + tag bytes, then a final segment of
    // 0..segmentSize bytes plus its tag, so body - tag splits uniquely into both parts.
    const qint64 body = fileSize - kHeaderSize;
    if (body < kTagSize)
        return integrityError(QStringLiteral("it ends before the first segment's tag"));
    const qint64 fullSegment = segmentSize + kTagSize;
    const qint64 remainder = (body - kTagSize) % fullSegment;
    if (remainder > segmentSize) {
        return integrityError(
            QStringLiteral("its size leaves %1 bytes after the last whole segment, fewer than "
                           "a tag")
                .arg(remainder - segmentSize));
    }
    segmentCount = quint64((body - kTagSize) / fullSegment) + 1;
    lastSegmentSize = remainder;
    plaintextSize = qint64(segmentCount - 1) * segmentSize + lastSegmentSize;
    return {};
}

Result<void> DecryptingReader::Impl::loadSegment(quint64 index)
{
    if (cachedSegment >= 0 && quint64(cachedSegment) == index)
        return {};

    const bool isFinal = index + 1 == segmentCount;
    const qint64 plainSize = isFinal ? lastSegmentSize : segmentSize;
    const qint64 offset = kHeaderSize + qint64(index) * (segmentSize + kTagSize);
    const qsizetype n = readAllAt(fd, ciphertext.data(), plainSize + kTagSize, offset);
    if (n < 0)
        return ioError(QStringLiteral("Reading"), path, errno);
    if (n < plainSize + kTagSize)
        return integrityError(QStringLiteral("it became shorter while being read"));

    cachedSegment = -1;
    const Nonce nonce = segmentNonce(index, isFinal);
    const auto* in = reinterpret_cast<const unsigned char*>(ciphertext.constData());
    if (!gcm.decrypt(key, nonce.data(), header, in, plainSize, bytes(plaintext), in + plainSize)) {
        return integrityError(
            QStringLiteral("segment %1 of %2 failed authentication").arg(index).arg(segmentCount));
    }
    cachedSegment = qint64(index);
    return {};
}

DecryptingReader::DecryptingReader() : d(std::make_unique<Impl>()) {}

DecryptingReader::~DecryptingReader()
{
    if (d->fd >= 0)
        ::close(d->fd);
    wipe(d->plaintext);
    wipe(d->key);
}

Result<std::unique_ptr<DecryptingReader>> DecryptingReader::open(const QString& path,
                                                                 const QByteArray& key)
{
    if (key.size() != kKeySize)
        return keyError(key.size());

    std::unique_ptr<DecryptingReader> reader(new DecryptingReader());
    Impl& d = *reader->d;
    d.path = path;
    d.fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (d.fd < 0)
        return ioError(QStringLiteral("Opening"), path, errno);
    if (!d.gcm.isValid()) {
        return makeError(QString::fromLatin1(errc::kCrypto),
                         QStringLiteral("OpenSSL could not allocate a cipher context."));
    }

    struct stat status = {};
    if (::fstat(d.fd, &status) != 0)
        return ioError(QStringLiteral("Reading the size of"), path, errno);
    if (!S_ISREG(status.st_mode))
        return d.integrityError(QStringLiteral("it is not a regular file"));

    if (auto header = d.readHeader(); !header)
        return header.error();
    if (auto layout = d.computeLayout(status.st_size); !layout)
        return layout.error();

    d.key = key;
    d.key.detach();
    d.ciphertext = QByteArray(d.segmentSize + kTagSize, '\0');
    d.plaintext = QByteArray(d.segmentSize, '\0');

    // The final segment alone proves the file has its full length, so check it now: size()
    // can then be trusted, and a scan of the whole file needs no extra decryption.
    if (auto last = d.loadSegment(d.segmentCount - 1); !last)
        return last.error();
    return reader;
}

qint64 DecryptingReader::size() const
{
    return d->plaintextSize;
}

Result<qsizetype> DecryptingReader::readAt(qint64 offset, char* buffer, qsizetype count)
{
    if (offset < 0 || count < 0) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("A read of %1 bytes at offset %2 of %3 is invalid: offset "
                                        "and count must not be negative.")
                             .arg(count)
                             .arg(offset)
                             .arg(d->path));
    }

    qsizetype done = 0;
    while (done < count && offset < d->plaintextSize) {
        const quint64 index = quint64(offset / d->segmentSize);
        if (auto loaded = d->loadSegment(index); !loaded)
            return loaded.error();

        const qint64 within = offset % d->segmentSize;
        const qint64 segmentBytes =
            index + 1 == d->segmentCount ? d->lastSegmentSize : d->segmentSize;
        const qsizetype chunk = qsizetype(std::min<qint64>(count - done, segmentBytes - within));
        std::memcpy(buffer + done, d->plaintext.constData() + within, size_t(chunk));
        done += chunk;
        offset += chunk;
    }
    return done;
}

} // namespace chartinsight::crypto
