#include "core/ErrorCodes.h"
#include "core/RecordInfo.h"
#include "crypto/Random.h"
#include "storage/FileStore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace chartinsight;
using namespace chartinsight::storage;

namespace {

const QByteArray kMarker = QByteArrayLiteral("PATIENT-MARKER-93ac5f");

// Several segments of data with the marker at the start, in the middle and at the end.
QByteArray markedContent()
{
    QByteArray content = kMarker;
    for (int i = 0; i < 20000; ++i)
        content += QByteArray::number(i) + ' ';
    content += kMarker;
    content += QByteArray(150000, 'z');
    content += kMarker;
    return content;
}

QByteArray readAll(crypto::DecryptingReader& reader)
{
    QByteArray data(reader.size(), Qt::Uninitialized);
    const auto read = reader.readAt(0, data.data(), data.size());
    return read.ok() && read.value() == data.size() ? data : QByteArray();
}

QByteArray readBytes(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

mode_t fileMode(const QString& path)
{
    struct stat status = {};
    if (::stat(QFile::encodeName(path).constData(), &status) != 0)
        return 0;
    return status.st_mode & 0777;
}

QStringList filesUnder(const QString& folder)
{
    QStringList files;
    QDir dir(folder);
    for (const QString& name : dir.entryList(QDir::Files | QDir::Hidden))
        files << name;
    return files;
}

bool writeAll(PendingObject& object, const QByteArray& content)
{
    return object.writer->write(content.constData(), content.size()).ok() &&
           object.writer->finish().ok();
}

} // namespace

class TestFileStore : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void initializeCreatesPrivateFolders();
    void roundTrip();
    void committedFileHidesPlaintext();
    void openPendingNeedsFinishedWriter();
    void commitNeedsFinishedWriter();
    void discardLeavesNothing();
    void discardAfterFinishLeavesNothing();
    void initializeRemovesLeftovers();
    void removeDeletesObject();
    void openRejectsWrongKey();
    void rejectsInvalidIds_data();
    void rejectsInvalidIds();

private:
    QString root() const { return m_dir->filePath(QStringLiteral("store")); }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FileStore> m_store;
};

void TestFileStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<FileStore>(root());
    const mode_t previous = ::umask(0);
    const auto initialized = m_store->initialize();
    ::umask(previous);
    QVERIFY(initialized.ok());
}

void TestFileStore::initializeCreatesPrivateFolders()
{
    QCOMPARE(fileMode(root()), mode_t(0700));
    QCOMPARE(fileMode(root() + QStringLiteral("/objects")), mode_t(0700));
    QCOMPARE(fileMode(root() + QStringLiteral("/tmp")), mode_t(0700));
    QVERIFY(m_store->initialize().ok());
}

void TestFileStore::roundTrip()
{
    const QByteArray content = markedContent();
    auto begun = m_store->begin();
    QVERIFY(begun.ok());
    PendingObject& object = *begun.value();
    QVERIFY(isValidRecordId(object.objectId));
    QCOMPARE(object.dataKey.size(), 32);
    QVERIFY(object.tempPath.endsWith(object.objectId + QStringLiteral(".part")));
    QVERIFY(writeAll(object, content));

    auto pending = m_store->openPending(object);
    QVERIFY(pending.ok());
    QCOMPARE(readAll(*pending.value()), content);
    QVERIFY(!m_store->contains(object.objectId));

    const mode_t previous = ::umask(0);
    const auto committed = m_store->commit(object);
    ::umask(previous);
    QVERIFY(committed.ok());
    QVERIFY(object.committed);
    QVERIFY(m_store->contains(object.objectId));
    QVERIFY(filesUnder(root() + QStringLiteral("/tmp")).isEmpty());

    const QString stored =
        root() + QStringLiteral("/objects/") + object.objectId.left(2) + u'/' + object.objectId;
    QVERIFY(QFile::exists(stored));
    QCOMPARE(fileMode(stored), mode_t(0600));
    QCOMPARE(fileMode(root() + QStringLiteral("/objects/") + object.objectId.left(2)),
             mode_t(0700));

    auto opened = m_store->open(object.objectId, object.dataKey);
    QVERIFY(opened.ok());
    QCOMPARE(opened.value()->size(), content.size());
    QCOMPARE(readAll(*opened.value()), content);
    QVERIFY(m_store->commit(object).ok()); // a second commit changes nothing
}

void TestFileStore::committedFileHidesPlaintext()
{
    auto begun = m_store->begin();
    QVERIFY(begun.ok());
    QVERIFY(writeAll(*begun.value(), markedContent()));
    const QByteArray pendingBytes = readBytes(begun.value()->tempPath);
    QVERIFY(pendingBytes.startsWith("CIE1"));
    QVERIFY(!pendingBytes.contains(kMarker));
    QVERIFY(m_store->commit(*begun.value()).ok());

    const QString id = begun.value()->objectId;
    const QByteArray bytes =
        readBytes(root() + QStringLiteral("/objects/") + id.left(2) + u'/' + id);
    QVERIFY(bytes.size() > markedContent().size());
    QVERIFY(!bytes.contains(kMarker));
    QVERIFY(!bytes.contains("19999 "));
}

