#pragma once

#include "core/Result.h"
#include "storage/SqlDatabase.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace chartinsight::server {

// Schema migrations of the server database, oldest first. The SQL stays portable to PostgreSQL
// (TEXT, BIGINT and BLOB columns; timestamps as milliseconds since the Unix epoch, UTC), so a
// later backend can reuse it with BLOB read as BYTEA.
QStringList serverMigrations();

// Migrations of the authentication tables (sessions with refresh tokens, lockout, e-mail codes,
// reset links, rate buckets, audit).
QStringList authMigrations();

// Migrations of the access model: teams, memberships, roles, record sharing.
QStringList accessMigrations();

// Migrations of the invitations into teams.
QStringList invitationMigrations();

// Every migration of the server database in the order they apply:
// serverMigrations(), then mail::mailMigrations(), then authMigrations(), then
// accessMigrations(), then invitationMigrations(), then auditMigrations() (AuditLog.h).
QStringList allServerMigrations();

// Opens (or creates) the server's SQLCipher database, brings its schema up to date and runs
// AccessSetup::backfill().
Result<std::unique_ptr<storage::SqlDatabase>> openServerDatabase(const QString& path,
                                                                 const QByteArray& key);

} // namespace chartinsight::server
