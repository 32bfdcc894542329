#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace chartinsight::server {

// The server's data folder and its fixed layout:
// - db.key: the database key, 64 hex characters, mode 0600 (unused when CHARTINSIGHT_DB_KEY
//   is set)
// - chartinsight.db: the SQLCipher database
// - store/: the encrypted object store (FileStore)
// - tls/: server.crt and server.key of the self-signed certificate
// - tmp/: the scanner's temporary files, emptied at every start
// Every folder the server creates has mode 0700 and every secret file mode 0600.
class DataDirectory
{
public:
    explicit DataDirectory(QString rootPath);
    ~DataDirectory();
    DataDirectory(const DataDirectory&) = delete;
    DataDirectory& operator=(const DataDirectory&) = delete;

    // Creates the folder (mode 0700) when missing. An existing folder is kept; a warning is
    // logged when other users can open it.
    Result<void> create();

    // Reads the database key from db.key, or creates that file with 32 random bytes as hex
    // (O_EXCL, mode 0600). Refuses to create a new key when the database already exists,
    // because the new key could never open it.
    Result<QByteArray> loadOrCreateDatabaseKey();

    // Returns `givenKey` (from CHARTINSIGHT_DB_KEY) when set, else loadOrCreateDatabaseKey().
    Result<QByteArray> databaseKey(const std::optional<QByteArray>& givenKey);

    // Creates the folder `path` below the root with mode 0700 when missing.
    Result<void> createSubfolder(const QString& path);
    // Removes everything in tmp/ and recreates it with mode 0700.
    Result<void> resetTempFolder();

    // Takes an exclusive lock (flock) on DIR/serve.lock for the life of this object, so a second
    // `serve` on the same folder stops before it clears temporary files that the first one is
    // writing. Several servers share a database and an object store, never one data folder.
    // add-user takes no lock, because SQLite serialises its writes.
    Result<void> lockForServing();

    QString rootPath() const { return m_rootPath; }
    QString databasePath() const;
    QString databaseKeyPath() const;
    QString storePath() const;
    QString tempPath() const;
    QString tlsPath() const;
    QString certificatePath() const;
    QString privateKeyPath() const;

private:
    Result<QByteArray> readDatabaseKey() const;
    QString m_rootPath;
    int m_lockFd = -1;
};

} // namespace chartinsight::server
