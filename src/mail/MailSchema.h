#pragma once

#include <QStringList>

namespace chartinsight::mail {

// Schema migrations of the mail queue, oldest first, for storage::migrate(). The server appends
// them to its own list, for example `serverMigrations() + mailMigrations()`. Entries are only
// ever added at the end of this list, and each one has to be appended to the server's list after
// the migrations it already applies, because PRAGMA user_version counts the combined list.
//
// The SQL stays portable to PostgreSQL: TEXT, BIGINT and BLOB columns, times in milliseconds
// since the Unix epoch (UTC).
QStringList mailMigrations();

} // namespace chartinsight::mail
