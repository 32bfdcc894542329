#include "core/ErrorCodes.h"
#include "crypto/KeyWrap.h"
#include "crypto/Random.h"
#include "crypto/SegmentedCipher.h"

#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace chartinsight::crypto;

namespace {

constexpr qsizetype kSmallSegment = 1024;
constexpr qsizetype kSmallFull = kSmallSegment + kTagSize; // one stored full segment

QByteArray patternBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator generator(size + 1);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(generator.bounded(256));
    return bytes;
}

// Encrypts `plaintext` into `path`, handing it to the writer in pieces of `chunk` bytes.
bool encryptFile(const QString& path, const QByteArray& key, const QByteArray& plaintext,
                 qsizetype segmentSize, qsizetype chunk)
{
    auto writer = EncryptingWriter::create(path, key, segmentSize);
    if (!writer)
        return false;
    for (qsizetype i = 0; i < plaintext.size(); i += chunk) {
        const QByteArray piece = plaintext.mid(i, chunk);
        if (!writer.value()->write(piece.constData(), piece.size()))
            return false;
    }
    return writer.value()->finish().ok();
}

// Opens and reads a whole encrypted file.
chartinsight::Result<QByteArray> decryptFile(const QString& path, const QByteArray& key)
{
    auto reader = DecryptingReader::open(path, key);
    if (!reader)
        return reader.error();
    QByteArray plaintext(reader.value()->size(), Qt::Uninitialized);
    auto read = reader.value()->readAt(0, plaintext.data(), plaintext.size());
    if (!read)
        return read.error();
    plaintext.truncate(read.value());
    return plaintext;
}

QByteArray readBytes(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size();
}

QString integrityCode()
{
    return QString::fromLatin1(chartinsight::errc::kIntegrity);
}

} // namespace

class TestSegmentedCipher : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void roundTrip_data();
    void roundTrip();
    void randomReads();
    void readPastEnd();
    void detectsTampering_data();
    void detectsTampering();
    void rejectsWrongKey();
    void rejectsBadHeader_data();
    void rejectsBadHeader();
    void writerCreatesPrivateFile();
    void writerRejectsExistingFile();
    void unfinishedWriterRemovesFile();
    void writerRejectsBadArguments();
    void writeAfterFinishFails();

private:
    QString filePath(const QString& name) const { return m_dir->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_dir;
    QByteArray m_key;
};

void TestSegmentedCipher::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_key = randomBytes(kKeySize);
}

void TestSegmentedCipher::roundTrip_data()
{
    QTest::addColumn<qsizetype>("size");
    QTest::addColumn<qsizetype>("segmentSize");
    QTest::addColumn<qsizetype>("chunk");
    QTest::newRow("empty") << qsizetype(0) << kSmallSegment << qsizetype(100);
    QTest::newRow("one byte") << qsizetype(1) << kSmallSegment << qsizetype(100);
    QTest::newRow("segment - 1") << kSmallSegment - 1 << kSmallSegment << qsizetype(100);
    QTest::newRow("segment") << kSmallSegment << kSmallSegment << qsizetype(100);
    QTest::newRow("segment + 1") << kSmallSegment + 1 << kSmallSegment << qsizetype(100);
    QTest::newRow("3 segments + 7") << 3 * kSmallSegment + 7 << kSmallSegment << qsizetype(100);
    QTest::newRow("one write") << 3 * kSmallSegment + 7 << kSmallSegment << qsizetype(1 << 20);
    QTest::newRow("byte by byte") << kSmallSegment + 3 << kSmallSegment << qsizetype(1);
    QTest::newRow("exact segments") << 2 * kSmallSegment << kSmallSegment << kSmallSegment;
    QTest::newRow("default segment size")
        << 3 * kDefaultSegmentSize + 7 << kDefaultSegmentSize << qsizetype(10000);
}

void TestSegmentedCipher::roundTrip()
{
    QFETCH(qsizetype, size);
    QFETCH(qsizetype, segmentSize);
    QFETCH(qsizetype, chunk);
    const QByteArray plaintext = patternBytes(size);
    const QString path = filePath(QStringLiteral("file.enc"));
    QVERIFY(encryptFile(path, m_key, plaintext, segmentSize, chunk));

    // Every segment but the last is full. The last contains the rest, and it exists even when
    // it is empty or full.
    const qsizetype segments = size == 0 ? 1 : (size + segmentSize - 1) / segmentSize;
    QCOMPARE(QFileInfo(path).size(), kHeaderSize + size + segments * kTagSize);

    auto reader = DecryptingReader::open(path, m_key);
    QVERIFY(reader.ok());
    QCOMPARE(reader.value()->size(), size);
    const auto decrypted = decryptFile(path, m_key);
    QVERIFY(decrypted.ok());
    QCOMPARE(decrypted.value(), plaintext);
}

