#pragma once

#include "ClientTask.h"
#include "core/RecordInfo.h"
#include "core/Result.h"

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace chartinsight::scan {
class Scanner;
}

namespace chartinsight::client {

class ApiClient;
class OfflineCache;
class SecretStore;

// How to reach and trust one server.
struct ConnectionSettings
{
    QUrl serverUrl; // https://host:port, no path
    // PEM file of trusted certificates for `serverUrl` only. Empty: the CA file the profile
    // keeps for `serverUrl` (ProfileSettings::caFile), else pins or the system CAs.
    QString caFile;
    QString
        pinnedFingerprint; // SHA-256 of the server certificate, "AB:CD:..." as the server logs it
    QString signatureDir;  // ClamAV signatures for the local pre-scan; empty: default lookup
    QString profileDir; // folder of the offline cache and settings; empty: the user's data folder
    // The local clock that decides when a cached record has expired; empty: the system clock.
    // Tests move it instead of waiting.
    std::function<QDateTime()> localClock;
};

// The team and audience of an upload. Permission and sharing names are the API's:
// sharing "private" (the uploader only), "team" (current members of the record's team) or
// "users" (the uploader plus `userIds`).
struct UploadOptions
{
    QString teamId;      // empty: the server picks the caller's only team with manage_files
    QString sharing;     // empty: "private"
    QStringList userIds; // only for "users"
    // When the server erases the record; invalid: the template's retention, else the team's
    // default, else never. Must lie in the future.
    QDateTime expiresAt;
    QString templateId; // a record template of the organization; its sharing applies when
                        // `sharing` is empty
};

// The editable fields of a record template (POST and PUT /api/v1/templates).
struct RecordTemplate
{
    QString name;     // 1 to 64 characters, unique in the organization ignoring case
    QString category; // free text up to 64 characters; may be empty
    std::optional<int> retentionDays; // records uploaded with it expire this many days later
    QString sharing = QStringLiteral("private"); // "private" or "team"
};

// The reports of the audit trail (GET /api/v1/reports/...).
enum class ReportKind
{
    Access,      // who viewed, downloaded, previewed or synced one record (needs `record`)
    Activity,    // every action
    Invitations, // invitation.* entries; manage_organization only
    Logins,      // sign-ins, sign-outs and sessions of one user (needs `user`); same permission
};

// Filters of a report request. Empty fields are left out of the query; the server checks every
// value and fails with "invalid_request" naming a bad one.
struct ReportFilter
{
    QString since;   // ISO 8601 date (start of that day, UTC) or date-time with offset
    QString until;   // the same, exclusive
    QString user;    // actor id or e-mail address; for ReportKind::Logins the user reported on
    QString team;    // team id
    QString record;  // record id; required for ReportKind::Access
    QString action;  // exact action, or a prefix ending in '.' such as "record."
    QString outcome; // "success", "denied" or "failed"
    int limit = 0;   // entries per page, 1..1000; 0: the server's default (100)
    QString cursor;  // "next_cursor" of the previous page; empty: the newest page
};

// Whose data a data export contains.
enum class ExportKind
{
    Organization, // every record of the organization; needs manage_organization
    Personal,     // the records the signed-in user may see
};

// The client library's facade, shared by the CLI and the desktop view models. It owns the API
// client, the session token (kept in the OS keychain through QtKeychain), the local pre-scan
// and the SQLCipher offline cache (its key in the keychain too).
//
// Tokens: the keychain entry "session:<server url>" contains a JSON object with the access
// token, the refresh token and the access token's expiry. A request that fails with
// "token_expired" refreshes the tokens once and is sent again; a refresh the server rejects
// (for example "session_revoked" after a reuse of a rotated refresh token) signs out locally.
// Refreshes are serialized, because two refreshes with one rotated token would revoke the
// session family. NOTE: two processes (desktop app and CLI) sharing one keychain entry can
// still race each other's refresh; the loser is signed out.
//
// Every long operation returns a ClientTask. The session lives on the thread that created it.
// A task never finishes before the call that created it returns. Operations other than
// restoreSession, signIn, MFA, password reset, the password policy, signOut and checkServer
// fail with "not_signed_in" without a session,
// the offline cache included, so a signed-out user's cached records are not readable.
class ClientSession : public QObject
{
    Q_OBJECT
public:
    explicit ClientSession(ConnectionSettings settings, QObject* parent = nullptr);
    ~ClientSession() override;

    const ConnectionSettings& settings() const;

