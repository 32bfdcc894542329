#include "core/ErrorCodes.h"
#include "crypto/Random.h"
#include "storage/SqlDatabase.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace chartinsight;
using namespace chartinsight::storage;

namespace {

const QByteArray kMarker = QByteArrayLiteral("PLAINTEXT-MARKER-4b1d9e");

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
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

mode_t fileMode(const QString& path)
{
    struct stat status = {};
    if (::stat(QFile::encodeName(path).constData(), &status) != 0)
        return 0;
    return status.st_mode & 0777;
}

std::unique_ptr<SqlDatabase> openOrFail(const QString& path, const QByteArray& key,
                                        SqlDatabase::OpenMode mode)
{
    auto opened = SqlDatabase::open(path, key, mode);
    if (!opened) {
        qWarning("%s", qPrintable(opened.error().message));
        return nullptr;
    }
    return std::move(opened.value());
}

// Counts the rows of `table`, or returns -1 on error.
qint64 rowCount(SqlDatabase& database, const QString& table)
{
    auto statement = database.prepare(QStringLiteral("SELECT count(*) FROM %1").arg(table));
    if (!statement)
        return -1;
    auto row = statement->step();
    return row.ok() && row.value() ? statement->columnInt64(0) : -1;
}

qint64 userVersion(SqlDatabase& database)
{
    auto statement = database.prepare(QStringLiteral("PRAGMA user_version"));
    if (!statement)
        return -1;
    auto row = statement->step();
    return row.ok() && row.value() ? statement->columnInt64(0) : -1;
}

} // namespace

class TestSqlDatabase : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void fileIsEncrypted();
    void reopensWithSameKey();
    void wrongKeyFailsAndLeavesFile();
    void corruptFileFails();
    void existingOnlyRejectsMissingFile();
    void rejectsShortKey();
    void filesArePrivate();
    void bindsAndReadsValues();
    void prepareRejectsTwoStatements();
    void stepReportsConstraintError();
    void foreignKeysEnforced();
    void transactionCommits();
    void transactionRollsBack();
    void nestedTransactionRollsBackInner();
    void migrationsApplyOnce();
    void failedMigrationRollsBack();
    void newerSchemaRejected();

private:
    std::unique_ptr<SqlDatabase> createDatabase();
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    QByteArray m_key;
};

void TestSqlDatabase::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("test.db"));
    m_key = crypto::randomBytes(32);
}

std::unique_ptr<SqlDatabase> TestSqlDatabase::createDatabase()
{
    auto database = openOrFail(m_path, m_key, SqlDatabase::OpenMode::CreateIfMissing);
    if (!database)
        return nullptr;
    if (!database->exec(QStringLiteral("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")))
        return nullptr;
    auto insert = database->prepare(QStringLiteral("INSERT INTO notes (body) VALUES (?)"));
    if (!insert || !insert->bind(1, QString::fromLatin1(kMarker)).exec())
        return nullptr;
    return database;
}

void TestSqlDatabase::fileIsEncrypted()
{
    QVERIFY(createDatabase() != nullptr); // closed again at the end of the statement
    const QByteArray bytes = readBytes(m_path);
    QVERIFY(bytes.size() > 0);
    QVERIFY(!bytes.startsWith(QByteArray("SQLite format 3\0", 16)));
    QVERIFY(!bytes.contains(kMarker));
    QVERIFY(!bytes.contains("CREATE TABLE"));
}

void TestSqlDatabase::reopensWithSameKey()
{
    QVERIFY(createDatabase() != nullptr);
    auto database = openOrFail(m_path, m_key, SqlDatabase::OpenMode::ExistingOnly);
    QVERIFY(database != nullptr);
    auto select = database->prepare(QStringLiteral("SELECT body FROM notes"));
    QVERIFY(select.ok());
    auto row = select->step();
    QVERIFY(row.ok());
    QVERIFY(row.value());
    QCOMPARE(select->columnText(0), QString::fromLatin1(kMarker));
}

