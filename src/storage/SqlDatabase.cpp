#include "SqlDatabase.h"

#include "core/ErrorCodes.h"
#include "crypto/KeyWrap.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <openssl/crypto.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chartinsight::storage {
namespace {

Q_LOGGING_CATEGORY(lcDatabase, "chartinsight.storage.database")

// A second process (add-user while the server runs) may hold the write lock for a moment.
constexpr int kBusyTimeoutMs = 10000;

constexpr mode_t kFileMode = S_IRUSR | S_IWUSR; // 0600

Error storageError(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kStorage), message);
}

// Creates an empty database file with mode 0600, so that SQLite never creates it with its
// default 0644. Returns 0, or an errno value (EEXIST when another process created it first).
int createEmptyFile(const QByteArray& encodedPath)
{
    const int fd =
        ::open(encodedPath.constData(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, kFileMode);
    if (fd < 0)
        return errno;
    ::close(fd);
    return 0;
}

// Sets mode 0600 on the database and its WAL and shared-memory files whatever the umask was.
// SQLite gives new -wal and -shm files the mode of the database file, so this holds for later
// ones too.
void restrictPermissions(const QByteArray& encodedPath)
{
    int failures = 0;
    int lastError = 0;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const QByteArray file = encodedPath + suffix;
        if (::chmod(file.constData(), kFileMode) != 0 && errno != ENOENT) {
            ++failures;
            lastError = errno;
        }
    }
    if (failures > 0) {
        qCWarning(lcDatabase, "Could not set mode 0600 on %d database files: %s", failures,
                  std::strerror(lastError));
    }
}

// Sends the raw key as a blob literal, so SQLCipher uses it directly instead of running
// PBKDF2 on a passphrase. The SQL text contains the key, so it is wiped after use.
int applyKey(sqlite3* handle, const QByteArray& rawKey)
{
    QByteArray hex = rawKey.toHex();
    QByteArray sql = "PRAGMA key = \"x'" + hex + "'\";";
    const int result = sqlite3_exec(handle, sql.constData(), nullptr, nullptr, nullptr);
    OPENSSL_cleanse(hex.data(), size_t(hex.size()));
    OPENSSL_cleanse(sql.data(), size_t(sql.size()));
    return result;
}

QString sqliteMessage(sqlite3* handle)
{
    return QStringLiteral("%1, SQLite error %2")
        .arg(QString::fromUtf8(sqlite3_errmsg(handle)))
        .arg(sqlite3_extended_errcode(handle));
}

