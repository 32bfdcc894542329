#pragma once

#include "core/Result.h"
#include "crypto/SegmentedCipher.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace chartinsight::storage {

// An object being written: encrypted as it arrives into a temporary file, readable back
// through decryption (for the scanner) before it is committed.
struct PendingObject
{
    QString objectId;   // random UUID; also the object's file name once committed
    QByteArray dataKey; // 32 random bytes; the caller wraps it with the master key
    QString tempPath;
    std::unique_ptr<crypto::EncryptingWriter> writer;
    bool committed = false;
};

// Encrypted object store in one folder of the data directory:
//   <root>/objects/<first two hex digits of id>/<id>   committed objects
//   <root>/tmp/<id>.part                                 uploads in progress
// Objects are named by random ids, never by client filenames. Folders are mode 0700 and
// files 0600. Plaintext never reaches the disk: objects are written by EncryptingWriter.
//
// This is the interface a later S3-compatible backend implements too, so callers keep no
// assumptions about paths beyond this class.
class FileStore
{
public:
    explicit FileStore(QString rootDir);

    // Creates the folders and removes temporary files left by an interrupted upload or a crash.
    Result<void> initialize();

    // Starts an object under a new random data key.
    Result<std::unique_ptr<PendingObject>> begin();
    // Starts an object with a new random id (crypto::randomUuid()) chosen by the caller and a
    // data key (32 bytes) that the caller derived for this object alone. The segment nonces
    // repeat in every object, so one key must never encrypt two objects.
    Result<std::unique_ptr<PendingObject>> begin(const QString& objectId,
                                                 const QByteArray& dataKey);
    // Opens a pending object for reading; its writer must be finished.
    Result<std::unique_ptr<crypto::DecryptingReader>> openPending(const PendingObject& object);
    // Moves the finished object into place: rename, then fsync of the file and of both folders.
    Result<void> commit(PendingObject& object);
    // Removes the temporary file of an object that will not be committed. Safe to call twice.
    void discard(PendingObject& object);

    Result<std::unique_ptr<crypto::DecryptingReader>> open(const QString& objectId,
                                                           const QByteArray& dataKey);
    Result<void> remove(const QString& objectId);
    bool contains(const QString& objectId) const;

    QString rootDir() const { return m_rootDir; }

private:
    QString objectPath(const QString& objectId) const;
    QString pendingPath(const QString& objectId) const;
    QString objectsDir() const;
    QString tmpDir() const;
    QString m_rootDir;
};

} // namespace chartinsight::storage