void TestSqlDatabase::wrongKeyFailsAndLeavesFile()
{
    QVERIFY(createDatabase() != nullptr);
    const QByteArray before = readBytes(m_path);
    for (const auto mode :
         {SqlDatabase::OpenMode::ExistingOnly, SqlDatabase::OpenMode::CreateIfMissing}) {
        const auto opened = SqlDatabase::open(m_path, crypto::randomBytes(32), mode);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, QString::fromLatin1(errc::kStorage));
        QVERIFY(opened.error().message.contains(m_path));
        QVERIFY(opened.error().message.contains(QLatin1String("key does not match")));
        QVERIFY(opened.error().message.contains(QLatin1String("left untouched")));
    }
    QCOMPARE(readBytes(m_path), before);
    QVERIFY(!QFile::exists(m_path + QStringLiteral("-wal")));
}

void TestSqlDatabase::corruptFileFails()
{
    const QByteArray garbage = crypto::randomBytes(8192);
    QVERIFY(writeBytes(m_path, garbage));
    const auto opened = SqlDatabase::open(m_path, m_key, SqlDatabase::OpenMode::CreateIfMissing);
    QVERIFY(!opened.ok());
    QVERIFY(opened.error().message.contains(m_path));
    QCOMPARE(readBytes(m_path), garbage);

    const QByteArray plainHeader = QByteArray("SQLite format 3\0", 16) + QByteArray(4080, '\0');
    QVERIFY(writeBytes(m_path, plainHeader));
    QVERIFY(!SqlDatabase::open(m_path, m_key, SqlDatabase::OpenMode::ExistingOnly).ok());
    QCOMPARE(readBytes(m_path), plainHeader);
}

void TestSqlDatabase::existingOnlyRejectsMissingFile()
{
    const auto opened = SqlDatabase::open(m_path, m_key, SqlDatabase::OpenMode::ExistingOnly);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, QString::fromLatin1(errc::kNotFound));
    QVERIFY(opened.error().message.contains(m_path));
    QVERIFY(!QFile::exists(m_path));
}

void TestSqlDatabase::rejectsShortKey()
{
    const auto opened =
        SqlDatabase::open(m_path, crypto::randomBytes(16), SqlDatabase::OpenMode::CreateIfMissing);
    QVERIFY(!opened.ok());
    QVERIFY(!QFile::exists(m_path));
}

void TestSqlDatabase::filesArePrivate()
{
    const mode_t previous = ::umask(0);
    auto database = createDatabase();
    ::umask(previous);
    QVERIFY(database != nullptr);
    QCOMPARE(fileMode(m_path), mode_t(0600));
    // The connection is open and has written, so WAL mode keeps both side files.
    QCOMPARE(fileMode(m_path + QStringLiteral("-wal")), mode_t(0600));
    QCOMPARE(fileMode(m_path + QStringLiteral("-shm")), mode_t(0600));
}

void TestSqlDatabase::bindsAndReadsValues()
{
    auto database = openOrFail(m_path, m_key, SqlDatabase::OpenMode::CreateIfMissing);
    QVERIFY(database != nullptr);
    QVERIFY(
        database->exec(QStringLiteral("CREATE TABLE v (t TEXT, b BLOB, i INTEGER, n TEXT, e BLOB)"))
            .ok());
    const QString text = QStringLiteral("Grüße 🦴 ' ; DROP TABLE v; --");
    const QByteArray blob("\0\x01\xff binary\0", 11);
    auto insert = database->prepare(QStringLiteral("INSERT INTO v VALUES (?, ?, ?, ?, ?)"));
    QVERIFY(insert.ok());
    insert->bind(1, text).bind(2, blob).bind(3, qint64(1) << 40).bindNull(4).bind(5, QByteArray());
    QVERIFY(insert->exec().ok());
    QCOMPARE(database->changes(), 1);

    auto select = database->prepare(QStringLiteral("SELECT t, b, i, n, e, typeof(e) FROM v"));
    QVERIFY(select.ok());
    auto row = select->step();
    QVERIFY(row.ok());
    QVERIFY(row.value());
    QCOMPARE(select->columnText(0), text);
    QCOMPARE(select->columnBlob(1), blob);
    QCOMPARE(select->columnInt64(2), qint64(1) << 40);
    QVERIFY(select->columnIsNull(3));
    QVERIFY(!select->columnIsNull(4));
    QCOMPARE(select->columnText(5), QStringLiteral("blob"));
    auto end = select->step();
    QVERIFY(end.ok());
    QVERIFY(!end.value());
}

