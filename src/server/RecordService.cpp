#include "RecordService.h"

#include "AuditLog.h"
#include "AuthErrors.h"
#include "Derivatives.h"
#include "EmailAddress.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "SqlHelpers.h"
#include "UploadSession.h"
#include "core/ErrorCodes.h"
#include "crypto/KeyWrap.h"
#include "crypto/SegmentedCipher.h"
#include "storage/FileStore.h"
#include "storage/SqlDatabase.h"

namespace chartinsight::server {
namespace {

// Streams a committed object's plaintext from the start to the end.
class DecryptingBodySource : public BodySource
{
public:
    DecryptingBodySource(std::unique_ptr<crypto::DecryptingReader> reader, QString recordId)
        : m_reader(std::move(reader)), m_recordId(std::move(recordId))
    {
    }

    qint64 size() const override { return m_reader->size(); }

    Result<qsizetype> read(char* buffer, qsizetype capacity) override
    {
        auto read = m_reader->readAt(m_offset, buffer, capacity);
        if (!read) {
            qCCritical(lcRecords).noquote() << "reading record" << m_recordId << "at offset"
                                            << m_offset << "failed:" << read.error().message;
            return read.error();
        }
        m_offset += read.value();
        return read.value();
    }

private:
    std::unique_ptr<crypto::DecryptingReader> m_reader;
    QString m_recordId;
    qint64 m_offset = 0;
};

Error recordDamaged(const QString& recordId)
{
    return makeError(QString::fromLatin1(errc::kRecordDamaged),
                     QStringLiteral("The stored file of record %1 is damaged: it fails its "
                                    "integrity check, so the server sends none of it. Ask the "
                                    "administrator to restore the record from a backup.")
                         .arg(recordId));
}

Error invalidSharing(const QString& mode)
{
    return makeError(QString::fromLatin1(accessc::kInvalidSharing),
                     QStringLiteral("The sharing mode \"%1\" is unknown; use \"private\", "
                                    "\"team\" or \"users\".")
                         .arg(mode.left(32)));
}

Error invalidShareUser(const QString& user)
{
    // The same message for unknown users and users of other organizations, so that other
    // organizations' addresses cannot be probed.
    return makeError(QString::fromLatin1(accessc::kInvalidShareUser),
                     QStringLiteral("The user \"%1\" is not a user of your organization; pick "
                                    "users from GET /api/v1/users.")
                         .arg(user.left(254)));
}

bool isSharingMode(const QString& mode)
{
    return mode == QLatin1String(kSharingPrivate) || mode == QLatin1String(kSharingTeam) ||
           mode == QLatin1String(kSharingUsers);
}

} // namespace

RecordService::RecordService(ServerContext& context)
    : m_context(context), m_records(*context.database), m_policy(*context.database)
{
}

Result<RecordInfo> RecordService::describe(const RecordRow& row, const QString& userId,
                                           PermissionSet teamPermissions)
{
    RecordInfo info = row.toInfo();
    info.canEdit = AccessPolicy::canEdit(teamPermissions);
    info.canShare = AccessPolicy::canShare(row, userId, teamPermissions);
    info.canDelete = AccessPolicy::canErase(row, userId, teamPermissions);
    if (row.sharing == QLatin1String(kSharingUsers)) {
        auto shared = m_records.sharedWith(row.id);
        if (!shared)
            return shared.error();
        info.sharedWith = shared.value();
    }
    auto derived = derivedStatus(*m_context.database, row.id);
    if (!derived)
        return derived.error();
    info.derived = derived->derived;
    info.hasPreview = derived->hasPreview;
    info.hasText = derived->hasText;
    return info;
}

Result<QList<RecordInfo>> RecordService::list(const SessionUser& user)
{
    auto rows = m_records.listVisible(user.userId);
    if (!rows)
        return rows.error();
    auto memberships = m_policy.memberships(user.userId);
    if (!memberships)
        return memberships.error();
    QList<RecordInfo> records;
    records.reserve(rows->size());
    for (const RecordRow& row : std::as_const(rows.value())) {
        auto info = describe(row, user.userId, memberships->value(row.teamId, kNoPermissions));
        if (!info)
            return info.error();
        records << info.value();
    }
    return records;
}

Result<RecordInfo> RecordService::find(const SessionUser& user, const QString& recordId)
{
    auto row = m_policy.requireRecord(user.userId, recordId, RecordAction::View);
    if (!row)
        return row.error();
    auto permissions = m_policy.teamPermissions(user.userId, row->teamId);
    if (!permissions)
        return permissions.error();
    return describe(row.value(), user.userId, permissions.value());
}

Result<RecordInfo> RecordService::setTitle(const SessionUser& user, const QString& recordId,
                                           const QString& title)
{
    const QString trimmed = title.trimmed();
    if (trimmed.size() > kMaxTitleLength) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The title has %1 characters; use at most %2.")
                             .arg(trimmed.size())
                             .arg(kMaxTitleLength));
    }
    for (const QChar character : trimmed) {
        if (character.category() == QChar::Other_Control) {
            return makeError(QString::fromLatin1(errc::kInvalidRequest),
                             QStringLiteral("The title contains a control character (U+%1); "
                                            "remove it.")
                                 .arg(int(character.unicode()), 4, 16, QLatin1Char('0')));
        }
    }
    // The check and the write share one transaction, so a permission taken away meanwhile
    // cannot let the write through.
    auto done = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto row = m_policy.requireRecord(user.userId, recordId, RecordAction::EditMetadata);
            if (!row)
                return row.error();
            if (auto changed = m_records.setTitle(recordId, trimmed); !changed)
                return changed;
            return AuditLog(db).append(userAuditEntry(user, QStringLiteral("record.title_changed"),
                                                      QStringLiteral("record"), recordId,
                                                      QStringLiteral("success")));
        });
    });
    if (!done) {
        if (done.error().code == QLatin1String(authc::kForbidden)) {
            qCInfo(lcAccess).noquote()
                << "denied title change of record" << recordId << "to user" << user.userId;
            audit(user, QStringLiteral("record.title_changed"), recordId, QStringLiteral("denied"));
        }
        return done.error();
    }
    qCInfo(lcAccess).noquote() << "user" << user.userId << "changed the title of record"
                               << recordId;
    return find(user, recordId);
}

