#include "AuditLog.h"

#include "AuthService.h"
#include "core/ErrorCodes.h"
#include "crypto/Hash.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QtEndian>

namespace chartinsight::server {
namespace {

Q_LOGGING_CATEGORY(lcAudit, "chartinsight.server.audit", QtInfoMsg)

constexpr int kColumnCount = 14;

// The hashed form of an entry: its fields in column order, details as stored, then the
// organization when it is set. Entries written before the organization_id column have none, so
// leaving an empty organization out keeps their hashes valid.
QList<QByteArray> storedFields(const AuditEntry& entry, const QByteArray& detailsJson)
{
    QList<QByteArray> fields{QByteArray::number(entry.sequence),
                             QByteArray::number(entry.createdAt),
                             entry.actorKind.toUtf8(),
                             entry.actorId.toUtf8(),
                             entry.action.toUtf8(),
                             entry.targetKind.toUtf8(),
                             entry.targetId.toUtf8(),
                             entry.outcome.toUtf8(),
                             entry.clientIp.toUtf8(),
                             entry.deviceId.toUtf8(),
                             detailsJson};
    if (!entry.organizationId.isEmpty())
        fields.append(entry.organizationId.toUtf8());
    return fields;
}

QByteArray chainHash(const QByteArray& previousHash, const QList<QByteArray>& fields)
{
    crypto::Sha256 sha;
    sha.addData(previousHash);
    for (const QByteArray& value : fields) {
        char length[8];
        qToBigEndian<quint64>(quint64(value.size()), length);
        sha.addData(length, sizeof length);
        sha.addData(value);
    }
    return sha.result().toHex();
}

QByteArray detailsJson(const QJsonObject& details)
{
    return QJsonDocument(details).toJson(QJsonDocument::Compact);
}

} // namespace

AuditLog::AuditLog(storage::SqlDatabase& database) : m_database(database) {}

QByteArray AuditLog::genesisHash()
{
    return QByteArray(64, '0');
}

QByteArray AuditLog::entryHash(const QByteArray& previousHash, const AuditEntry& entry)
{
    return chainHash(previousHash, storedFields(entry, detailsJson(entry.details)));
}

Result<void> AuditLog::append(AuditEntry entry)
{
    if (entry.createdAt == 0)
        entry.createdAt = QDateTime::currentMSecsSinceEpoch();
    const QByteArray details = detailsJson(entry.details);
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto head = db.prepare(QStringLiteral("SELECT sequence, hash FROM audit_head"));
            if (!head)
                return head.error();
            auto found = head->step();
            if (!found)
                return found.error();
            if (!found.value()) {
                return makeError(QString::fromLatin1(errc::kStorage),
                                 QStringLiteral("The audit head row is missing; the database "
                                                "was changed outside the server."));
            }
            entry.sequence = head->columnInt64(0) + 1;
            const QByteArray previousHash = head->columnText(1).toLatin1();
            const QByteArray hash = chainHash(previousHash, storedFields(entry, details));

            auto insert = db.prepare(QStringLiteral(
                "INSERT INTO audit_log (sequence, created_at, actor_kind, actor_id, action, "
                "target_kind, target_id, outcome, client_ip, device_id, details, previous_hash, "
                "hash, organization_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            if (!insert)
                return insert.error();
            insert->bind(1, entry.sequence)
                .bind(2, entry.createdAt)
                .bind(3, entry.actorKind)
                .bind(4, entry.actorId)
                .bind(5, entry.action)
                .bind(6, entry.targetKind)
                .bind(7, entry.targetId)
                .bind(8, entry.outcome)
                .bind(9, entry.clientIp)
                .bind(10, entry.deviceId)
                .bind(11, QString::fromUtf8(details))
                .bind(12, QString::fromLatin1(previousHash))
                .bind(13, QString::fromLatin1(hash))
                .bind(14, entry.organizationId);
            if (auto inserted = insert->exec(); !inserted)
                return inserted;

            auto update = db.prepare(
                QStringLiteral("UPDATE audit_head SET sequence = ?, hash = ? WHERE sequence = ?"));
            if (!update)
                return update.error();
            update->bind(1, entry.sequence)
                .bind(2, QString::fromLatin1(hash))
                .bind(3, entry.sequence - 1);
            if (auto updated = update->exec(); !updated)
                return updated;
            if (db.changes() != 1) {
                return makeError(QString::fromLatin1(errc::kStorage),
                                 QStringLiteral("The audit head moved during an append."));
            }
            return {};
        });
    });
}

void AuditLog::appendOrLog(AuditEntry entry)
{
    const QString action = entry.action;
    const QString targetId = entry.targetId;
    if (auto appended = append(std::move(entry)); !appended) {
        qCCritical(lcAudit).noquote() << "writing audit entry" << action << "of target" << targetId
                                      << "failed:" << appended.error().message;
    }
}

