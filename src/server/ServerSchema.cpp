#include "ServerSchema.h"

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

Result<std::unique_ptr<storage::SqlDatabase>> openServerDatabase(const QString& path,
                                                                 const QByteArray& key)
{
    auto database =
        storage::SqlDatabase::open(path, key, storage::SqlDatabase::OpenMode::CreateIfMissing);
    if (!database)
        return database.error();
    if (auto migrated = storage::migrate(*database.value(), serverMigrations()); !migrated)
        return migrated.error();
    return std::move(database).value();
}

} // namespace chartinsight::server