Result<RecordInfo> RecordService::setSharing(const SessionUser& user, const QString& recordId,
                                             const QString& mode, const QStringList& users)
{
    // Visibility comes first, so that a caller who cannot see the record learns nothing from
    // the validation of the rest of the request.
    if (auto visible = requireVisible(user, recordId, QStringLiteral("record.sharing_changed"));
        !visible)
        return visible.error();
    if (!isSharingMode(mode))
        return invalidSharing(mode);
    QStringList userIds;
    if (mode == QLatin1String(kSharingUsers)) {
        auto resolved = resolveShareUsers(user.organizationId, users);
        if (!resolved)
            return resolved.error();
        userIds = resolved.value();
    }
    auto done = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto row = m_policy.requireRecord(user.userId, recordId, RecordAction::ChangeSharing);
            if (!row)
                return row.error();
            if (auto changed = m_records.setSharing(recordId, mode, userIds); !changed)
                return changed;
            AuditEntry entry =
                userAuditEntry(user, QStringLiteral("record.sharing_changed"),
                               QStringLiteral("record"), recordId, QStringLiteral("success"));
            entry.details = QJsonObject{{QStringLiteral("shared_users"), userIds.size()}};
            return AuditLog(db).append(std::move(entry));
        });
    });
    if (!done) {
        if (done.error().code == QLatin1String(authc::kForbidden)) {
            qCInfo(lcAccess).noquote()
                << "denied sharing change of record" << recordId << "to user" << user.userId;
            audit(user, QStringLiteral("record.sharing_changed"), recordId,
                  QStringLiteral("denied"));
        }
        return done.error();
    }
    qCInfo(lcAccess).noquote() << "user" << user.userId << "set the sharing of record" << recordId
                               << "to" << mode << "with" << userIds.size() << "users";
    return find(user, recordId);
}

