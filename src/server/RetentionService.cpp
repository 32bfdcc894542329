#include "RetentionService.h"

#include "ApiResponse.h"
#include "AuditLog.h"
#include "AuthErrors.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "SqlHelpers.h"
#include "TeamService.h"
#include "core/DateInput.h"
#include "core/ErrorCodes.h"
#include "mail/Clock.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstring>

namespace chartinsight::server {
namespace {

// Maximum length of a template's name and category, in code points after trimming.
constexpr qsizetype kMaxTemplateTextLength = 64;

QString isoTime(qint64 milliseconds)
{
    return QDateTime::fromMSecsSinceEpoch(milliseconds, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonValue isoOrNull(std::optional<qint64> milliseconds)
{
    return milliseconds ? QJsonValue(isoTime(*milliseconds)) : QJsonValue(QJsonValue::Null);
}

Error clientError(const char* code, const QString& message)
{
    return makeError(QString::fromLatin1(code), message);
}

// The HTTP status of the client errors of these routes, or 0 for a server-side failure.
int clientStatus(const QString& code)
{
    const QByteArray latin1 = code.toLatin1();
    const auto is = [&](const char* candidate) {
        return std::strcmp(latin1.constData(), candidate) == 0;
    };
    if (is(errc::kInvalidExpiry) || is(errc::kInvalidTemplate))
        return 400;
    if (is(errc::kLegalHold) || is(errc::kTemplateExists))
        return 409;
    const int status = ApiResponse::statusFor(code);
    return status < 500 ? status : 0;
}

// The response for `result`: client errors as their JSON error, server-side failures passed
// on for ApiHandler::failure(), which logs them.
Result<HttpResponse> reply(const Result<HttpResponse>& result, const SessionUser& caller)
{
    if (result) {
        HttpResponse response = result.value();
        response.userId = caller.userId;
        return response;
    }
    const int status = clientStatus(result.error().code);
    if (status == 0)
        return result.error();
    HttpResponse response = ApiResponse::error(status, result.error().code, result.error().message);
    response.userId = caller.userId;
    return response;
}

Result<QJsonObject> parseObject(const HttpRequest& request, const QString& expected)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return clientError(errc::kInvalidRequest,
                           QStringLiteral("The body must be a JSON object with %1.").arg(expected));
    }
    return document.object();
}

// Reads a retention period: null for none, else a whole number of days from 1 to
// kMaxRetentionDays. `code` is the error code for a bad value.
Result<std::optional<int>> parseRetentionDays(const QJsonValue& value, const char* code)
{
    if (value.isNull())
        return std::optional<int>();
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number != double(qint64(number)) || number < 1 ||
        number > kMaxRetentionDays) {
        const QString shown = value.isDouble()   ? QString::number(number)
                              : value.isString() ? ApiResponse::quoted(value.toString())
                                                 : QStringLiteral("(not a number)");
        return clientError(code, QStringLiteral("The retention period %1 is invalid; give a whole "
                                                "number of days from 1 to %2, or null for none.")
                                     .arg(shown)
                                     .arg(kMaxRetentionDays));
    }
    return std::optional<int>(int(number));
}

// Checks a template's name or category: trimmed and in normalization form C, at most
// kMaxTemplateTextLength code points, no control or format characters.
Result<QString> parseTemplateText(const QJsonValue& value, const QString& field, bool required)
{
    if (!value.isString()) {
        return clientError(errc::kInvalidTemplate,
                           QStringLiteral("The template's \"%1\" must be a string.").arg(field));
    }
    const QString text = value.toString().trimmed().normalized(QString::NormalizationForm_C);
    const QList<uint> codePoints = text.toUcs4();
    if (required && codePoints.isEmpty()) {
        return clientError(errc::kInvalidTemplate,
                           QStringLiteral("The template's %1 is empty; give 1 to %2 characters.")
                               .arg(field)
                               .arg(kMaxTemplateTextLength));
    }
    if (codePoints.size() > kMaxTemplateTextLength) {
        return clientError(errc::kInvalidTemplate,
                           QStringLiteral("The template's %1 has %2 characters; use at most %3.")
                               .arg(field)
                               .arg(codePoints.size())
                               .arg(kMaxTemplateTextLength));
    }
    for (qsizetype i = 0; i < codePoints.size(); ++i) {
        const auto category = QChar::category(char32_t(codePoints.at(i)));
        if (category == QChar::Other_Control || category == QChar::Other_Format ||
            category == QChar::Other_Surrogate || category == QChar::Separator_Line ||
            category == QChar::Separator_Paragraph) {
            return clientError(errc::kInvalidTemplate,
                               QStringLiteral("The template's %1 contains the control or format "
                                              "character U+%2 at position %3; remove it.")
                                   .arg(field)
                                   .arg(codePoints.at(i), 4, 16, QLatin1Char('0'))
                                   .arg(i + 1));
        }
    }
    return text;
}

QJsonObject templateJson(const TemplateRow& row)
{
    return QJsonObject{
        {QStringLiteral("id"), row.id},
        {QStringLiteral("name"), row.name},
        {QStringLiteral("category"), row.category},
        {QStringLiteral("retention_days"),
         row.retentionDays ? QJsonValue(*row.retentionDays) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("sharing"), row.sharing},
        {QStringLiteral("created_at"), isoTime(row.createdAt)},
        {QStringLiteral("updated_at"), isoTime(row.updatedAt)},
    };
}

Error legalHoldError(const QString& recordId)
{
    return clientError(errc::kLegalHold,
                       QStringLiteral("Record %1 is under legal hold, so it cannot be erased. An "
                                      "organization administrator must lift the hold first.")
                           .arg(recordId));
}

} // namespace