void TestSqlDatabase::prepareRejectsTwoStatements()
{
    auto database = openOrFail(m_path, m_key, SqlDatabase::OpenMode::CreateIfMissing);
    QVERIFY(database != nullptr);
    QVERIFY(!database->prepare(QStringLiteral("SELECT 1; SELECT 2")).ok());
    QVERIFY(!database->prepare(QString()).ok());
    QVERIFY(database->prepare(QStringLiteral("SELECT 1;")).ok());
    const auto invalid = database->prepare(QStringLiteral("SELEKT 1"));
    QVERIFY(!invalid.ok());
    QVERIFY(invalid.error().message.contains(QLatin1String("syntax error")));
}

void TestSqlDatabase::stepReportsConstraintError()
{
    auto database = openOrFail(m_path, m_key, SqlDatabase::OpenMode::CreateIfMissing);
    QVERIFY(database != nullptr);
    QVERIFY(database->exec(QStringLiteral("CREATE TABLE u (email TEXT UNIQUE)")).ok());
    auto insert = database->prepare(QStringLiteral("INSERT INTO u VALUES (?)"));
    QVERIFY(insert.ok());
    QVERIFY(insert->bind(1, QStringLiteral("a")).exec().ok());
    const auto duplicate = insert->exec();
    QVERIFY(!duplicate.ok());
    QCOMPARE(duplicate.error().code, QString::fromLatin1(errc::kStorage));
    QVERIFY(duplicate.error().message.contains(QLatin1String("UNIQUE")));
}