void TestSegmentedCipher::randomReads()
{
    const QByteArray plaintext = patternBytes(5 * kSmallSegment + 300);
    const QString path = filePath(QStringLiteral("random.enc"));
    QVERIFY(encryptFile(path, m_key, plaintext, kSmallSegment, 777));
    auto reader = DecryptingReader::open(path, m_key);
    QVERIFY(reader.ok());

    QRandomGenerator generator(42);
    QByteArray buffer(4 * kSmallSegment, Qt::Uninitialized);
    for (int i = 0; i < 500; ++i) {
        const qint64 offset = generator.bounded(plaintext.size() + 50);
        const qsizetype count = generator.bounded(int(buffer.size()));
        const auto read = reader.value()->readAt(offset, buffer.data(), count);
        QVERIFY(read.ok());
        const QByteArray expected = plaintext.mid(offset, count);
        QCOMPARE(read.value(), expected.size());
        QCOMPARE(buffer.left(read.value()), expected);
    }
}

void TestSegmentedCipher::readPastEnd()
{
    const QString path = filePath(QStringLiteral("small.enc"));
    QVERIFY(encryptFile(path, m_key, "abc", kSmallSegment, 3));
    auto reader = DecryptingReader::open(path, m_key);
    QVERIFY(reader.ok());
    char buffer[8];
    const auto atEnd = reader.value()->readAt(3, buffer, sizeof buffer);
    QVERIFY(atEnd.ok());
    QCOMPARE(atEnd.value(), 0);
    const auto beyond = reader.value()->readAt(1000, buffer, sizeof buffer);
    QVERIFY(beyond.ok());
    QCOMPARE(beyond.value(), 0);
    QVERIFY(!reader.value()->readAt(-1, buffer, 1).ok());
    QVERIFY(!reader.value()->readAt(0, buffer, -1).ok());
}

void TestSegmentedCipher::detectsTampering_data()
{
    // The file contains 3 full segments of 1024 bytes and a final one of 7 (plus tags).
    QTest::addColumn<QString>("change");
    QTest::addColumn<qsizetype>("position");
    QTest::newRow("flipped magic") << QStringLiteral("flip") << qsizetype(0);
    QTest::newRow("flipped segment size") << QStringLiteral("flip") << qsizetype(7);
    QTest::newRow("flipped first ciphertext") << QStringLiteral("flip") << kHeaderSize + 10;
    QTest::newRow("flipped middle tag")
        << QStringLiteral("flip") << kHeaderSize + 2 * kSmallFull - 1;
    QTest::newRow("flipped final segment")
        << QStringLiteral("flip") << kHeaderSize + 3 * kSmallFull + 2;
    QTest::newRow("truncated at boundary")
        << QStringLiteral("truncate") << kHeaderSize + 3 * kSmallFull;
    QTest::newRow("truncated at first boundary")
        << QStringLiteral("truncate") << kHeaderSize + kSmallFull;
    QTest::newRow("truncated mid-segment")
        << QStringLiteral("truncate") << kHeaderSize + kSmallFull + 500;
    QTest::newRow("truncated in final tag")
        << QStringLiteral("truncate") << kHeaderSize + 3 * kSmallFull + 7 + 9;
    QTest::newRow("truncated to header") << QStringLiteral("truncate") << kHeaderSize;
    QTest::newRow("swapped segments 0 and 1") << QStringLiteral("swap") << qsizetype(0);
    QTest::newRow("swapped segments 1 and 2") << QStringLiteral("swap") << qsizetype(1);
    QTest::newRow("appended 1 byte") << QStringLiteral("append") << qsizetype(1);
    QTest::newRow("appended 16 bytes") << QStringLiteral("append") << qsizetype(16);
    QTest::newRow("appended a segment") << QStringLiteral("append") << kSmallFull;
    QTest::newRow("duplicated segment") << QStringLiteral("duplicate") << qsizetype(1);
}

void TestSegmentedCipher::detectsTampering()
{
    QFETCH(QString, change);
    QFETCH(qsizetype, position);
    const QByteArray plaintext = patternBytes(3 * kSmallSegment + 7);
    const QString path = filePath(QStringLiteral("tampered.enc"));
    QVERIFY(encryptFile(path, m_key, plaintext, kSmallSegment, 100));

    QByteArray bytes = readBytes(path);
    QCOMPARE(bytes.size(), kHeaderSize + 3 * kSmallFull + 7 + kTagSize);
    if (change == QLatin1String("flip")) {
        bytes[position] = char(bytes[position] ^ 0x20);
    } else if (change == QLatin1String("truncate")) {
        bytes.truncate(position);
    } else if (change == QLatin1String("swap")) {
        const qsizetype first = kHeaderSize + position * kSmallFull;
        const QByteArray a = bytes.mid(first, kSmallFull);
        const QByteArray b = bytes.mid(first + kSmallFull, kSmallFull);
        bytes.replace(first, kSmallFull, b);
        bytes.replace(first + kSmallFull, kSmallFull, a);
    } else if (change == QLatin1String("append")) {
        bytes += patternBytes(position);
    } else if (change == QLatin1String("duplicate")) {
        const qsizetype first = kHeaderSize + position * kSmallFull;
        bytes.insert(first, bytes.mid(first, kSmallFull));
    }
    QVERIFY(writeBytes(path, bytes));

    const auto decrypted = decryptFile(path, m_key);
    QVERIFY(!decrypted.ok());
    QCOMPARE(decrypted.error().code, integrityCode());
}