RetentionService::RetentionService(ServerContext& context)
    : m_context(context), m_policy(*context.database), m_records(context),
      m_templates(*context.database), m_eraser(context)
{
}

qint64 RetentionService::now() const
{
    return m_context.clock ? m_context.clock->currentMSecsSinceEpoch()
                           : QDateTime::currentMSecsSinceEpoch();
}

bool RetentionService::handles(RouteId route)
{
    return route == RouteId::RecordExpiry || route == RouteId::RecordHold ||
           route == RouteId::Templates || route == RouteId::TemplateItem;
}

Result<HttpResponse> RetentionService::handle(const HttpRequest& request, const RouteMatch& match,
                                              const SessionUser& caller)
{
    Result<HttpResponse> result =
        clientError(errc::kNotFound, QStringLiteral("No API route has this path."));
    switch (match.route) {
    case RouteId::RecordExpiry:
        result = setExpiry(request, caller, match.recordId);
        break;
    case RouteId::RecordHold:
        result = setHold(request, caller, match.recordId);
        break;
    case RouteId::Templates:
        result = request.method == "GET" ? listTemplates(caller)
                                         : saveTemplate(request, caller, QString());
        break;
    case RouteId::TemplateItem:
        result = request.method == "PUT" ? saveTemplate(request, caller, match.itemId)
                                         : deleteTemplate(caller, match.itemId);
        break;
    default:
        break;
    }
    if (!result) {
        qCInfo(lcAccess).noquote() << "request" << request.requestId << "of user" << caller.userId
                                   << "rejected:" << result.error().code;
    }
    return reply(result, caller);
}

void RetentionService::audit(const SessionUser& caller, const QString& action,
                             const QString& targetKind, const QString& targetId,
                             const QString& outcome, const QJsonObject& details)
{
    AuditEntry entry = userAuditEntry(caller, action, targetKind, targetId, outcome);
    entry.details = details;
    if (auto appended = AuditLog(*m_context.database).append(entry); !appended) {
        qCCritical(lcAccess).noquote() << "audit entry" << action << "of" << targetKind << targetId
                                       << "failed:" << appended.error().message;
    }
}

Result<HttpResponse> RetentionService::recordReply(const SessionUser& caller,
                                                   const QString& recordId)
{
    auto record = m_records.find(caller, recordId);
    if (!record)
        return record.error();
    return ApiResponse::json(200, record->toJson());
}

// ---- Permanent deletion -----------------------------------------------------------------------

