#include "DerivativeService.h"

#include "ApiResponse.h"
#include "AuditLog.h"
#include "Derivatives.h"
#include "RecordService.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "SqlHelpers.h"
#include "core/DeriveProtocol.h"
#include "core/ErrorCodes.h"
#include "crypto/KeyWrap.h"
#include "crypto/SegmentedCipher.h"
#include "storage/FileStore.h"
#include "storage/SqlDatabase.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace chartinsight::server {
namespace {

// The FTS4 "simple" tokenizer splits at every ASCII character that is not a letter or digit and
// keeps every other character in tokens, so a phrase of these characters is taken literally.
bool isTokenCharacter(QChar character)
{
    const char16_t unit = character.unicode();
    return unit >= 0x80 || (unit >= u'0' && unit <= u'9') || (unit >= u'a' && unit <= u'z') ||
           (unit >= u'A' && unit <= u'Z');
}

// Escapes LIKE's wildcards with '\', the ESCAPE character of the queries below.
QString likePattern(const QString& term)
{
    QString escaped;
    for (const QChar character : term) {
        if (character == u'%' || character == u'_' || character == u'\\')
            escaped += u'\\';
        escaped += character;
    }
    return u'%' + escaped + u'%';
}

void audit(ServerContext& context, AuditEntry entry)
{
    const QString action = entry.action;
    const QString target = entry.targetId;
    // The read itself cannot be taken back, so a failed audit write is logged.
    if (auto appended = AuditLog(*context.database).append(std::move(entry)); !appended) {
        qCCritical(lcAccess).noquote() << "audit entry" << action << "of record" << target
                                       << "failed:" << appended.error().message;
    }
}

Error invalidQuery(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kInvalidRequest), message);
}

} // namespace

DerivativeService::DerivativeService(ServerContext& context)
    : m_context(context), m_policy(*context.database)
{
}

bool DerivativeService::handles(RouteId route)
{
    return route == RouteId::RecordPreview || route == RouteId::RecordText;
}

Result<HttpResponse> DerivativeService::handle(const HttpRequest& request,
                                               const RouteMatch& match,
                                               const SessionUser& caller)
{
    const QString kind = match.route == RouteId::RecordPreview
                             ? QString::fromLatin1(kDerivativePreview)
                             : QString::fromLatin1(kDerivativeText);
    return readDerivative(request, match, caller, kind);
}

Result<HttpResponse> DerivativeService::readDerivative(const HttpRequest& request,
                                                       const RouteMatch& match,
                                                       const SessionUser& caller,
                                                       const QString& kind)
{
    Q_UNUSED(request);
    auto row = m_policy.requireRecord(caller.userId, match.recordId, RecordAction::View);
    if (!row) {
        HttpResponse response = ApiResponse::error(row.error());
        response.userId = caller.userId;
        return response;
    }
    auto objectId = derivativeObjectId(*m_context.database, row->id, kind);
    if (!objectId)
        return objectId.error();
    if (!objectId.value()) {
        HttpResponse response = ApiResponse::error(
            404, QString::fromLatin1(errc::kNotFound),
            QStringLiteral("Record %1 has no %2: it is not generated yet, or its format has "
                           "none. The record's \"derived\", \"has_preview\" and \"has_text\" "
                           "fields say which.")
                .arg(row->id,
                     kind == QLatin1String(kDerivativePreview) ? QStringLiteral("preview image")
                                                                : QStringLiteral("text")));
        response.userId = caller.userId;
        return response;
    }

    auto dataKey =
        crypto::unwrapKey(m_context.secrets.masterKey, row->wrappedKey, row->id.toUtf8());
    if (!dataKey)
        return dataKey.error();
    auto objectKey = crypto::deriveSubkey(dataKey.value(), derivativeKeyInfo(*objectId.value()));
    if (!objectKey)
        return objectKey.error();
    auto reader = m_context.fileStore->open(*objectId.value(), objectKey.value());
    if (!reader) {
        qCCritical(lcRecords).noquote() << "opening generated object" << *objectId.value()
                                        << "of record" << row->id
                                        << "failed:" << reader.error().message;
        return reader.error();
    }
    const qint64 size = reader.value()->size();
    const qint64 limit = kind == QLatin1String(kDerivativePreview) ? derive::kMaxPreviewBytes
                                                                   : derive::kMaxTextBytes;
    if (size > limit) {
        return makeError(QString::fromLatin1(errc::kIntegrity),
                         QStringLiteral("The generated object %1 of record %2 has %3 bytes, over "
                                        "the limit of %4.")
                             .arg(*objectId.value(), row->id)
                             .arg(size)
                             .arg(limit));
    }
    QByteArray body(qsizetype(size), Qt::Uninitialized);
    qsizetype filled = 0;
    while (filled < body.size()) {
        auto read = reader.value()->readAt(filled, body.data() + filled, body.size() - filled);
        if (!read)
            return read.error();
        if (read.value() == 0)
            break;
        filled += read.value();
    }
    body.truncate(filled);

    AuditEntry entry = userAuditEntry(caller, QStringLiteral("record.previewed"),
                                      QStringLiteral("record"), row->id, QStringLiteral("success"));
    entry.organizationId = row->organizationId;
    entry.details.insert(QStringLiteral("kind"), kind);
    audit(m_context, std::move(entry));
    qCInfo(lcRecords).noquote() << "user" << caller.userId << "read the" << kind << "of record"
                                << row->id;

    HttpResponse response;
    response.status = 200;
    response.setHeader("Content-Type", kind == QLatin1String(kDerivativePreview)
                                           ? QByteArrayLiteral("image/png")
                                           : QByteArrayLiteral("text/plain; charset=utf-8"));
    response.body = body;
    response.userId = caller.userId;
    return response;
}

