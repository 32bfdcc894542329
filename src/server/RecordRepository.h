#pragma once

#include "core/RecordInfo.h"
#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// Sharing modes of a record, as stored in records.sharing and sent in JSON.
inline constexpr char kSharingPrivate[] = "private"; // the uploader only
inline constexpr char kSharingTeam[] = "team";       // current members of the record's team
inline constexpr char kSharingUsers[] = "users";     // the uploader and the users in record_shares

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
    QString teamId;
    QString sharing = QString::fromLatin1(kSharingPrivate);
    QString title;    // empty until someone sets one
    QString teamName; // read from teams; not written by insert()
    std::optional<qint64> expiresAt; // milliseconds since the Unix epoch, UTC; none: no expiry
    bool legalHold = false;          // erasure suspended
    QString templateId;              // the template chosen at upload; empty for none

    RecordInfo toInfo() const;
};

// Record metadata in the server database. Reads by id or for a list go through the visibility
// condition of AccessPolicy, so a caller can never fetch a record by id alone.
class RecordRepository
{
public:
    explicit RecordRepository(storage::SqlDatabase& database) : m_database(database) {}

    // Inserts the record and, for sharing mode "users", its record_shares rows.
    Result<void> insert(const RecordRow& record, const QStringList& sharedWith = {});

    // The records `userId` can see, newest first.
    Result<QList<RecordRow>> listVisible(const QString& userId);
    Result<std::optional<RecordRow>> findVisible(const QString& recordId, const QString& userId);
    // A record of `organizationId` whoever uploaded it, for organization-wide work such as
    // the organization export. Callers check manage_organization first.
    Result<std::optional<RecordRow>> findInOrganization(const QString& recordId,
                                                        const QString& organizationId);

    // The ids of the users a record is shared with (record_shares), sorted.
    Result<QStringList> sharedWith(const QString& recordId);

    Result<void> setTitle(const QString& recordId, const QString& title);
    // Replaces the sharing mode and the share list in one transaction. The list is stored only
    // for mode "users"; other modes clear it.
    Result<void> setSharing(const QString& recordId, const QString& mode,
                            const QStringList& userIds);

private:
    storage::SqlDatabase& m_database;
};

} // namespace chartinsight::server