Result<HttpResponse> RetentionService::deleteRecord(const HttpRequest& request,
                                                    const RouteMatch& match,
                                                    const SessionUser& caller)
{
    const QString& recordId = match.recordId;
    const ErasureRequest erasureRequest{QStringLiteral("request"), QStringLiteral("user"),
                                        caller.userId, caller.clientIp, caller.sessionId};
    // The permission, the hold and the mark share one transaction, so a hold set meanwhile
    // or a second DELETE cannot slip between the check and the mark.
    QString claim;
    auto marked = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto row = m_policy.requireRecord(caller.userId, recordId, RecordAction::Erase);
            if (!row)
                return row.error();
            if (row->legalHold)
                return legalHoldError(recordId);
            auto started = m_eraser.start(row.value(), erasureRequest);
            if (!started)
                return started.error();
            claim = started.value();
            return {};
        });
    });
    if (!marked) {
        const QString code = marked.error().code;
        if (code == QLatin1String(errc::kNotFound)) {
            // A repeated DELETE after the erasure finished gets the same receipt.
            auto stored = m_eraser.receiptFor(recordId, caller.userId);
            if (!stored)
                return stored.error();
            if (stored->has_value())
                return reply(ApiResponse::json(200, (*stored)->toJson()), caller);
        } else if (code == QLatin1String(authc::kForbidden) ||
                   code == QLatin1String(errc::kLegalHold)) {
            audit(caller, QStringLiteral("record.deleted"), QStringLiteral("record"), recordId,
                  QStringLiteral("denied"),
                  QJsonObject{{QStringLiteral("reason"), code == QLatin1String(errc::kLegalHold)
                                                             ? QStringLiteral("legal_hold")
                                                             : QStringLiteral("forbidden")}});
            qCInfo(lcAccess).noquote() << "denied erasure of record" << recordId << "to user"
                                       << caller.userId << ":" << code;
        }
        return reply(marked.error(), caller);
    }
    if (claim.isEmpty())
        return reply(recordNotFound(recordId), caller);

    qCInfo(lcRecords).noquote() << "user" << caller.userId << "started the erasure of record"
                                << recordId << "request" << request.requestId;
    auto receipt = m_eraser.finish(recordId, claim);
    if (!receipt) {
        // The record is hidden already and the scheduler finishes the erasure; the eraser has
        // logged the failure.
        HttpResponse accepted = ApiResponse::json(
            202, QJsonObject{{QStringLiteral("record_id"), recordId},
                             {QStringLiteral("status"), QStringLiteral("erasing")},
                             {QStringLiteral("message"),
                              QStringLiteral("The erasure started but a step failed; the "
                                             "server retries it within minutes. Repeat the "
                                             "DELETE later to receive the receipt.")}});
        return reply(accepted, caller);
    }
    return reply(ApiResponse::json(200, receipt->toJson()), caller);
}

// ---- Expiration and legal hold ----------------------------------------------------------------

Result<qint64> RetentionService::parseExpiry(const QString& text) const
{
    auto parsed = parseDateInput(text, LocalTimeRule::UtcDatesOnly);
    if (!parsed) {
        return clientError(
            errc::kInvalidExpiry,
            QStringLiteral("The expiration is invalid. %1").arg(parsed.error().message));
    }
    const qint64 time = parsed->toMSecsSinceEpoch();
    const qint64 current = now();
    if (time <= current) {
        return clientError(errc::kInvalidExpiry,
                           QStringLiteral("The expiration %1 (%2) is not in the future; the "
                                          "server's time is %3. Give a later date, or null for "
                                          "no expiration.")
                               .arg(ApiResponse::quoted(text), isoTime(time), isoTime(current)));
    }
    return time;
}