void TestFileStore::openPendingNeedsFinishedWriter()
{
    auto begun = m_store->begin();
    QVERIFY(begun.ok());
    QVERIFY(begun.value()->writer->write("abc", 3).ok());
    const auto pending = m_store->openPending(*begun.value());
    QVERIFY(!pending.ok());
    QCOMPARE(pending.error().code, QString::fromLatin1(errc::kInvalidRequest));
}

void TestFileStore::commitNeedsFinishedWriter()
{
    auto begun = m_store->begin();
    QVERIFY(begun.ok());
    QVERIFY(begun.value()->writer->write("abc", 3).ok());
    QVERIFY(!m_store->commit(*begun.value()).ok());
    QVERIFY(!m_store->contains(begun.value()->objectId));
    QVERIFY(!begun.value()->committed);
}

void TestFileStore::discardLeavesNothing()
{
    auto begun = m_store->begin();
    QVERIFY(begun.ok());
    QVERIFY(begun.value()->writer->write(kMarker.constData(), kMarker.size()).ok());
    QVERIFY(QFile::exists(begun.value()->tempPath));
    m_store->discard(*begun.value());
    QVERIFY(filesUnder(root() + QStringLiteral("/tmp")).isEmpty());
    m_store->discard(*begun.value());
    QVERIFY(!m_store->contains(begun.value()->objectId));
    QVERIFY(!m_store->commit(*begun.value()).ok());
}

void TestFileStore::discardAfterFinishLeavesNothing()
{
    auto begun = m_store->begin();
    QVERIFY(begun.ok());
    QVERIFY(writeAll(*begun.value(), kMarker));
    m_store->discard(*begun.value());
    QVERIFY(filesUnder(root() + QStringLiteral("/tmp")).isEmpty());
}

void TestFileStore::initializeRemovesLeftovers()
{
    // A finished but never committed upload survives its PendingObject, as after a crash.
    QString orphanPath;
    {
        auto begun = m_store->begin();
        QVERIFY(begun.ok());
        QVERIFY(writeAll(*begun.value(), kMarker));
        orphanPath = begun.value()->tempPath;
    }
    QVERIFY(QFile::exists(orphanPath));
    QFile stray(root() + QStringLiteral("/tmp/.hidden.part"));
    QVERIFY(stray.open(QIODevice::WriteOnly));
    stray.close();

    FileStore restarted(root());
    QVERIFY(restarted.initialize().ok());
    QVERIFY(filesUnder(root() + QStringLiteral("/tmp")).isEmpty());
}

void TestFileStore::removeDeletesObject()
{
    auto begun = m_store->begin();
    QVERIFY(begun.ok());
    QVERIFY(writeAll(*begun.value(), kMarker));
    QVERIFY(m_store->commit(*begun.value()).ok());
    const QString id = begun.value()->objectId;

    QVERIFY(m_store->remove(id).ok());
    QVERIFY(!m_store->contains(id));
    const auto opened = m_store->open(id, begun.value()->dataKey);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, QString::fromLatin1(errc::kNotFound));
    const auto again = m_store->remove(id);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, QString::fromLatin1(errc::kNotFound));
}

void TestFileStore::openRejectsWrongKey()
{
    auto begun = m_store->begin();
    QVERIFY(begun.ok());
    QVERIFY(writeAll(*begun.value(), kMarker));
    QVERIFY(m_store->commit(*begun.value()).ok());
    const auto opened = m_store->open(begun.value()->objectId, crypto::randomBytes(32));
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, QString::fromLatin1(errc::kIntegrity));
}

void TestFileStore::rejectsInvalidIds_data()
{
    QTest::addColumn<QString>("objectId");
    QTest::newRow("empty") << QString();
    QTest::newRow("dot dot") << QStringLiteral("..");
    QTest::newRow("traversal") << QStringLiteral("../../etc/passwd");
    QTest::newRow("slash") << QStringLiteral("12/3e4567-e89b-42d3-a456-426614174000");
    QTest::newRow("upper case") << QStringLiteral("123E4567-E89B-42D3-A456-426614174000");
    QTest::newRow("braces") << QStringLiteral("{123e4567-e89b-42d3-a456-426614174000}");
    QTest::newRow("trailing newline") << QStringLiteral("123e4567-e89b-42d3-a456-426614174000\n");
    QTest::newRow("part suffix") << QStringLiteral("123e4567-e89b-42d3-a456-426614174000.part");
}

void TestFileStore::rejectsInvalidIds()
{
    QFETCH(QString, objectId);
    QVERIFY(!m_store->contains(objectId));
    const auto opened = m_store->open(objectId, crypto::randomBytes(32));
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, QString::fromLatin1(errc::kInvalidRequest));
    const auto removed = m_store->remove(objectId);
    QVERIFY(!removed.ok());
    QCOMPARE(removed.error().code, QString::fromLatin1(errc::kInvalidRequest));

    PendingObject forged;
    forged.objectId = objectId;
    QVERIFY(!m_store->openPending(forged).ok());
    QVERIFY(!m_store->commit(forged).ok());
}

QTEST_GUILESS_MAIN(TestFileStore)
#include "TestFileStore.moc"
