#pragma once

#include "AccessPolicy.h"
#include "AuthService.h"
#include "HttpMessage.h"
#include "RecordRepository.h"
#include "core/RecordInfo.h"
#include "core/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace chartinsight::server {

struct ServerContext;
class UploadSession;

// A record's metadata and a stream of its decrypted bytes.
struct RecordContent
{
    RecordInfo info;
    std::shared_ptr<BodySource> body;
};

// The destination of a new upload: its team, sharing mode and share list, checked before the
// body is read and again when the record row is written.
struct UploadTarget
{
    QString teamId;
    QString teamName;
    QString sharing = QString::fromLatin1(kSharingPrivate);
    QStringList sharedWith; // user ids; only for sharing "users"
    // Retention, set by RetentionService::applyUploadRetention: an explicit expiration wins
    // over `retentionDays`, which counts from the moment the record is stored.
    std::optional<qint64> expiresAt; // milliseconds since the Unix epoch, UTC
    std::optional<int> retentionDays;
    QString templateId;
};

// One line of a record's access report.
struct AccessEntry
{
    QString userId;
    QString email;
    QString reason; // "uploader", "team" or "shared"
};

// Records as a signed-in user sees them: list, metadata, sharing, download and the start of an
// upload. Every access decision goes through AccessPolicy; a record the caller cannot see is
// "not_found" exactly like a missing id. Every method blocks (database, decryption), so callers
// run them on the worker pool.
class RecordService
{
public:
    static constexpr int kMaxTitleLength = 200; // characters, after trimming

    explicit RecordService(ServerContext& context);

    Result<QList<RecordInfo>> list(const SessionUser& user);
    // `recordId` must already pass isValidRecordId, as in every method below.
    Result<RecordInfo> find(const SessionUser& user, const QString& recordId);
    // Sets the title (trimmed; empty clears it). Needs manage_files in the record's team.
    Result<RecordInfo> setTitle(const SessionUser& user, const QString& recordId,
                                const QString& title);
    // Sets the sharing mode and, for "users", the share list: ids or e-mail addresses of users
    // of the caller's organization. Needs the uploader or manage_files in the record's team.
    Result<RecordInfo> setSharing(const SessionUser& user, const QString& recordId,
                                  const QString& mode, const QStringList& users);
    // Who can see the record and why.
    Result<QList<AccessEntry>> access(const SessionUser& user, const QString& recordId);
    // Fails with not_found when `user` cannot see the record, and then appends a "denied"
    // entry for `action`, the change the caller attempted.
    Result<void> requireVisible(const SessionUser& user, const QString& recordId,
                                const QString& action);

    // Opens a record for its content and appends the audit entry `action`
    // ("record.viewed", "record.downloaded" or "record.synced"). No byte is sent unless the
    // entry is written, so every access that delivers content is in the audit log.
    Result<RecordContent> openContent(const SessionUser& user, const QString& recordId,
                                      const QString& action);

    // Checks the upload's team (default: the caller's only team with manage_files), sharing
    // mode and share list. Fails with "team_required", "invalid_sharing", "invalid_share_user",
    // "not_found" or "forbidden".
    Result<UploadTarget> resolveUploadTarget(const SessionUser& user, const QString& teamId,
                                             const QString& sharing, const QStringList& users);

    // Starts an upload with an already sanitized filename. Fails with "scanner_unavailable"
    // when no scanner is loaded, before anything is written.
    Result<std::unique_ptr<UploadSession>>
    beginUpload(const SessionUser& user, const QString& filename, const UploadTarget& target);

private:
    // Opens a record's decrypted content after the View check.
    Result<RecordContent> readContent(const SessionUser& user, const QString& recordId);
    // The record's JSON form for `userId`, with can_edit, can_share and shared_with.
    Result<RecordInfo> describe(const RecordRow& row, const QString& userId,
                                PermissionSet teamPermissions);
    // Appends an audit entry for an action on `recordId` by `user` that is already committed or
    // rejected. A failed write is logged, not returned.
    void audit(const SessionUser& user, const QString& action, const QString& recordId,
               const QString& outcome);
    // Resolves user ids or e-mail addresses to ids of users of `organizationId`, sorted and
    // without duplicates. Fails with "invalid_share_user" for anything else.
    Result<QStringList> resolveShareUsers(const QString& organizationId, const QStringList& users);

    ServerContext& m_context;
    RecordRepository m_records;
    AccessPolicy m_policy;
};

} // namespace chartinsight::server