Result<void> configureConnection(sqlite3* handle, const QString& path)
{
    sqlite3_stmt* statement = nullptr;
    QString journalMode;
    if (sqlite3_prepare_v2(handle, "PRAGMA journal_mode = WAL;", -1, &statement, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
        journalMode =
            QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    }
    sqlite3_finalize(statement);
    if (journalMode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        return storageError(QStringLiteral("Switching the database %1 to WAL journal mode "
                                           "failed: %2. Keep the database on a local file system.")
                                .arg(path, sqliteMessage(handle)));
    }

    const char* pragmas = "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";
    if (sqlite3_exec(handle, pragmas, nullptr, nullptr, nullptr) != SQLITE_OK) {
        return storageError(QStringLiteral("Configuring the database %1 failed: %2.")
                                .arg(path, sqliteMessage(handle)));
    }
    return {};
}

// Opens, keys and checks the connection. On failure the handle is closed and null.
Result<void> openConnection(sqlite3*& handle, const QString& path, const QByteArray& rawKey,
                            SqlDatabase::OpenMode mode)
{
    const QByteArray encodedPath = QFile::encodeName(path);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
    if (mode == SqlDatabase::OpenMode::CreateIfMissing)
        flags |= SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(encodedPath.constData(), &handle, flags, nullptr) != SQLITE_OK) {
        const QString message = handle ? sqliteMessage(handle) : QStringLiteral("out of memory");
        return storageError(QStringLiteral("Opening the database %1 failed: %2. Check that the "
                                           "folder exists and is writable.")
                                .arg(path, message));
    }
    sqlite3_busy_timeout(handle, kBusyTimeoutMs);

    if (applyKey(handle, rawKey) != SQLITE_OK) {
        return storageError(QStringLiteral("Setting the key of the database %1 failed: %2.")
                                .arg(path, sqliteMessage(handle)));
    }
    // SQLCipher accepts any key and only fails at the first page read, so read now. Nothing
    // has been written yet, so a failure here leaves the file as it was.
    if (sqlite3_exec(handle, "SELECT count(*) FROM sqlite_master;", nullptr, nullptr, nullptr) !=
        SQLITE_OK) {
        return storageError(QStringLiteral("Opening the database %1 failed: the key does not "
                                           "match or the file is damaged (%2). The file was left "
                                           "untouched: supply the key it was created with, or "
                                           "restore the file from a backup.")
                                .arg(path, sqliteMessage(handle)));
    }
    return configureConnection(handle, path);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// SqlStatement

SqlStatement::SqlStatement(SqlDatabase* database, sqlite3_stmt* statement)
    : m_database(database), m_statement(statement)
{
}

SqlStatement::SqlStatement(SqlStatement&& other) noexcept
    : m_database(other.m_database), m_statement(other.m_statement), m_bindError(other.m_bindError),
      m_bindErrorIndex(other.m_bindErrorIndex)
{
    other.m_statement = nullptr;
}

SqlStatement::~SqlStatement()
{
    sqlite3_finalize(m_statement);
}

void SqlStatement::recordBindResult(int index, int resultCode)
{
    if (resultCode != SQLITE_OK && m_bindError == SQLITE_OK) {
        m_bindError = resultCode;
        m_bindErrorIndex = index;
    }
}

SqlStatement& SqlStatement::bind(int index, const QString& value)
{
    const QByteArray utf8 = value.toUtf8();
    if (utf8.size() > INT_MAX) {
        recordBindResult(index, SQLITE_TOOBIG);
        return *this;
    }
    recordBindResult(index, sqlite3_bind_text(m_statement, index, utf8.constData(),
                                              int(utf8.size()), SQLITE_TRANSIENT));
    return *this;
}

SqlStatement& SqlStatement::bind(int index, const QByteArray& value)
{
    if (value.size() > INT_MAX) {
        recordBindResult(index, SQLITE_TOOBIG);
        return *this;
    }
    // A zero-length blob stays a blob (not NULL) whatever pointer an empty QByteArray has.
    const int result = value.isEmpty() ? sqlite3_bind_zeroblob(m_statement, index, 0)
                                       : sqlite3_bind_blob(m_statement, index, value.constData(),
                                                           int(value.size()), SQLITE_TRANSIENT);
    recordBindResult(index, result);
    return *this;
}

SqlStatement& SqlStatement::bind(int index, qint64 value)
{
    recordBindResult(index, sqlite3_bind_int64(m_statement, index, value));
    return *this;
}

SqlStatement& SqlStatement::bindNull(int index)
{
    recordBindResult(index, sqlite3_bind_null(m_statement, index));
    return *this;
}

Result<bool> SqlStatement::step()
{
    if (m_bindError != SQLITE_OK) {
        return storageError(QStringLiteral("Binding parameter %1 of a statement failed: %2.")
                                .arg(m_bindErrorIndex)
                                .arg(QString::fromUtf8(sqlite3_errstr(m_bindError))));
    }
    const int result = sqlite3_step(m_statement);
    if (result == SQLITE_ROW)
        return true;
    if (result == SQLITE_DONE)
        return false;
    Error error = m_database->lastError(QStringLiteral("Running a statement failed"));
    sqlite3_reset(m_statement);
    return error;
}

Result<void> SqlStatement::exec()
{
    for (;;) {
        auto row = step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
    }
    sqlite3_reset(m_statement); // bindings stay, so the statement can run again
    return {};
}

QString SqlStatement::columnText(int index) const
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, index));
    return QString::fromUtf8(text, sqlite3_column_bytes(m_statement, index));
}

