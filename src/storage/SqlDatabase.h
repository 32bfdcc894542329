#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace chartinsight::storage {

class SqlDatabase;

// One prepared statement. Bind with 1-based indexes, then step(). Obtained from
// SqlDatabase::prepare and used only while the caller holds the database's lock.
class SqlStatement
{
public:
    ~SqlStatement();
    SqlStatement(SqlStatement&& other) noexcept;
    SqlStatement& operator=(SqlStatement&&) = delete;

    SqlStatement& bind(int index, const QString& value);
    SqlStatement& bind(int index, const QByteArray& value); // BLOB
    SqlStatement& bind(int index, qint64 value);
    SqlStatement& bindNull(int index);

    // Returns true while a row is available, false when done.
    Result<bool> step();
    // Runs a statement that returns no rows.
    Result<void> exec();

    QString columnText(int index) const;
    QByteArray columnBlob(int index) const;
    qint64 columnInt64(int index) const;
    bool columnIsNull(int index) const;

private:
    friend class SqlDatabase;
    SqlStatement(SqlDatabase* database, sqlite3_stmt* statement);
    void recordBindResult(int index, int resultCode);
    SqlDatabase* m_database;
    sqlite3_stmt* m_statement;
    // The first failed bind, reported by the next step() or exec(), because bind() returns
    // the statement for chaining.
    int m_bindError = 0;
    int m_bindErrorIndex = 0;
};

// An SQLCipher database opened through the C API with a raw 256-bit key
// (PRAGMA key = "x'<64 hex>'", so no key derivation runs on open).
//
// SQLCipher accepts any key at PRAGMA key and fails only at the first read, so open() reads
// sqlite_master at once: a wrong key or a corrupt file returns an error and the file is left
// untouched. Opening uses WAL mode and a busy timeout, so a second process (for example
// `chartinsight-server add-user` while the server runs) can write too.
//
// All access goes through withLock(), which serialises threads on one connection.
class SqlDatabase
{
public:
    enum class OpenMode
    {
        CreateIfMissing,
        ExistingOnly
    };

    static Result<std::unique_ptr<SqlDatabase>> open(const QString& path, const QByteArray& rawKey,
                                                     OpenMode mode);
    ~SqlDatabase();

    // Runs `work` with the connection locked. `work` may call exec, prepare and transaction.
    template <typename F>
    auto withLock(F&& work)
    {
        std::lock_guard lock(m_mutex);
        return work(*this);
    }

    Result<void> exec(const QString& sql);
    Result<SqlStatement> prepare(const QString& sql);

    // Runs `work` inside BEGIN IMMEDIATE ... COMMIT; rolls back when it returns an error.
    // Called inside another transaction(), the work runs in a savepoint of the outer one.
    Result<void> transaction(const std::function<Result<void>()>& work);

    qint64 changes() const;
    QString path() const { return m_path; }

    // Error for the connection's last failure, with the SQLite message and `what` in front.
    Error lastError(const QString& what) const;

private:
    SqlDatabase(sqlite3* handle, QString path);
    sqlite3* m_handle;
    QString m_path;
    std::recursive_mutex m_mutex;
};

// Applies numbered migrations in order, recording the version in PRAGMA user_version.
// migrations[0] moves version 0 to 1, and so on. Each runs in its own transaction.
Result<void> migrate(SqlDatabase& database, const QStringList& migrations);

} // namespace chartinsight::storage