    // Reads the stored session for this server from the keychain. Result: {"signed_in": bool}.
    ClientTask* restoreSession();
    // POST /api/v1/auth/login; stores the access and refresh tokens in the keychain.
    // Result: {"user_id"}, or {"mfa_required": true} when the server e-mailed a code, which
    // verifyMfa then takes. A locked account fails with "account_locked", its message naming
    // the unlock time in local time and errorDetails() carrying "unlock_at".
    ClientTask* signIn(const QString& email, const QString& password,
                       const QString& deviceName = {});
    // POST /api/v1/auth/mfa/verify with the code for the sign-in that signIn started.
    // Result: {"user_id"}. Fails with "invalid_code" (errorDetails: "attempts_left"),
    // "code_expired", or "mfa_failed" after which signIn must start over.
    ClientTask* verifyMfa(const QString& code);
    // POST /api/v1/auth/mfa/resend. Result: {"resend_available_in": seconds}. Fails with
    // "rate_limited" and errorDetails "retry_after" when asked too soon.
    ClientTask* resendMfa();
    // Whether a sign-in waits for its e-mailed code.
    bool isMfaPending() const;
    // Revokes the session on the server (POST /api/v1/auth/logout), then deletes the token
    // locally (keychain entry removed) and removes this server's records from the offline cache.
    // The local part happens even when the server cannot be reached.
    // Result: {"revoked_on_server": bool}.
    ClientTask* signOut();
    bool isSignedIn() const;
    // POST /api/v1/auth/logout-all (every session of the user, this one included), then the
    // local part of signOut. Result: {"revoked_on_server": bool}.
    ClientTask* signOutEverywhere();

    // Password reset without a session. requestPasswordReset always succeeds the same way,
    // whether or not the address is registered. Result: {"status": "sent_if_registered"}.
    ClientTask* requestPasswordReset(const QString& email);
    // Sets a new password with the token of a reset e-mail. Fails with "reset_link_invalid"
    // (used, expired or replaced) or "weak_password". Result: {}.
    ClientTask* completePasswordReset(const QString& token, const QString& newPassword);
    // POST /api/v1/auth/password-policy. Result: {"acceptable", "score" 0..4, "reason",
    // "suggestion"}. Needs no session.
    ClientTask* checkPasswordPolicy(const QString& password, const QString& email = {});

    // Account operations of the signed-in user. The server ends the user's other sessions and
    // outstanding reset links on a password change. Result of changePassword: {}.
    ClientTask* changePassword(const QString& currentPassword, const QString& newPassword);
    // Result: {"mfa_enabled": bool}.
    ClientTask* setMfaEnabled(bool enabled, const QString& password);
    // Result: {"user_id", "email", "display_name", "organization_id", "is_admin", "mfa_enabled",
    // "teams"}.
    ClientTask* account();
    // Result: array of {"id", "device_name", "created_at", "last_used_at", "current"}.
    ClientTask* listSessions();
    // Ends one session of the user. Revoking the current one signs out locally as well.
    ClientTask* revokeSession(const QString& sessionId);

    // Administration of the admin's organization. listUsers result: array of {"id", "email",
    // "is_admin", "mfa_enabled", "locked_until" (ISO 8601 or null)}. unlockUser result: {}.
    ClientTask* listUsers();
    ClientTask* unlockUser(const QString& userId);
    // POST /api/v1/admin/users/{id}/password. The server checks its password policy
    // ("weak_password") and ends that user's sessions and reset links. Result: {}.
    ClientTask* setUserPassword(const QString& userId, const QString& newPassword);

    // Checks `password` for `email` with the server's sign-in route, without touching this
    // session: the sign-in counts toward the account's lockout like any other, and the session
    // it opens is revoked at once. Result: {"verified": true, "mfa_code_sent": bool}. Fails
    // with "invalid_credentials", "account_locked", "rate_limited", "network_error" or
    // "tls_error". The server e-mails a code to an account with e-mail codes on, so callers
    // check those accounts another way.
    ClientTask* verifyPassword(const QString& email, const QString& password,
                               const QString& deviceName = {});
    // GET /api/v1/health. Result: the health object, including "demo_signatures".
    // Fails with "tls_error" and the certificate fingerprint in the message when the server's
    // certificate is not trusted; the desktop app then asks the user (see certificateUntrusted).
    ClientTask* checkServer();
    // Trusts the given fingerprint for this server from now on (stored in the profile settings).
    void trustFingerprint(const QString& fingerprint);