Result<HttpResponse> RetentionService::setExpiry(const HttpRequest& request,
                                                 const SessionUser& caller, const QString& recordId)
{
    // Visibility first, so a caller who cannot see the record learns nothing from the body.
    if (auto visible = m_policy.canSeeRecord(caller.userId, recordId); !visible)
        return visible.error();
    auto body = parseObject(request, QStringLiteral("\"expires_at\": an ISO 8601 date-time "
                                                    "with its UTC offset, or null"));
    if (!body)
        return body.error();
    const QJsonValue value = body->value(QStringLiteral("expires_at"));
    std::optional<qint64> expiresAt;
    if (value.isString()) {
        auto parsed = parseExpiry(value.toString());
        if (!parsed)
            return parsed.error();
        expiresAt = parsed.value();
    } else if (!value.isNull()) {
        return clientError(errc::kInvalidRequest,
                           QStringLiteral("The body must be a JSON object with \"expires_at\": "
                                          "an ISO 8601 date-time with its UTC offset, or null."));
    }

    std::optional<qint64> previous;
    auto done = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto row = m_policy.requireRecord(caller.userId, recordId, RecordAction::ChangeExpiry);
            if (!row)
                return row.error();
            previous = row->expiresAt;
            auto updated =
                sql::run(db, QStringLiteral("UPDATE records SET expires_at = ? WHERE id = ?"),
                         {expiresAt ? QVariant(*expiresAt) : QVariant(), recordId});
            if (!updated)
                return updated.error();
            AuditEntry entry =
                userAuditEntry(caller, QStringLiteral("record.expiry_changed"),
                               QStringLiteral("record"), recordId, QStringLiteral("success"));
            entry.details = QJsonObject{{QStringLiteral("expires_at"), isoOrNull(expiresAt)},
                                        {QStringLiteral("previous"), isoOrNull(previous)}};
            return AuditLog(db).append(entry);
        });
    });
    if (!done) {
        if (done.error().code == QLatin1String(authc::kForbidden)) {
            audit(caller, QStringLiteral("record.expiry_changed"), QStringLiteral("record"),
                  recordId, QStringLiteral("denied"));
        }
        return done.error();
    }
    qCInfo(lcAccess).noquote() << "user" << caller.userId << "set the expiration of record"
                               << recordId;
    return recordReply(caller, recordId);
}

Result<HttpResponse> RetentionService::setHold(const HttpRequest& request,
                                               const SessionUser& caller, const QString& recordId)
{
    if (auto visible = m_policy.canSeeRecord(caller.userId, recordId); !visible)
        return visible.error();
    auto body = parseObject(request, QStringLiteral("the boolean \"hold\""));
    if (!body)
        return body.error();
    const QJsonValue hold = body->value(QStringLiteral("hold"));
    if (!hold.isBool()) {
        return clientError(errc::kInvalidRequest,
                           QStringLiteral("The body must be a JSON object with the boolean "
                                          "\"hold\": true to place the record under legal hold, "
                                          "false to lift it."));
    }
    const QString action =
        hold.toBool() ? QStringLiteral("record.hold_set") : QStringLiteral("record.hold_cleared");
    // The route's rule checked manage_organization in the home team; the record must be
    // visible to the caller as well.
    auto done = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto row = m_policy.requireRecord(caller.userId, recordId, RecordAction::View);
            if (!row)
                return row.error();
            auto updated =
                sql::run(db, QStringLiteral("UPDATE records SET legal_hold = ? WHERE id = ?"),
                         {qint64(hold.toBool() ? 1 : 0), recordId});
            if (!updated)
                return updated.error();
            AuditEntry entry = userAuditEntry(caller, action, QStringLiteral("record"), recordId,
                                              QStringLiteral("success"));
            entry.details =
                QJsonObject{{QStringLiteral("changed"), row->legalHold != hold.toBool()}};
            return AuditLog(db).append(entry);
        });
    });
    if (!done)
        return done.error();
    qCInfo(lcAccess).noquote() << "user" << caller.userId
                               << (hold.toBool() ? "placed record" : "lifted the hold of record")
                               << recordId << (hold.toBool() ? "under legal hold" : "");
    return recordReply(caller, recordId);
}

// ---- Templates --------------------------------------------------------------------------------

Result<HttpResponse> RetentionService::listTemplates(const SessionUser& caller)
{
    auto rows = m_templates.list(caller.organizationId);
    if (!rows)
        return rows.error();
    QJsonArray templates;
    for (const TemplateRow& row : std::as_const(rows.value()))
        templates.append(templateJson(row));
    return ApiResponse::json(200, QJsonObject{{QStringLiteral("templates"), templates}});
}