Result<QList<AccessEntry>> RecordService::access(const SessionUser& user, const QString& recordId)
{
    auto row = m_policy.requireRecord(user.userId, recordId, RecordAction::View);
    if (!row)
        return row.error();
    // The uploader first, then team members or listed users, each once, by e-mail address.
    auto found = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::rows(
            db,
            QStringLiteral(
                "SELECT u.id, u.email, 'uploader' AS reason, 0 AS rank FROM users u WHERE u.id = ? "
                "UNION SELECT u.id, u.email, 'team', 1 FROM team_members m "
                "JOIN users u ON u.id = m.user_id WHERE ? = 'team' AND m.team_id = ? "
                "AND u.id <> ? AND u.organization_id = ? "
                "UNION SELECT u.id, u.email, 'shared', 1 FROM record_shares s "
                "JOIN users u ON u.id = s.user_id WHERE ? = 'users' AND s.record_id = ? "
                "AND u.id <> ? AND u.organization_id = ? "
                "ORDER BY 4, 2"),
            {row->ownerId, row->sharing, row->teamId, row->ownerId, row->organizationId,
             row->sharing, row->id, row->ownerId, row->organizationId},
            3);
    });
    if (!found)
        return found.error();
    QList<AccessEntry> entries;
    for (const QVariantList& columns : std::as_const(found.value()))
        entries << AccessEntry{columns.at(0).toString(), columns.at(1).toString(),
                               columns.at(2).toString()};
    return entries;
}

Result<void> RecordService::requireVisible(const SessionUser& user, const QString& recordId,
                                           const QString& action)
{
    auto visible = m_policy.canSeeRecord(user.userId, recordId);
    if (!visible) {
        if (visible.error().code == QLatin1String(errc::kNotFound))
            audit(user, action, recordId, QStringLiteral("denied"));
        return visible.error();
    }
    return {};
}

Result<RecordContent> RecordService::openContent(const SessionUser& user, const QString& recordId,
                                                 const QString& action)
{
    auto content = readContent(user, recordId);
    if (!content) {
        // A record the caller cannot see is "not_found" like a missing id.
        const bool denied = content.error().code == QLatin1String(errc::kNotFound) ||
                            content.error().code == QLatin1String(authc::kForbidden);
        audit(user, action, recordId, denied ? QStringLiteral("denied") : QStringLiteral("failed"));
        return content.error();
    }
    if (auto appended = AuditLog(*m_context.database)
                            .append(userAuditEntry(user, action, QStringLiteral("record"), recordId,
                                                   QStringLiteral("success")));
        !appended) {
        qCCritical(lcRecords).noquote()
            << "withholding record" << recordId
            << "because its audit entry failed:" << appended.error().message;
        return appended.error();
    }
    return content;
}

Result<RecordContent> RecordService::readContent(const SessionUser& user, const QString& recordId)
{
    auto row = m_policy.requireRecord(user.userId, recordId, RecordAction::View);
    if (!row)
        return row.error();
    const RecordRow& record = row.value();

    auto dataKey =
        crypto::unwrapKey(m_context.secrets.masterKey, record.wrappedKey, record.id.toUtf8());
    if (!dataKey) {
        qCCritical(lcRecords).noquote()
            << "unwrapping the key of record" << record.id << "failed:" << dataKey.error().message;
        return dataKey.error();
    }
    auto reader = m_context.fileStore->open(record.objectId, dataKey.value());
    if (!reader) {
        qCCritical(lcRecords).noquote() << "opening object" << record.objectId << "of record"
                                        << record.id << "failed:" << reader.error().message;
        if (reader.error().code == QLatin1String(errc::kIntegrity))
            return recordDamaged(record.id);
        // A record whose object cannot be read is a server fault, never "not found".
        return makeError(QString::fromLatin1(errc::kStorage),
                         QStringLiteral("The stored file of record %1 cannot be read: %2")
                             .arg(record.id, reader.error().message));
    }
    if (reader.value()->size() != record.size) {
        qCCritical(lcRecords).noquote()
            << "object" << record.objectId << "of record" << record.id << "holds"
            << reader.value()->size() << "bytes, the record" << record.size;
        return recordDamaged(record.id);
    }
    // The status line cannot be taken back once sent, so the first segment is authenticated
    // before it: most damage then gets a clear error instead of a download that breaks off.
    // Damage in a later segment still ends the stream early. The reader caches the segment,
    // so the body does not decrypt it again.
    char first = 0;
    if (record.size > 0) {
        if (auto checked = reader.value()->readAt(0, &first, 1); !checked) {
            qCCritical(lcRecords).noquote()
                << "reading the first segment of object" << record.objectId << "of record"
                << record.id << "failed:" << checked.error().message;
            if (checked.error().code == QLatin1String(errc::kIntegrity))
                return recordDamaged(record.id);
            return checked.error();
        }
    }
    RecordContent content;
    content.info = record.toInfo();
    content.body = std::make_shared<DecryptingBodySource>(std::move(reader).value(), record.id);
    return content;
}