    // Pre-scans locally, then streams the file to POST /api/v1/records with the team and
    // sharing of `options`. Progress: Scanning, then Transferring. An infected file fails with
    // "malware_detected" and is never sent. Result: the record object.
    ClientTask* upload(const QString& filePath, const UploadOptions& options = {});
    // GET /api/v1/records when online, else (on "network_error" only) the offline cache.
    // Result: array of record objects, each with "cached": whether the offline cache contains
    // its content. Online, cached records the server no longer lists are removed from the cache,
    // and their export copies (files that download() wrote) from the disk, before the task
    // finishes.
    ClientTask* listRecords();
    // Lists only the offline cache, without contacting the server. Result: array of records.
    ClientTask* listCachedRecords();
    // Downloads the record's bytes to `outputPath` (written to a temporary file beside it,
    // checked against the record's SHA-256, then renamed). Uses the cache when offline. The
    // cache notes the file as an export copy, which is deleted once the server stops listing
    // the record for this user, unless its content changed.
    ClientTask* download(const QString& recordId, const QString& outputPath);
    // Reads a record's bytes into memory for the viewer, from the cache or the server.
    // Result: the record object, with the bytes in ClientTask::payload(). Limited to
    // kMaxViewerBytes.
    ClientTask* fetchForViewer(const QString& recordId);
    // Fills the offline cache with every record the user can see and removes records that are
    // gone from the server. A record the server reports as damaged ("record_damaged") is
    // skipped and the others still sync. Result: {"added": n, "removed": n, "total": n,
    // "damaged": [{"id", "filename", "message"}]}, "total" counting the damaged ones too.
    ClientTask* sync();

    // Teams, members and roles. Permission sets are arrays of the API's names
    // ("manage_files", "manage_organization", "manage_billing", "manage_api").
    // Result of teams: array of {"id", "name", "is_home", "member_count", "permissions"}.
    ClientTask* teams();
    // Result: the new team object.
    ClientTask* createTeam(const QString& name);
    // Result: array of {"user_id", "email", "permissions"}.
    ClientTask* teamMembers(const QString& teamId);
    // Adds an existing user of the organization to the team. Result: the member object.
    ClientTask* addMember(const QString& teamId, const QString& email,
                          const QStringList& permissions);
    // Result: the member object.
    ClientTask* setMemberPermissions(const QString& teamId, const QString& userId,
                                     const QStringList& permissions);
    // Result: {}.
    ClientTask* removeMember(const QString& teamId, const QString& userId);
    // Result: array of {"id", "name", "permissions"}.
    ClientTask* roles();
    // Roles are changed by holders of manage_organization in the home team. Editing or
    // deleting a role changes no membership. Result of createRole and updateRole: the role
    // object; of deleteRole: {}.
    ClientTask* createRole(const QString& name, const QStringList& permissions);
    ClientTask* updateRole(const QString& roleId, const QString& name,
                           const QStringList& permissions);
    ClientTask* deleteRole(const QString& roleId);
    // Users of the caller's organization, for the sharing picker. Result: array of
    // {"id", "email"}.
    ClientTask* organizationUsers();

    // Record metadata and sharing. A record the caller cannot see fails with "not_found".
    // GET /api/v1/records/{id}. Result: the record object.
    ClientTask* recordDetails(const QString& recordId);
    // Who can see the record and why. Result: array of {"user_id", "email", "reason"}, reason
    // being "uploader", "team" or "shared".
    ClientTask* recordAccess(const QString& recordId);
    // Sets the sharing mode ("private", "team" or "users") and, for "users", the user ids.
    // Result: the record object. The offline cache keeps the new mode.
    ClientTask* setSharing(const QString& recordId, const QString& mode,
                           const QStringList& userIds = {});
    // Result: the record object.
    ClientTask* setRecordTitle(const QString& recordId, const QString& title);

    // Invitations into a team. Result of invitations: array of {"id", "email", "permissions",
    // "state", "created_at", "expires_at", "invited_by", "accepted_at", "revoked_at"}.
    ClientTask* invitations(const QString& teamId);
    // Result: the invitation object.
    ClientTask* invite(const QString& teamId, const QString& email, const QStringList& permissions);
    // Sends a new link (the old one stops working) and renews the expiry. Result: the
    // invitation object.
    ClientTask* resendInvitation(const QString& invitationId);
    // Result: the invitation object.
    ClientTask* revokeInvitation(const QString& invitationId);

