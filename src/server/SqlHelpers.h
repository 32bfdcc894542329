#pragma once

#include "core/Result.h"
#include "storage/SqlDatabase.h"

#include <QList>
#include <QString>
#include <QVariant>
#include <QVariantList>

#include <optional>

namespace chartinsight::server::sql {

// Runs one statement with positional values (QString, qint64 or a null QVariant for NULL) and
// returns the number of rows it changed. Call with the database's lock held.
Result<qint64> run(storage::SqlDatabase& db, const QString& statement, const QVariantList& values);

// Runs a query and returns its rows, each column as text or a null QVariant for NULL. Integers
// come back as their decimal text, so read them with toLongLong().
Result<QList<QVariantList>> rows(storage::SqlDatabase& db, const QString& query,
                                 const QVariantList& values, int columnCount);

// Returns the first row of a query, or no value.
Result<std::optional<QVariantList>> firstRow(storage::SqlDatabase& db, const QString& query,
                                             const QVariantList& values, int columnCount);

} // namespace chartinsight::server::sql
