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

// Migrations of the report queries: user display names and the indexes reports page over.
QStringList reportMigrations();

// Migrations of generated content: the extracted text and preview of each record, the search
// index over the text, and the queue of records still to process.
QStringList derivativeMigrations();

// Migrations of retention: expiration dates, legal holds, templates, warnings, erasures and
// deletion receipts.
QStringList retentionMigrations();

// Migrations of data exports.
QStringList exportMigrations();

// Every migration of the server database in the order they apply:
// serverMigrations(), then mail::mailMigrations(), then authMigrations(), then
// accessMigrations(), then invitationMigrations(), then auditMigrations() (AuditLog.h), then
// reportMigrations(), derivativeMigrations(), retentionMigrations() and exportMigrations().
QStringList allServerMigrations();

// Opens (or creates) the server's SQLCipher database, brings its schema up to date and runs
// AccessSetup::backfill().
Result<std::unique_ptr<storage::SqlDatabase>> openServerDatabase(const QString& path,
                                                                 const QByteArray& key);

} // namespace chartinsight::server