Result<AuditLog::Verification> AuditLog::verify()
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<Verification> {
        Verification result;
        QByteArray expectedPrevious = genesisHash();
        qint64 expectedSequence = 1;
        auto rows = db.prepare(QStringLiteral(
            "SELECT sequence, created_at, actor_kind, actor_id, action, target_kind, target_id, "
            "outcome, client_ip, device_id, details, previous_hash, hash, organization_id "
            "FROM audit_log ORDER BY sequence"));
        if (!rows)
            return rows.error();
        auto broken = [&](qint64 sequence, const QString& problem) {
            result.intact = false;
            result.firstBrokenSequence = sequence;
            result.problem = problem;
        };
        while (true) {
            auto next = rows->step();
            if (!next)
                return next.error();
            if (!next.value())
                break;
            AuditEntry entry;
            entry.sequence = rows->columnInt64(0);
            entry.createdAt = rows->columnInt64(1);
            entry.actorKind = rows->columnText(2);
            entry.actorId = rows->columnText(3);
            entry.action = rows->columnText(4);
            entry.targetKind = rows->columnText(5);
            entry.targetId = rows->columnText(6);
            entry.outcome = rows->columnText(7);
            entry.clientIp = rows->columnText(8);
            entry.deviceId = rows->columnText(9);
            const QByteArray details = rows->columnText(10).toUtf8();
            const QByteArray previous = rows->columnText(11).toLatin1();
            const QByteArray stored = rows->columnText(12).toLatin1();
            entry.organizationId = rows->columnText(13);
            static_assert(kColumnCount == 14);

            if (entry.sequence != expectedSequence) {
                broken(expectedSequence,
                       QStringLiteral("entry %1 is missing (the next entry is %2)")
                           .arg(expectedSequence)
                           .arg(entry.sequence));
                return result;
            }
            if (previous != expectedPrevious) {
                broken(entry.sequence,
                       QStringLiteral("entry %1 does not follow the entry before it (an entry "
                                      "was removed, reordered or changed)")
                           .arg(entry.sequence));
                return result;
            }
            if (chainHash(previous, storedFields(entry, details)) != stored) {
                broken(entry.sequence, QStringLiteral("entry %1 was changed after it was written")
                                           .arg(entry.sequence));
                return result;
            }
            expectedPrevious = stored;
            ++expectedSequence;
            ++result.entriesChecked;
        }
        result.headHash = expectedPrevious;

        auto head = db.prepare(QStringLiteral("SELECT sequence, hash FROM audit_head"));
        if (!head)
            return head.error();
        auto found = head->step();
        if (!found)
            return found.error();
        if (!found.value()) {
            broken(expectedSequence, QStringLiteral("the audit head row is missing"));
        } else if (head->columnInt64(0) != result.entriesChecked ||
                   head->columnText(1).toLatin1() != expectedPrevious) {
            broken(result.entriesChecked + 1,
                   QStringLiteral("the log ends at entry %1 but the head records entry %2 "
                                  "(entries were removed from the end)")
                       .arg(result.entriesChecked)
                       .arg(head->columnInt64(0)));
        }
        return result;
    });
}

AuditEntry userAuditEntry(const SessionUser& user, const QString& action,
                          const QString& targetKind, const QString& targetId,
                          const QString& outcome)
{
    AuditEntry entry;
    entry.actorKind = QStringLiteral("user");
    entry.actorId = user.userId;
    entry.action = action;
    entry.targetKind = targetKind;
    entry.targetId = targetId;
    entry.outcome = outcome;
    entry.clientIp = user.clientIp;
    entry.deviceId = user.sessionId;
    entry.organizationId = user.organizationId;
    return entry;
}

AuditEntry accountAuditEntry(const QString& userId, const QString& organizationId,
                             const QString& clientIp, const QString& action,
                             const QString& targetKind, const QString& targetId,
                             const QString& outcome)
{
    SessionUser user;
    user.userId = userId;
    user.organizationId = organizationId;
    user.clientIp = clientIp;
    return userAuditEntry(user, action, targetKind, targetId, outcome);
}

AuditEntry anonymousAuditEntry(const QString& clientIp, const QString& action,
                               const QString& targetKind, const QString& targetId,
                               const QString& outcome, const QString& organizationId)
{
    AuditEntry entry;
    entry.actorKind = QStringLiteral("anonymous");
    entry.action = action;
    entry.targetKind = targetKind;
    entry.targetId = targetId;
    entry.outcome = outcome;
    entry.clientIp = clientIp;
    entry.organizationId = organizationId;
    return entry;
}

AuditEntry systemAuditEntry(const QString& actorId, const QString& action,
                            const QString& targetKind, const QString& targetId,
                            const QString& outcome, const QString& organizationId)
{
    AuditEntry entry;
    entry.actorKind = QStringLiteral("system");
    entry.actorId = actorId;
    entry.action = action;
    entry.targetKind = targetKind;
    entry.targetId = targetId;
    entry.outcome = outcome;
    entry.organizationId = organizationId;
    return entry;
}

QStringList auditMigrations()
{
    return {
        // Audit, version 1: the hash-chained trail and its head. created_at is UTC
        // milliseconds; ids only, never names or content.
        QStringLiteral(R"sql(
CREATE TABLE audit_log (
    sequence INTEGER PRIMARY KEY,
    created_at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    device_id TEXT NOT NULL,
    details TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_created_at ON audit_log (created_at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, created_at);
CREATE INDEX audit_log_target ON audit_log (target_id, created_at);
CREATE TABLE audit_head (
    sequence BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (sequence, hash)
    VALUES (0, '0000000000000000000000000000000000000000000000000000000000000000');
)sql"),
        // Audit, version 2: the organization whose reports show an entry. Entries written before
        // keep '' and their hashes, because the hash covers the organization only when set. The
        // report indexes belong to reportMigrations().
        QStringLiteral(R"sql(
ALTER TABLE audit_log ADD COLUMN organization_id TEXT NOT NULL DEFAULT '';
)sql"),
    };
}

} // namespace chartinsight::server
