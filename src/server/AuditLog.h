#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

struct SessionUser;

// One row of the audit trail. Entries hold ids, never names, e-mail addresses, file names or
// record content: reports look names up when they are read, for viewers allowed to see them.
struct AuditEntry
{
    qint64 sequence = 0;  // assigned by append(): 1, 2, 3, ... without gaps
    qint64 createdAt = 0; // milliseconds since the epoch, UTC; 0 means the time of append()
    QString actorKind;    // "user", "api_key", "policy", "system" or "anonymous"
    QString actorId;      // the user, key or policy id; empty for "anonymous"
    QString action;       // dotted name, for example "login.succeeded" or "record.downloaded"
    QString targetKind;   // "user", "record", "team", "invitation", ... or empty
    QString targetId;
    QString outcome;     // "success", "denied" or "failed"
    QString clientIp;    // empty for actions without a client, such as the retention policy
    QString deviceId;    // the session id for signed-in requests
    QJsonObject details; // further ids and counts only
    QString organizationId; // the organization whose reports show the entry; empty for none
};

// The append-only, hash-chained audit trail in the server database.
//
// Each entry stores the SHA-256 of the previous entry's hash and its own fields, so changing,
// removing or swapping rows breaks the chain at the first altered row. A one-row table stores
// the head (last sequence and hash). Every append updates it in the same transaction, which
// serialises appends from several servers on one database and lets verify() notice rows cut
// from the end.
class AuditLog
{
public:
    explicit AuditLog(storage::SqlDatabase& database);

    // Appends `entry` inside a transaction. Inside the caller's transaction it uses a savepoint,
    // so an action and its audit entry commit or roll back together.
    Result<void> append(AuditEntry entry);

    // Appends `entry` for an action that is already committed or rejected, so its outcome can no
    // longer change: a failure is logged with the action and target ids instead of returned.
    void appendOrLog(AuditEntry entry);

    struct Verification
    {
        qint64 entriesChecked = 0;
        bool intact = true;
        qint64 firstBrokenSequence = 0; // set when !intact
        QString problem;                // what is wrong at that entry, for the operator
        QByteArray headHash;            // hex hash of the last entry, to note down elsewhere
    };
    // Checks the whole chain in order. A broken chain is a successful result with
    // intact == false, and only a database failure is an error.
    Result<Verification> verify();

    // The entry's hash given the previous entry's hash (hex): SHA-256 over the previous hash,
    // then sequence, created_at, actor_kind, actor_id, action, target_kind, target_id, outcome,
    // client_ip, device_id and details, then organization_id only when it is not empty. Every
    // field is length-prefixed, so no two different entries serialise to the same bytes, and
    // entries written before organization_id existed keep their hashes.
    static QByteArray entryHash(const QByteArray& previousHash, const AuditEntry& entry);

    // The previous hash of entry 1.
    static QByteArray genesisHash();

private:
    storage::SqlDatabase& m_database;
};

// An entry for an action that the signed-in `user` took in the current request: actor, device,
// client address and organization come from the session.
AuditEntry userAuditEntry(const SessionUser& user, const QString& action,
                          const QString& targetKind, const QString& targetId,
                          const QString& outcome);

// An entry for an action of a user who proved their password, or control of their mailbox, in
// this request and has no session yet: actor_kind "user" and no device.
AuditEntry accountAuditEntry(const QString& userId, const QString& organizationId,
                             const QString& clientIp, const QString& action,
                             const QString& targetKind, const QString& targetId,
                             const QString& outcome);

// An entry for an action without a signed-in caller, such as a failed sign-in or an invitation
// link: actor_kind "anonymous" and the client's address. `organizationId` is the target's
// organization when it is known.
AuditEntry anonymousAuditEntry(const QString& clientIp, const QString& action,
                               const QString& targetKind, const QString& targetId,
                               const QString& outcome, const QString& organizationId);

// An entry for an action of the server itself or of an operator's command: actor_kind "system"
// and `actorId` naming it, for example "add-user".
AuditEntry systemAuditEntry(const QString& actorId, const QString& action,
                            const QString& targetKind, const QString& targetId,
                            const QString& outcome, const QString& organizationId);

// The schema of the audit trail, for allServerMigrations().
QStringList auditMigrations();

} // namespace chartinsight::server