Result<HttpResponse> RetentionService::saveTemplate(const HttpRequest& request,
                                                    const SessionUser& caller,
                                                    const QString& templateId)
{
    const bool creating = templateId.isEmpty();
    TemplateRow row;
    if (!creating) {
        auto existing = m_templates.find(caller.organizationId, templateId);
        if (!existing)
            return existing.error();
        if (!existing->has_value()) {
            return clientError(errc::kNotFound,
                               QStringLiteral("Your organization has no template with the id "
                                              "%1; list the templates for their ids.")
                                   .arg(templateId));
        }
        row = **existing;
    } else {
        row.organizationId = caller.organizationId;
        row.sharing = QString::fromLatin1(kSharingPrivate);
    }

    auto body = parseObject(request, QStringLiteral("\"name\" and optionally \"category\", "
                                                    "\"retention_days\" and \"sharing\""));
    if (!body)
        return body.error();
    // Creating needs a name; changing keeps each field the body leaves out.
    if (creating || body->contains(QStringLiteral("name"))) {
        auto name =
            parseTemplateText(body->value(QStringLiteral("name")), QStringLiteral("name"), true);
        if (!name)
            return name.error();
        row.name = name.value();
    }
    if (body->contains(QStringLiteral("category"))) {
        auto category = parseTemplateText(body->value(QStringLiteral("category")),
                                          QStringLiteral("category"), false);
        if (!category)
            return category.error();
        row.category = category.value();
    }
    if (body->contains(QStringLiteral("retention_days"))) {
        auto days = parseRetentionDays(body->value(QStringLiteral("retention_days")),
                                       errc::kInvalidTemplate);
        if (!days)
            return days.error();
        row.retentionDays = days.value();
    }
    if (body->contains(QStringLiteral("sharing"))) {
        const QJsonValue sharing = body->value(QStringLiteral("sharing"));
        if (sharing != QJsonValue(QString::fromLatin1(kSharingPrivate)) &&
            sharing != QJsonValue(QString::fromLatin1(kSharingTeam))) {
            return clientError(errc::kInvalidTemplate,
                               QStringLiteral("The template's sharing mode %1 is invalid; use "
                                              "\"private\" or \"team\".")
                                   .arg(ApiResponse::quoted(sharing.toVariant().toString())));
        }
        row.sharing = sharing.toString();
    }

    row.updatedAt = now();
    if (creating)
        row.createdAt = row.updatedAt;
    auto saved = creating ? m_templates.create(row) : m_templates.update(row);
    if (!saved)
        return saved.error();
    audit(caller,
          creating ? QStringLiteral("template.created") : QStringLiteral("template.changed"),
          QStringLiteral("template"), saved->id, QStringLiteral("success"));
    qCInfo(lcAccess).noquote() << "user" << caller.userId
                               << (creating ? "created template" : "changed template") << saved->id;
    return ApiResponse::json(creating ? 201 : 200, templateJson(saved.value()));
}

Result<HttpResponse> RetentionService::deleteTemplate(const SessionUser& caller,
                                                      const QString& templateId)
{
    if (auto removed = m_templates.remove(caller.organizationId, templateId); !removed)
        return removed.error();
    audit(caller, QStringLiteral("template.deleted"), QStringLiteral("template"), templateId,
          QStringLiteral("success"));
    qCInfo(lcAccess).noquote() << "user" << caller.userId << "deleted template" << templateId;
    HttpResponse response;
    response.status = 204;
    return response;
}

// ---- Teams ------------------------------------------------------------------------------------

