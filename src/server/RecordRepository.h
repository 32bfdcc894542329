#pragma once

#include "core/RecordInfo.h"
#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

struct RecordRow
{
    QString id; // random UUID, the record id clients see
    QString organizationId;
    QString ownerId;
    QString filename;      // sanitized display name
    qint64 size = 0;       // plaintext bytes
    QString sha256;        // lower-case hex of the plaintext
    QString objectId;      // FileStore object holding the encrypted bytes
    QByteArray wrappedKey; // the object's data key wrapped by the master key, context = id
    qint64 createdAt = 0;  // milliseconds since the Unix epoch, UTC

    RecordInfo toInfo() const;
};

// Record metadata in the server database. Every read is scoped to an owner, so a caller can
// never fetch a record by id alone.
class RecordRepository
{
public:
    explicit RecordRepository(storage::SqlDatabase& database) : m_database(database) {}

    Result<void> insert(const RecordRow& record);
    // Newest first.
    Result<QList<RecordRow>> listForOwner(const QString& ownerId);
    Result<std::optional<RecordRow>> findForOwner(const QString& recordId, const QString& ownerId);

private:
    storage::SqlDatabase& m_database;
};

} // namespace chartinsight::server