void TestSqlDatabase::foreignKeysEnforced()
{
    auto database = openOrFail(m_path, m_key, SqlDatabase::OpenMode::CreateIfMissing);
    QVERIFY(database != nullptr);
    QVERIFY(database
                ->exec(QStringLiteral("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                                      "CREATE TABLE child (parent INTEGER REFERENCES parent(id))"))
                .ok());
    QVERIFY(!database->exec(QStringLiteral("INSERT INTO child VALUES (42)")).ok());
}

void TestSqlDatabase::transactionCommits()
{
    auto database = createDatabase();
    QVERIFY(database != nullptr);
    const auto committed = database->transaction([&]() -> Result<void> {
        return database->exec(QStringLiteral("INSERT INTO notes (body) VALUES ('second')"));
    });
    QVERIFY(committed.ok());
    QCOMPARE(rowCount(*database, QStringLiteral("notes")), 2);
}

void TestSqlDatabase::transactionRollsBack()
{
    auto database = createDatabase();
    QVERIFY(database != nullptr);
    const auto failed = database->transaction([&]() -> Result<void> {
        if (auto inserted = database->exec(QStringLiteral("INSERT INTO notes (body) VALUES ('x')"));
            !inserted) {
            return inserted;
        }
        return makeError(QStringLiteral("test_error"), QStringLiteral("stop after the insert"));
    });
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, QStringLiteral("test_error"));
    QCOMPARE(rowCount(*database, QStringLiteral("notes")), 1);
    // The connection is usable again: no transaction stays open.
    QVERIFY(database->exec(QStringLiteral("BEGIN IMMEDIATE; COMMIT")).ok());
}

void TestSqlDatabase::nestedTransactionRollsBackInner()
{
    auto database = createDatabase();
    QVERIFY(database != nullptr);
    const auto outer = database->transaction([&]() -> Result<void> {
        if (auto kept = database->exec(QStringLiteral("INSERT INTO notes (body) VALUES ('kept')"));
            !kept) {
            return kept;
        }
        const auto inner = database->transaction([&]() -> Result<void> {
            if (auto dropped =
                    database->exec(QStringLiteral("INSERT INTO notes (body) VALUES ('dropped')"));
                !dropped) {
                return dropped;
            }
            return makeError(QStringLiteral("test_error"), QStringLiteral("undo the inner part"));
        });
        return inner.ok() ? makeError(QStringLiteral("test_error"), QStringLiteral("inner passed"))
                          : Result<void>();
    });
    QVERIFY(outer.ok());
    QCOMPARE(rowCount(*database, QStringLiteral("notes")), 2);
}

void TestSqlDatabase::migrationsApplyOnce()
{
    auto database = openOrFail(m_path, m_key, SqlDatabase::OpenMode::CreateIfMissing);
    QVERIFY(database != nullptr);
    // CREATE TABLE fails when run twice, so a repeated migration would show as an error.
    QStringList migrations{QStringLiteral("CREATE TABLE a (x INTEGER)"),
                           QStringLiteral("CREATE TABLE b (y TEXT); INSERT INTO a VALUES (1)")};
    QVERIFY(migrate(*database, migrations).ok());
    QCOMPARE(userVersion(*database), 2);
    QCOMPARE(rowCount(*database, QStringLiteral("a")), 1);

    QVERIFY(migrate(*database, migrations).ok());
    QCOMPARE(userVersion(*database), 2);
    QCOMPARE(rowCount(*database, QStringLiteral("a")), 1);

    migrations << QStringLiteral("INSERT INTO a VALUES (2)");
    database.reset();
    database = openOrFail(m_path, m_key, SqlDatabase::OpenMode::ExistingOnly);
    QVERIFY(database != nullptr);
    QVERIFY(migrate(*database, migrations).ok());
    QCOMPARE(userVersion(*database), 3);
    QCOMPARE(rowCount(*database, QStringLiteral("a")), 2);
}

void TestSqlDatabase::failedMigrationRollsBack()
{
    auto database = openOrFail(m_path, m_key, SqlDatabase::OpenMode::CreateIfMissing);
    QVERIFY(database != nullptr);
    const QStringList migrations{QStringLiteral("CREATE TABLE a (x INTEGER)"),
                                 QStringLiteral("CREATE TABLE half (z INTEGER); SELEKT broken")};
    const auto migrated = migrate(*database, migrations);
    QVERIFY(!migrated.ok());
    QVERIFY(migrated.error().message.contains(QLatin1String("version 2")));
    QCOMPARE(userVersion(*database), 1);
    QCOMPARE(rowCount(*database, QStringLiteral("a")), 0);
    QCOMPARE(rowCount(*database, QStringLiteral("half")), -1);
}

void TestSqlDatabase::newerSchemaRejected()
{
    auto database = openOrFail(m_path, m_key, SqlDatabase::OpenMode::CreateIfMissing);
    QVERIFY(database != nullptr);
    QVERIFY(database->exec(QStringLiteral("PRAGMA user_version = 5")).ok());
    const auto migrated = migrate(*database, {QStringLiteral("CREATE TABLE a (x INTEGER)")});
    QVERIFY(!migrated.ok());
    QVERIFY(migrated.error().message.contains(QLatin1String("schema version 5")));
    QCOMPARE(rowCount(*database, QStringLiteral("a")), -1);
}

QTEST_GUILESS_MAIN(TestSqlDatabase)
#include "TestSqlDatabase.moc"