QByteArray SqlStatement::columnBlob(int index) const
{
    const auto* data = static_cast<const char*>(sqlite3_column_blob(m_statement, index));
    return QByteArray(data, sqlite3_column_bytes(m_statement, index));
}

qint64 SqlStatement::columnInt64(int index) const
{
    return sqlite3_column_int64(m_statement, index);
}

bool SqlStatement::columnIsNull(int index) const
{
    return sqlite3_column_type(m_statement, index) == SQLITE_NULL;
}

// ---------------------------------------------------------------------------------------------
// SqlDatabase

SqlDatabase::SqlDatabase(sqlite3* handle, QString path) : m_handle(handle), m_path(std::move(path))
{
}

SqlDatabase::~SqlDatabase()
{
    sqlite3_close_v2(m_handle);
}

Result<std::unique_ptr<SqlDatabase>> SqlDatabase::open(const QString& path,
                                                       const QByteArray& rawKey, OpenMode mode)
{
    if (rawKey.size() != crypto::kKeySize) {
        return storageError(QStringLiteral("The key for the database %1 has %2 bytes, but "
                                           "SQLCipher needs a raw %3-byte key (64 hex digits).")
                                .arg(path)
                                .arg(rawKey.size())
                                .arg(crypto::kKeySize));
    }

    const QByteArray encodedPath = QFile::encodeName(path);
    bool created = false;
    if (!QFileInfo::exists(path)) {
        if (mode == OpenMode::ExistingOnly) {
            return makeError(QString::fromLatin1(errc::kNotFound),
                             QStringLiteral("The database %1 does not exist. Check the path, or "
                                            "create the database first.")
                                 .arg(path));
        }
        const int error = createEmptyFile(encodedPath);
        if (error != 0 && error != EEXIST) {
            return storageError(QStringLiteral("Creating the database %1 failed: %2.")
                                    .arg(path, QString::fromLocal8Bit(std::strerror(error))));
        }
        created = error == 0;
    }

    sqlite3* handle = nullptr;
    auto opened = openConnection(handle, path, rawKey, mode);
    if (!opened) {
        sqlite3_close_v2(handle);
        if (created) {
            // Only the empty file made above (and any WAL files) is removed, never older data.
            for (const char* suffix : {"", "-wal", "-shm"})
                ::unlink((encodedPath + suffix).constData());
        }
        return opened.error();
    }
    restrictPermissions(encodedPath);
    return std::unique_ptr<SqlDatabase>(new SqlDatabase(handle, path));
}

Result<void> SqlDatabase::exec(const QString& sql)
{
    std::lock_guard lock(m_mutex);
    char* message = nullptr;
    const int result = sqlite3_exec(m_handle, sql.toUtf8().constData(), nullptr, nullptr, &message);
    if (result == SQLITE_OK)
        return {};
    const QString text =
        message ? QString::fromUtf8(message) : QString::fromUtf8(sqlite3_errstr(result));
    sqlite3_free(message);
    return storageError(
        QStringLiteral("Running SQL on the database %1 failed: %2, SQLite error %3.")
            .arg(m_path, text)
            .arg(result));
}

Result<SqlStatement> SqlDatabase::prepare(const QString& sql)
{
    std::lock_guard lock(m_mutex);
    const QByteArray utf8 = sql.toUtf8();
    sqlite3_stmt* statement = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(m_handle, utf8.constData(), int(utf8.size()), &statement, &tail) !=
        SQLITE_OK) {
        return lastError(QStringLiteral("Preparing a statement failed"));
    }
    SqlStatement prepared(this, statement);
    if (statement == nullptr)
        return storageError(QStringLiteral("Preparing a statement failed: the SQL is empty."));
    if (!QByteArray(tail).trimmed().isEmpty()) {
        return storageError(
            QStringLiteral("Preparing a statement failed: the SQL contains more than "
                           "one statement. Use exec() for scripts."));
    }
    return prepared;
}

