#include "SqlHelpers.h"

namespace chartinsight::server::sql {
namespace {

void bindAll(storage::SqlStatement& statement, const QVariantList& values)
{
    for (int i = 0; i < values.size(); ++i) {
        const QVariant& value = values.at(i);
        if (value.isNull())
            statement.bindNull(i + 1);
        else if (value.typeId() == QMetaType::QString)
            statement.bind(i + 1, value.toString());
        else
            statement.bind(i + 1, value.toLongLong());
    }
}

} // namespace

Result<qint64> run(storage::SqlDatabase& db, const QString& statement, const QVariantList& values)
{
    auto prepared = db.prepare(statement);
    if (!prepared)
        return prepared.error();
    bindAll(prepared.value(), values);
    if (auto done = prepared->exec(); !done)
        return done.error();
    return db.changes();
}

Result<QList<QVariantList>> rows(storage::SqlDatabase& db, const QString& query,
                                 const QVariantList& values, int columnCount)
{
    auto prepared = db.prepare(query);
    if (!prepared)
        return prepared.error();
    bindAll(prepared.value(), values);
    QList<QVariantList> result;
    for (;;) {
        auto row = prepared->step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
        QVariantList columns;
        for (int column = 0; column < columnCount; ++column) {
            if (prepared->columnIsNull(column))
                columns << QVariant();
            else
                columns << prepared->columnText(column);
        }
        result << columns;
    }
    return result;
}

Result<std::optional<QVariantList>> firstRow(storage::SqlDatabase& db, const QString& query,
                                             const QVariantList& values, int columnCount)
{
    auto all = rows(db, query, values, columnCount);
    if (!all)
        return all.error();
    if (all->isEmpty())
        return std::optional<QVariantList>();
    return std::optional<QVariantList>(all->first());
}

} // namespace chartinsight::server::sql