Result<HttpResponse> RetentionService::updateTeam(const HttpRequest& request,
                                                  const RouteMatch& match,
                                                  const SessionUser& caller, TeamService& teams)
{
    const QString& teamId = match.itemId;
    auto team = m_policy.findTeam(caller.userId, teamId);
    if (!team)
        return reply(team.error(), caller);
    auto body = parseObject(request, QStringLiteral("\"retention_days\" (a number of days, or "
                                                    "null) and optionally \"name\""));
    if (!body)
        return reply(body.error(), caller);
    auto days =
        parseRetentionDays(body->value(QStringLiteral("retention_days")), errc::kInvalidRequest);
    if (!days)
        return reply(days.error(), caller);

    // A rename in the same body goes through the team routes' own checks first.
    if (body->contains(QStringLiteral("name"))) {
        HttpRequest rename = request;
        rename.body = QJsonDocument(QJsonObject{{QStringLiteral("name"),
                                                 body->value(QStringLiteral("name"))}})
                          .toJson(QJsonDocument::Compact);
        auto renamed = teams.handle(rename, match, caller);
        if (!renamed || renamed->status != 200)
            return renamed;
    }

    auto done = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto previous = sql::firstRow(
                db, QStringLiteral("SELECT retention_days FROM teams WHERE id = ?"), {teamId}, 1);
            if (!previous)
                return previous.error();
            auto updated = sql::run(db,
                                    QStringLiteral("UPDATE teams SET retention_days = ? WHERE id "
                                                   "= ? AND organization_id = ?"),
                                    {days.value() ? QVariant(qint64(**days)) : QVariant(), teamId,
                                     caller.organizationId});
            if (!updated)
                return updated.error();
            AuditEntry entry =
                userAuditEntry(caller, QStringLiteral("team.retention_changed"),
                               QStringLiteral("team"), teamId, QStringLiteral("success"));
            const QVariant before = previous->has_value() ? (*previous)->at(0) : QVariant();
            entry.details =
                QJsonObject{{QStringLiteral("retention_days"),
                             days.value() ? QJsonValue(**days) : QJsonValue(QJsonValue::Null)},
                            {QStringLiteral("previous"),
                             before.isNull() ? QJsonValue(QJsonValue::Null)
                                             : QJsonValue(qint64(before.toLongLong()))}};
            return AuditLog(db).append(entry);
        });
    });
    if (!done)
        return reply(done.error(), caller);
    qCInfo(lcAccess).noquote() << "user" << caller.userId << "set the retention of team" << teamId;

    // The team object comes from the team list, so it has the same form as GET /teams.
    HttpRequest list = request;
    list.method = "GET";
    list.body.clear();
    RouteMatch listMatch = match;
    listMatch.route = RouteId::Teams;
    auto listed = teams.handle(list, listMatch, caller);
    if (!listed)
        return listed.error();
    const QJsonArray all =
        QJsonDocument::fromJson(listed->body).object().value(QStringLiteral("teams")).toArray();
    for (const QJsonValue& value : all) {
        if (value.toObject().value(QStringLiteral("id")).toString() == teamId)
            return reply(ApiResponse::json(200, value.toObject()), caller);
    }
    return reply(
        clientError(errc::kNotFound, QStringLiteral("The team %1 was not found.").arg(teamId)),
        caller);
}

// ---- Uploads ----------------------------------------------------------------------------------

Result<std::optional<TemplateRow>> RetentionService::uploadTemplate(const SessionUser& user,
                                                                    const QString& templateId)
{
    if (templateId.isEmpty())
        return std::optional<TemplateRow>();
    const auto unknown = [&] {
        return clientError(errc::kInvalidTemplate,
                           QStringLiteral("The template %1 is not a template of your "
                                          "organization; list them with GET /api/v1/templates.")
                               .arg(ApiResponse::quoted(templateId)));
    };
    if (!isValidRecordId(templateId))
        return unknown();
    auto found = m_templates.find(user.organizationId, templateId);
    if (!found)
        return found.error();
    if (!found->has_value())
        return unknown();
    return found.value();
}

Result<void>
RetentionService::applyUploadRetention(const std::optional<TemplateRow>& chosenTemplate,
                                       const QString& expiresAtText, UploadTarget& target)
{
    if (chosenTemplate)
        target.templateId = chosenTemplate->id;
    if (!expiresAtText.isEmpty()) {
        auto parsed = parseExpiry(expiresAtText);
        if (!parsed)
            return parsed.error();
        target.expiresAt = parsed.value();
        return {};
    }
    if (chosenTemplate && chosenTemplate->retentionDays) {
        target.retentionDays = chosenTemplate->retentionDays;
        return {};
    }
    auto teamDays = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(db, QStringLiteral("SELECT retention_days FROM teams WHERE id = ?"),
                             {target.teamId}, 1);
    });
    if (!teamDays)
        return teamDays.error();
    if (teamDays->has_value() && !(*teamDays)->at(0).isNull())
        target.retentionDays = int((*teamDays)->at(0).toLongLong());
    return {};
}

// ---- Receipt key ------------------------------------------------------------------------------

HttpResponse RetentionService::receiptKey() const
{
    if (m_eraser.publicKeyPem().isEmpty()) {
        return ApiResponse::error(500, QString::fromLatin1(errc::kCrypto),
                                  QStringLiteral("The server has no usable receipt key; the "
                                                 "administrator finds the cause in its log."));
    }
    return ApiResponse::json(
        200,
        QJsonObject{{QStringLiteral("algorithm"), QStringLiteral("Ed25519")},
                    {QStringLiteral("key_id"), m_eraser.keyId()},
                    {QStringLiteral("public_key"), QString::fromLatin1(m_eraser.publicKeyPem())}});
}

} // namespace chartinsight::server
