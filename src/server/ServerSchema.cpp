#include "ServerSchema.h"

#include "AccessSetup.h"
#include "AuditLog.h"
#include "mail/MailSchema.h"

namespace chartinsight::server {

QStringList serverMigrations()
{
    return {
        // Version 1: organizations, users, sessions, records and the server's own secrets.
        QStringLiteral(R"sql(
CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    owner_id TEXT NOT NULL REFERENCES users (id),
    filename TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    object_id TEXT NOT NULL UNIQUE,
    wrapped_key BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX records_owner_id ON records (owner_id, created_at);
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
)sql"),
    };
}

QStringList authMigrations()
{
    return {
        // Authentication, version 1. Sessions become families: one auth_sessions row per signed-in
        // device, with short-lived access tokens and rotating refresh tokens in auth_tokens
        // (SHA-256 only). The bearer sessions of the first schema have no refresh token, so they
        // are dropped and their users sign in again. Lockout, e-mail codes, reset links and rate
        // buckets are rows too, because several servers share one database.
        QStringLiteral(R"sql(
DROP TABLE sessions;
CREATE TABLE auth_sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    device_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX auth_sessions_user_id ON auth_sessions (user_id);
CREATE TABLE auth_tokens (
    token_sha256 TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES auth_sessions (id),
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX auth_tokens_session_id ON auth_tokens (session_id);
ALTER TABLE users ADD COLUMN mfa_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until BIGINT;
ALTER TABLE users ADD COLUMN failures_cleared_at BIGINT NOT NULL DEFAULT 0;
CREATE TABLE auth_audit (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    event TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX auth_audit_user_event ON auth_audit (user_id, event, created_at);
CREATE TABLE rate_buckets (
    bucket_key TEXT PRIMARY KEY,
    milli_tokens BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE mfa_challenges (
    id TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id),
    device_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    resend_count INTEGER NOT NULL DEFAULT 0,
    last_sent_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE TABLE mfa_codes (
    id TEXT PRIMARY KEY,
    challenge_id TEXT NOT NULL REFERENCES mfa_challenges (id),
    code_hmac TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    invalidated_at BIGINT
);
CREATE INDEX mfa_codes_challenge_id ON mfa_codes (challenge_id);
CREATE TABLE password_resets (
    id TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    invalidated_at BIGINT
);
CREATE INDEX password_resets_user_id ON password_resets (user_id);
)sql"),
    };
}

QStringList accessMigrations()
{
    return {
        // Access, version 1: teams with per-membership permission bits, per-organization role
        // presets, and each record's team, sharing mode, title and share list. Existing rows get
        // their home team and memberships from AccessSetup::backfill() after migrating.
        QStringLiteral(R"sql(
CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    is_home INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (organization_id, name)
);
CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    permissions INTEGER NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user_id ON team_members (user_id);
CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    permissions INTEGER NOT NULL,
    UNIQUE (organization_id, name)
);
ALTER TABLE records ADD COLUMN team_id TEXT REFERENCES teams (id);
ALTER TABLE records ADD COLUMN sharing TEXT NOT NULL DEFAULT 'private';
ALTER TABLE records ADD COLUMN title TEXT NOT NULL DEFAULT '';
CREATE INDEX records_team_id ON records (team_id, created_at);
CREATE TABLE record_shares (
    record_id TEXT NOT NULL REFERENCES records (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (record_id, user_id)
);
CREATE INDEX record_shares_user_id ON record_shares (user_id);
)sql"),
    };
}

QStringList invitationMigrations()
{
    return {
        // Invitations, version 1: one row per invitation into a team, never deleted, so a team's
        // list keeps its history. Only the SHA-256 of the mailed token is stored.
        QStringLiteral(R"sql(
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    team_id TEXT NOT NULL REFERENCES teams (id),
    email TEXT NOT NULL,
    permissions INTEGER NOT NULL,
    invited_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_sent_at BIGINT NOT NULL,
    send_count INTEGER NOT NULL DEFAULT 1,
    accepted_at BIGINT,
    accepted_user_id TEXT,
    revoked_at BIGINT,
    revoked_by TEXT
);
CREATE INDEX invitations_team_id ON invitations (team_id, created_at);
)sql"),
    };
}

QStringList reportMigrations()
{
    return {
        // Reports, version 1: the display name that reports and user lists show instead of the
        // e-mail address, and the indexes that report pages walk newest first. Each index ends
        // in sequence, so a filter on its other columns reads one page in index order without
        // sorting, however many entries the organization has.
        QStringLiteral(R"sql(
ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_report ON audit_log (organization_id, sequence);
CREATE INDEX audit_log_report_target ON audit_log (organization_id, target_id, sequence);
CREATE INDEX audit_log_report_actor ON audit_log (organization_id, actor_id, sequence);
CREATE INDEX audit_log_report_action ON audit_log (organization_id, action, sequence);
CREATE INDEX audit_log_report_time ON audit_log (organization_id, created_at);
)sql"),
        // Reports, version 2: the chart counts entries per period and action from the index
        // alone, without reading each row.
        QStringLiteral(R"sql(
DROP INDEX audit_log_report_time;
CREATE INDEX audit_log_report_time_action ON audit_log (organization_id, created_at, action);
)sql"),
    };
}

QStringList derivativeMigrations()
{
    return {
        // Generated content, version 1. Each object is encrypted with its record's own data
        // key, so destroying that key makes every copy unreadable. record_search is the text
        // index that search reads; derive_jobs is the queue of records still to process, kept
        // in the database so that a restart, or another server, picks the work up.
        QStringLiteral(R"sql(
CREATE TABLE record_derivatives (
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL UNIQUE,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, kind)
);
CREATE VIRTUAL TABLE record_search USING fts4(record_id, body, notindexed=record_id);
CREATE TABLE derive_jobs (
    record_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    error_code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX derive_jobs_state ON derive_jobs (state, updated_at);
)sql"),
        // Generated content, version 2: records stored before derivation existed get a job, so
        // their text and previews are generated too.
        QStringLiteral(R"sql(
INSERT INTO derive_jobs (record_id, state, attempts, updated_at, error_code)
SELECT id, 'pending', 0, created_at, '' FROM records
WHERE id NOT IN (SELECT record_id FROM derive_jobs);
)sql"),
    };
}

QStringList retentionMigrations()
{
    return {
        // Retention, version 1. Expiration times are milliseconds since the epoch (UTC), NULL
        // for none. Warnings, erasures and receipts are rows, so a restart or another server
        // sharing the database continues the work: a warning row is inserted before its mails
        // are queued (once per record, expiration and days before), and an erasure row marks
        // a record as being erased, records which steps are done and who claims it now.
        // Finished erasures and their signed receipts are kept; they hold ids and hashes only.
        QStringLiteral(R"sql(
ALTER TABLE records ADD COLUMN expires_at BIGINT;
ALTER TABLE records ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
ALTER TABLE records ADD COLUMN template_id TEXT;
CREATE INDEX records_expires_at ON records (expires_at);
ALTER TABLE teams ADD COLUMN retention_days INTEGER;
CREATE TABLE record_templates (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    retention_days INTEGER,
    sharing TEXT NOT NULL DEFAULT 'private',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (organization_id, name)
);
CREATE TABLE retention_warnings (
    record_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    days_before INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    mail_ids TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (record_id, expires_at, days_before)
);
CREATE TABLE record_erasures (
    record_id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    object_id TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    content_size BIGINT NOT NULL,
    reason TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    client_ip TEXT NOT NULL DEFAULT '',
    device_id TEXT NOT NULL DEFAULT '',
    requested_at BIGINT NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    removed TEXT NOT NULL DEFAULT '{}',
    claimed_by TEXT,
    claimed_until BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error_code TEXT NOT NULL DEFAULT '',
    finished_at BIGINT
);
CREATE INDEX record_erasures_unfinished ON record_erasures (finished_at, claimed_until);
CREATE TABLE deletion_receipts (
    record_id TEXT PRIMARY KEY,
    receipt_id TEXT NOT NULL UNIQUE,
    organization_id TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    receipt TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
)sql"),
    };
}

QStringList exportMigrations()
{
    return {};
}

QStringList allServerMigrations()
{
    // PRAGMA user_version counts this combined list, so each part only ever grows at its end
    // and a new part is appended after the last one.
    return serverMigrations() + mail::mailMigrations() + authMigrations() + accessMigrations() +
           invitationMigrations() + auditMigrations() + reportMigrations() +
           derivativeMigrations() + retentionMigrations() + exportMigrations();
}

Result<std::unique_ptr<storage::SqlDatabase>> openServerDatabase(const QString& path,
                                                                 const QByteArray& key)
{
    auto database =
        storage::SqlDatabase::open(path, key, storage::SqlDatabase::OpenMode::CreateIfMissing);
    if (!database)
        return database.error();
    if (auto migrated = storage::migrate(*database.value(), allServerMigrations()); !migrated)
        return migrated.error();
    if (auto filled = AccessSetup::backfill(*database.value()); !filled)
        return filled.error();
    return std::move(database).value();
}

} // namespace chartinsight::server