void TestSegmentedCipher::rejectsWrongKey()
{
    const QString path = filePath(QStringLiteral("key.enc"));
    QVERIFY(encryptFile(path, m_key, patternBytes(2000), kSmallSegment, 100));
    const auto decrypted = decryptFile(path, randomBytes(kKeySize));
    QVERIFY(!decrypted.ok());
    QCOMPARE(decrypted.error().code, integrityCode());
    QVERIFY(!DecryptingReader::open(path, randomBytes(16)).ok());
}

void TestSegmentedCipher::rejectsBadHeader_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("segment size 0") << QByteArray("CIE1\0\0\0\0", 8);
    QTest::newRow("segment size 16 MiB + 1") << QByteArray("CIE1\x01\0\0\x01", 8);
    QTest::newRow("segment size 4 GiB - 1") << QByteArray("CIE1\xff\xff\xff\xff", 8);
    QTest::newRow("other magic") << QByteArray("CIE2\0\0\x04\0", 8);
    QTest::newRow("short header") << QByteArray("CIE1\0\0", 6);
    QTest::newRow("empty file") << QByteArray();
}

void TestSegmentedCipher::rejectsBadHeader()
{
    QFETCH(QByteArray, header);
    const QString path = filePath(QStringLiteral("header.enc"));
    QVERIFY(writeBytes(path, header + QByteArray(kSmallFull, 'x')));
    const auto reader = DecryptingReader::open(path, m_key);
    QVERIFY(!reader.ok());
    QCOMPARE(reader.error().code, integrityCode());
}

void TestSegmentedCipher::writerCreatesPrivateFile()
{
    const QString path = filePath(QStringLiteral("private.enc"));
    const mode_t previous = ::umask(0);
    auto writer = EncryptingWriter::create(path, m_key, kSmallSegment);
    ::umask(previous);
    QVERIFY(writer.ok());
    struct stat status = {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &status), 0);
    QCOMPARE(status.st_mode & 0777, mode_t(0600));
    QCOMPARE(writer.value()->path(), path);
    QVERIFY(writer.value()->finish().ok());
    QVERIFY(writer.value()->isFinished());
}

void TestSegmentedCipher::writerRejectsExistingFile()
{
    const QString path = filePath(QStringLiteral("existing.enc"));
    QVERIFY(writeBytes(path, "keep me"));
    const auto writer = EncryptingWriter::create(path, m_key, kSmallSegment);
    QVERIFY(!writer.ok());
    QCOMPARE(readBytes(path), QByteArray("keep me"));
}

void TestSegmentedCipher::unfinishedWriterRemovesFile()
{
    const QString path = filePath(QStringLiteral("unfinished.enc"));
    {
        auto writer = EncryptingWriter::create(path, m_key, kSmallSegment);
        QVERIFY(writer.ok());
        const QByteArray data = patternBytes(5000);
        QVERIFY(writer.value()->write(data.constData(), data.size()).ok());
        QCOMPARE(writer.value()->plaintextBytesWritten(), 5000);
        QVERIFY(QFile::exists(path));
    }
    QVERIFY(!QFile::exists(path));
}

void TestSegmentedCipher::writerRejectsBadArguments()
{
    QVERIFY(!EncryptingWriter::create(filePath(QStringLiteral("a")), randomBytes(16)).ok());
    QVERIFY(!EncryptingWriter::create(filePath(QStringLiteral("b")), m_key, 0).ok());
    QVERIFY(
        !EncryptingWriter::create(filePath(QStringLiteral("c")), m_key, kMaxSegmentSize + 1).ok());
    QVERIFY(!QFile::exists(filePath(QStringLiteral("a"))));
    QVERIFY(!QFile::exists(filePath(QStringLiteral("b"))));
    QVERIFY(!QFile::exists(filePath(QStringLiteral("c"))));
    QVERIFY(!EncryptingWriter::create(filePath(QStringLiteral("missing/d")), m_key).ok());
}

void TestSegmentedCipher::writeAfterFinishFails()
{
    auto writer = EncryptingWriter::create(filePath(QStringLiteral("done.enc")), m_key);
    QVERIFY(writer.ok());
    QVERIFY(writer.value()->finish().ok());
    QVERIFY(!writer.value()->write("x", 1).ok());
    QVERIFY(writer.value()->finish().ok());
}

QTEST_GUILESS_MAIN(TestSegmentedCipher)
#include "TestSegmentedCipher.moc"