    // Audit reports (ClientSessionReports.cpp). A holder of manage_organization in the home
    // team sees the whole organization, anyone else the entries about records they uploaded.
    // Result of report: {"entries": [...], "next_cursor": string or null}, the entries as the
    // API returns them, newest first.
    ClientTask* report(ReportKind kind, const ReportFilter& filter);
    // Saves every matching entry as CSV (RFC 4180, formula-safe) to `outputPath`: streamed to
    // "<outputPath>.part" and renamed over the output only when the whole body arrived, so a
    // broken transfer leaves no partial file. `limit` and `cursor` of the filter are ignored.
    // Result: {"bytes": size of the file}.
    ClientTask* downloadReportCsv(ReportKind kind, const ReportFilter& filter,
                                  const QString& outputPath);
    // Entries per day or week ("day" or "week") between the filter's since and until, with
    // its user, team, record, action and outcome filters. Result: array of {"start" (ISO 8601
    // UTC), "count", "by_action": {action: count}}, oldest first, empty buckets included.
    ClientTask* activityChart(const ReportFilter& filter, const QString& bucket);
    // PATCH /api/v1/account {"display_name"}: the name reports and user lists show instead of
    // the e-mail address; empty clears it. Result: the account object.
    ClientTask* setDisplayName(const QString& displayName);

    // Generated content (ClientSessionDerived.cpp).
    // GET /api/v1/records?query=TEXT: the records the user can see whose extracted text, title
    // or file name contain every word of `text` (at most 200 characters). Result: array of
    // records, newest first. Needs the server.
    ClientTask* searchRecords(const QString& text);
    // GET /api/v1/records/{id}/preview: the server's PNG preview of the record (at most 1024
    // pixels on its longer side) in ClientTask::payload(). Fails with "not_found" when the
    // record has none. Result: {"content_type": "image/png"}.
    ClientTask* recordPreview(const QString& recordId);
    // GET /api/v1/records/{id}/text: the record's extracted UTF-8 text in
    // ClientTask::payload(). Fails with "not_found" when it has none. Result:
    // {"content_type"}.
    ClientTask* recordText(const QString& recordId);

    // Retention and permanent deletion (ClientSessionRetention.cpp).
    // DELETE /api/v1/records/{id}: erases the record's file, generated content, rows and data
    // key on the server. Needs the uploader or manage_files in the record's team; a record
    // under legal hold fails with "legal_hold". Result: {"receipt": {...}, "signature",
    // "key_id"}, the signed deletion receipt, which verifyDeletionReceipt() checks. The record
    // leaves the offline cache and its export copies are deleted.
    ClientTask* deleteRecord(const QString& recordId);
    // PUT /api/v1/records/{id}/expiry. An invalid `expiresAt` removes the expiration. Needs
    // manage_files in the record's team; a past date fails with "invalid_expiry". Result: the
    // record object.
    ClientTask* setExpiry(const QString& recordId, const QDateTime& expiresAt);
    // PUT /api/v1/records/{id}/hold. A held record is not erased, neither at its expiration
    // nor on request. Needs manage_organization in the home team. Result: the record object.
    ClientTask* setLegalHold(const QString& recordId, bool hold);
    // Record templates of the organization. Result of templates: array of {"id", "name",
    // "category", "retention_days" (or null), "sharing", "created_at", "updated_at"}, by
    // name. Creating, changing and deleting need manage_organization in the home team.
    // Result of createTemplate and updateTemplate: the template object; of deleteTemplate: {}.
    ClientTask* templates();
    ClientTask* createTemplate(const RecordTemplate& fields);
    ClientTask* updateTemplate(const QString& templateId, const RecordTemplate& fields);
    ClientTask* deleteTemplate(const QString& templateId);
    // PUT /api/v1/teams/{id} {"retention_days"}: the default expiration of the team's new
    // uploads, in days; no value removes it. Needs manage_organization in the home team.
    // Result: the team object.
    ClientTask* setTeamRetention(const QString& teamId, std::optional<int> days);
    // GET /api/v1/receipt-key, without a session. Result: {"algorithm": "Ed25519", "key_id",
    // "public_key"}, the key as PEM.
    ClientTask* receiptKey();

    // Data export (ClientSessionExport.cpp): streams GET /api/v1/export/organization or
    // /api/v1/export/personal, a tar archive laid out as docs/export-format.md describes, to
    // "<outputPath>.part". The archive is renamed over the output only after the whole body
    // arrived and its last member is a manifest whose counts match the members, so a broken
    // transfer leaves no file. Progress: Transferring with the bytes received and a total of 0,
    // because the size is known only at the end. Result: the manifest object plus "output"
    // (the absolute path) and "bytes" (the archive's size).
    ClientTask* exportArchive(ExportKind kind, const QString& outputPath);

    // Whether the last request reached the server.
    bool isOnline() const;
    // Whether the local pre-scan uses the quick start's demo signatures.
    bool localScannerUsesDemoSignatures() const;

    static constexpr qint64 kMaxViewerBytes = 256LL * 1024 * 1024;

signals:
    void onlineChanged(bool online);
    void signedInChanged(bool signedIn);
    // The server presented a certificate that is neither signed by the CA file nor pinned.
    void certificateUntrusted(const QString& fingerprint);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace chartinsight::client