DerivativeService::ParsedQuery DerivativeService::parseQuery(const QString& text)
{
    ParsedQuery parsed;
    QStringList phrases;
    const QStringList terms = text.toLower().split(QRegularExpression(QStringLiteral("\\s+")),
                                                   Qt::SkipEmptyParts);
    for (const QString& term : terms) {
        if (parsed.terms.size() >= kMaxQueryWords)
            break;
        parsed.terms << term;
        QStringList words;
        QString word;
        for (const QChar character : term) {
            if (isTokenCharacter(character)) {
                word += character;
            } else if (!word.isEmpty()) {
                words << word;
                word.clear();
            }
        }
        if (!word.isEmpty())
            words << word;
        if (!words.isEmpty())
            phrases << u'"' + words.join(u' ') + u'"';
    }
    parsed.match = phrases.join(u' ');
    return parsed;
}

Result<HttpResponse> DerivativeService::search(const QString& query, const SessionUser& caller,
                                               RecordService& records)
{
    const auto reject = [&](const Error& error) {
        HttpResponse response = ApiResponse::error(error);
        response.userId = caller.userId;
        return response;
    };
    if (query.size() > kMaxQueryLength) {
        return reject(invalidQuery(QStringLiteral("The search text has %1 characters; use at "
                                                  "most %2.")
                                       .arg(query.size())
                                       .arg(kMaxQueryLength)));
    }
    const ParsedQuery parsed = parseQuery(query);
    if (parsed.terms.isEmpty()) {
        return reject(invalidQuery(QStringLiteral("The search text is empty; give at least one "
                                                  "word in ?query=TEXT.")));
    }

    // A record matches when its text contains every phrase, or its title or file name contains
    // every term.
    QString titleMatch;
    QVariantList titleValues;
    for (const QString& term : parsed.terms) {
        if (!titleMatch.isEmpty())
            titleMatch += QStringLiteral(" AND ");
        titleMatch += QStringLiteral(
            "(r.title LIKE ? ESCAPE '\\' OR r.filename LIKE ? ESCAPE '\\')");
        titleValues << likePattern(term) << likePattern(term);
    }
    QString condition = u'(' + titleMatch + u')';
    QVariantList values = AccessPolicy::visibleRecordsValues(caller.userId);
    if (!parsed.match.isEmpty()) {
        condition = QStringLiteral("(r.id IN (SELECT record_id FROM record_search WHERE body "
                                   "MATCH ?) OR ") +
                    condition + u')';
        values << parsed.match;
    }
    values << titleValues;
    const QString statement =
        QStringLiteral("SELECT r.id FROM records r WHERE ") + AccessPolicy::visibleRecordsClause() +
        QStringLiteral(" AND ") + condition +
        QStringLiteral(" ORDER BY r.created_at DESC, r.id LIMIT %1").arg(kMaxSearchResults);
    auto found = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::rows(db, statement, values, 1);
    });
    if (!found)
        return found.error();

    QJsonArray array;
    for (const QVariantList& columns : std::as_const(found.value())) {
        // find() applies the visibility rule again and builds the same JSON as the list.
        auto record = records.find(caller, columns.at(0).toString());
        if (!record) {
            if (record.error().code == QLatin1String(errc::kNotFound))
                continue; // deleted or unshared since the query
            return record.error();
        }
        array.append(record->toJson());
    }

    AuditEntry entry = userAuditEntry(caller, QStringLiteral("record.searched"), QString(),
                                      QString(), QStringLiteral("success"));
    entry.details.insert(QStringLiteral("results"), array.size());
    audit(m_context, std::move(entry));
    qCInfo(lcRecords).noquote() << "user" << caller.userId << "searched records:" << array.size()
                                << "results";

    HttpResponse response = ApiResponse::json(200, QJsonObject{{QStringLiteral("records"), array}});
    response.userId = caller.userId;
    return response;
}

} // namespace chartinsight::server