void RecordService::audit(const SessionUser& user, const QString& action, const QString& recordId,
                          const QString& outcome)
{
    AuditLog(*m_context.database)
        .appendOrLog(userAuditEntry(user, action, QStringLiteral("record"), recordId, outcome));
}

Result<QStringList> RecordService::resolveShareUsers(const QString& organizationId,
                                                     const QStringList& users)
{
    QStringList ids;
    for (const QString& user : users) {
        const bool byEmail = user.contains(QLatin1Char('@'));
        if (!byEmail && !isValidRecordId(user))
            return invalidShareUser(user);
        auto row = m_context.database->withLock([&](storage::SqlDatabase& db) {
            return sql::firstRow(
                db,
                byEmail
                    ? QStringLiteral("SELECT id FROM users WHERE email = ? AND organization_id = ?")
                    : QStringLiteral("SELECT id FROM users WHERE id = ? AND organization_id = ?"),
                {byEmail ? normaliseEmail(user) : user, organizationId}, 1);
        });
        if (!row)
            return row.error();
        if (!row.value())
            return invalidShareUser(user);
        const QString id = row.value()->at(0).toString();
        if (!ids.contains(id))
            ids << id;
    }
    ids.sort();
    return ids;
}

Result<UploadTarget> RecordService::resolveUploadTarget(const SessionUser& user,
                                                        const QString& teamId,
                                                        const QString& sharing,
                                                        const QStringList& users)
{
    UploadTarget target;
    target.teamId = teamId;
    if (target.teamId.isEmpty()) {
        auto memberships = m_policy.memberships(user.userId);
        if (!memberships)
            return memberships.error();
        QStringList candidates;
        for (auto it = memberships->cbegin(); it != memberships->cend(); ++it) {
            if (hasPermission(it.value(), Permission::ManageFiles))
                candidates << it.key();
        }
        if (candidates.size() != 1) {
            return makeError(QString::fromLatin1(accessc::kTeamRequired),
                             QStringLiteral("You may upload into %1 teams; choose one with "
                                            "?team=TEAM_ID (GET /api/v1/teams lists them).")
                                 .arg(candidates.size()));
        }
        target.teamId = candidates.first();
    } else if (!isValidRecordId(target.teamId)) {
        return makeError(QString::fromLatin1(errc::kNotFound),
                         QStringLiteral("The team id \"%1\" is not a valid id; list your teams "
                                        "for their ids.")
                             .arg(target.teamId.left(64)));
    }
    auto team = m_policy.requireTeam(user.userId, target.teamId, Permission::ManageFiles);
    if (!team)
        return team.error();
    target.teamName = team->name;

    target.sharing = sharing.isEmpty() ? QString::fromLatin1(kSharingPrivate) : sharing;
    if (!isSharingMode(target.sharing))
        return invalidSharing(target.sharing);
    if (target.sharing == QLatin1String(kSharingUsers)) {
        auto resolved = resolveShareUsers(user.organizationId, users);
        if (!resolved)
            return resolved.error();
        target.sharedWith = resolved.value();
    } else if (!users.isEmpty()) {
        return makeError(QString::fromLatin1(accessc::kInvalidSharing),
                         QStringLiteral("The upload names users to share with, but its sharing "
                                        "mode is \"%1\"; add sharing=users or remove the user "
                                        "parameters.")
                             .arg(target.sharing));
    }
    return target;
}

Result<std::unique_ptr<UploadSession>> RecordService::beginUpload(const SessionUser& user,
                                                                  const QString& filename,
                                                                  const UploadTarget& target)
{
    if (!m_context.scanner) {
        return makeError(QString::fromLatin1(errc::kScannerUnavailable),
                         QStringLiteral("Uploads are disabled because the server's malware "
                                        "scanner is not available: %1")
                             .arg(m_context.scannerError));
    }
    auto object = m_context.fileStore->begin();
    if (!object)
        return object.error();
    return std::make_unique<UploadSession>(m_context, user, filename, target,
                                           std::move(object).value());
}

} // namespace chartinsight::server