Result<void> SqlDatabase::transaction(const std::function<Result<void>()>& work)
{
    std::lock_guard lock(m_mutex);
    // Inside an open transaction a savepoint nests the work, so a failure there undoes only it.
    const bool nested = sqlite3_get_autocommit(m_handle) == 0;
    const QString begin = nested ? QStringLiteral("SAVEPOINT chartinsight_nested")
                                 : QStringLiteral("BEGIN IMMEDIATE");
    const QString commit =
        nested ? QStringLiteral("RELEASE chartinsight_nested") : QStringLiteral("COMMIT");
    const QString rollback = nested ? QStringLiteral("ROLLBACK TO chartinsight_nested; "
                                                     "RELEASE chartinsight_nested")
                                    : QStringLiteral("ROLLBACK");
    const auto rollBack = [&] {
        // SQLite may already have rolled back by itself (for example after SQLITE_FULL).
        if (sqlite3_get_autocommit(m_handle) == 0) {
            if (auto undone = exec(rollback); !undone)
                qCWarning(lcDatabase, "Rolling back a transaction failed");
        }
    };

    if (auto begun = exec(begin); !begun)
        return begun;
    Result<void> result;
    try {
        result = work();
    } catch (...) {
        rollBack();
        throw;
    }
    if (!result) {
        rollBack();
        return result;
    }
    if (auto committed = exec(commit); !committed) {
        rollBack();
        return committed;
    }
    return {};
}

qint64 SqlDatabase::changes() const
{
    return sqlite3_changes(m_handle);
}

Error SqlDatabase::lastError(const QString& what) const
{
    return storageError(
        QStringLiteral("%1 in the database %2: %3.").arg(what, m_path, sqliteMessage(m_handle)));
}

namespace {

Result<qint64> readUserVersion(SqlDatabase& database)
{
    auto statement = database.prepare(QStringLiteral("PRAGMA user_version"));
    if (!statement)
        return statement.error();
    auto row = statement->step();
    if (!row)
        return row.error();
    return row.value() ? statement->columnInt64(0) : 0;
}

} // namespace

Result<void> migrate(SqlDatabase& database, const QStringList& migrations)
{
    return database.withLock([&](SqlDatabase& db) -> Result<void> {
        // The version is read inside each transaction, so two processes that start at once
        // apply every migration exactly once between them.
        for (;;) {
            bool upToDate = false;
            qint64 applied = 0;
            auto step = db.transaction([&]() -> Result<void> {
                auto version = readUserVersion(db);
                if (!version)
                    return version.error();
                if (version.value() > migrations.size()) {
                    return storageError(
                        QStringLiteral("The database %1 has schema version %2, but this program "
                                       "knows only versions up to %3. Update ChartInsight.")
                            .arg(db.path())
                            .arg(version.value())
                            .arg(migrations.size()));
                }
                if (version.value() == migrations.size()) {
                    upToDate = true;
                    return {};
                }
                applied = version.value() + 1;
                if (auto ran = db.exec(migrations.at(version.value())); !ran) {
                    return storageError(QStringLiteral("Migrating the database to schema version "
                                                       "%1 failed, so it stays at version %2: %3")
                                            .arg(applied)
                                            .arg(version.value())
                                            .arg(ran.error().message));
                }
                return db.exec(QStringLiteral("PRAGMA user_version = %1").arg(applied));
            });
            if (!step)
                return step;
            if (upToDate)
                return {};
            qCInfo(lcDatabase, "Migrated the database to schema version %lld", applied);
        }
    });
}

} // namespace chartinsight::storage
