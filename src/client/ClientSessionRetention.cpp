// ClientSession: permanent deletion, expiration, legal hold, record templates and team retention.

#include "ApiClient.h"
#include "ClientLogging.h"
#include "ClientSessionImpl.h"
#include "OfflineCache.h"
#include "core/ErrorCodes.h"

#include <QJsonArray>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QUrl>

namespace chartinsight::client {
namespace {

// Limits of a template's fields, as the server checks them.
constexpr qsizetype kMaxTemplateNameChars = 64;
constexpr qsizetype kMaxTemplateCategoryChars = 64;
// Maximum retention a template or team may set: 100 years, in days.
constexpr int kMaxRetentionDays = 36525;

Error invalidInput(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kInvalidRequest), message);
}

std::optional<Error> checkUuid(const QString& id, const QString& what)
{
    if (isValidRecordId(id))
        return std::nullopt;
    // Anything outside the id alphabet is shown as '?', so a pasted secret or control
    // character is not echoed.
    QString shown = id.left(64);
    shown.replace(QRegularExpression(QStringLiteral("[^0-9A-Za-z_-]")), QStringLiteral("?"));
    return invalidInput(QStringLiteral("'%1' is not a valid %2 id: ids look like "
                                       "123e4567-e89b-42d3-a456-426614174000 (see the %2 list).")
                            .arg(shown, what));
}

std::optional<Error> checkRetentionDays(std::optional<int> days)
{
    if (!days || (*days >= 1 && *days <= kMaxRetentionDays))
        return std::nullopt;
    return makeError(QString::fromLatin1(errc::kInvalidRequest),
                     QStringLiteral("The retention period of %1 days is invalid; give 1 to %2 "
                                    "days, or none.")
                         .arg(*days)
                         .arg(kMaxRetentionDays));
}

Result<QJsonObject> templateBody(const RecordTemplate& fields)
{
    const QString name = fields.name.trimmed();
    if (name.isEmpty())
        return invalidInput(QStringLiteral("Enter the template name."));
    if (name.size() > kMaxTemplateNameChars) {
        return invalidInput(QStringLiteral("The template name has %1 characters; use at most %2.")
                                .arg(name.size())
                                .arg(kMaxTemplateNameChars));
    }
    const QString category = fields.category.trimmed();
    if (category.size() > kMaxTemplateCategoryChars) {
        return invalidInput(
            QStringLiteral("The template category has %1 characters; use at most %2.")
                .arg(category.size())
                .arg(kMaxTemplateCategoryChars));
    }
    if (fields.sharing != QLatin1String("private") && fields.sharing != QLatin1String("team")) {
        return makeError(QString::fromLatin1(errc::kInvalidTemplate),
                         QStringLiteral("The template sharing mode '%1' is invalid; use private "
                                        "or team.")
                             .arg(fields.sharing.left(32)));
    }
    if (auto invalid = checkRetentionDays(fields.retentionDays))
        return *invalid;
    return QJsonObject{
        {QStringLiteral("name"), name},
        {QStringLiteral("category"), category},
        {QStringLiteral("retention_days"),
         fields.retentionDays ? QJsonValue(*fields.retentionDays) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("sharing"), fields.sharing},
    };
}

QString encoded(const QString& id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

} // namespace

ClientTask* ClientSession::deleteRecord(const QString& recordId)
{
    if (auto invalid = checkUuid(recordId, QStringLiteral("record")))
        return d->failedTask(*invalid);
    const QString path = QStringLiteral("/api/v1/records/") + encoded(recordId);
    return d->startTask(
        [this, path, recordId](ClientTask* task) {
            d->sendJson(task, Impl::Verb::Delete, path, {},
                        [this, task, recordId](Result<QJsonObject> response) {
                            if (!response) {
                                d->finishRecordFailure(task, recordId, response.error());
                                return;
                            }
                            qCInfo(lcSession) << "erased record" << recordId;
                            // The record is gone on the server, so no copy may stay on this
                            // computer.
                            d->withOptionalCache(task, [this, task, recordId,
                                                        receipt = *response](OfflineCache* cache) {
                                if (cache) {
                                    if (auto forgotten = cache->forgetRecord(d->server, recordId);
                                        !forgotten)
                                        qCWarning(lcSession)
                                            << "could not remove erased record" << recordId
                                            << "from this computer:" << forgotten.error().code;
                                }
                                task->finishWith(receipt);
                            });
                        });
        },
        true);
}

ClientTask* ClientSession::setExpiry(const QString& recordId, const QDateTime& expiresAt)
{
    const QJsonObject body{{QStringLiteral("expires_at"),
                            expiresAt.isValid()
                                ? QJsonValue(expiresAt.toUTC().toString(Qt::ISODateWithMs))
                                : QJsonValue(QJsonValue::Null)}};
    return d->startRecordRequest(Impl::Verb::Put, recordId, QStringLiteral("/expiry"), body);
}

ClientTask* ClientSession::setLegalHold(const QString& recordId, bool hold)
{
    return d->startRecordRequest(Impl::Verb::Put, recordId, QStringLiteral("/hold"),
                                 QJsonObject{{QStringLiteral("hold"), hold}});
}

ClientTask* ClientSession::templates()
{
    return d->startRequest(Impl::Verb::Get, QStringLiteral("/api/v1/templates"), {},
                           [](const QJsonObject& body) {
                               return QJsonValue(body.value(QStringLiteral("templates")).toArray());
                           });
}

ClientTask* ClientSession::createTemplate(const RecordTemplate& fields)
{
    auto body = templateBody(fields);
    if (!body)
        return d->failedTask(body.error());
    return d->startRequest(Impl::Verb::Post, QStringLiteral("/api/v1/templates"), *body,
                           [](const QJsonObject& created) {
                               qCInfo(lcSession) << "created template"
                                                 << created.value(QStringLiteral("id")).toString();
                               return QJsonValue(created);
                           });
}

ClientTask* ClientSession::updateTemplate(const QString& templateId, const RecordTemplate& fields)
{
    if (auto invalid = checkUuid(templateId, QStringLiteral("template")))
        return d->failedTask(*invalid);
    auto body = templateBody(fields);
    if (!body)
        return d->failedTask(body.error());
    return d->startRequest(Impl::Verb::Put,
                           QStringLiteral("/api/v1/templates/") + encoded(templateId), *body,
                           [templateId](const QJsonObject& changed) {
                               qCInfo(lcSession) << "changed template" << templateId;
                               return QJsonValue(changed);
                           });
}

ClientTask* ClientSession::deleteTemplate(const QString& templateId)
{
    if (auto invalid = checkUuid(templateId, QStringLiteral("template")))
        return d->failedTask(*invalid);
    return d->startRequest(Impl::Verb::Delete,
                           QStringLiteral("/api/v1/templates/") + encoded(templateId), {},
                           [templateId](const QJsonObject&) {
                               qCInfo(lcSession) << "deleted template" << templateId;
                               return QJsonValue(QJsonObject{});
                           });
}

ClientTask* ClientSession::setTeamRetention(const QString& teamId, std::optional<int> days)
{
    if (auto invalid = checkUuid(teamId, QStringLiteral("team")))
        return d->failedTask(*invalid);
    if (auto invalid = checkRetentionDays(days))
        return d->failedTask(*invalid);
    const QJsonObject body{{QStringLiteral("retention_days"),
                            days ? QJsonValue(*days) : QJsonValue(QJsonValue::Null)}};
    return d->startRequest(Impl::Verb::Put, QStringLiteral("/api/v1/teams/") + encoded(teamId),
                           body, [teamId](const QJsonObject& team) {
                               qCInfo(lcSession) << "changed the retention of team" << teamId;
                               return QJsonValue(team);
                           });
}

ClientTask* ClientSession::receiptKey()
{
    return d->startTask(
        [this](ClientTask* task) {
            QNetworkReply* reply =
                d->api->get(QStringLiteral("/api/v1/receipt-key"), ApiClient::Auth::None);
            reply->setParent(task);
            QObject::connect(reply, &QNetworkReply::finished, task, [this, task, reply] {
                reply->deleteLater();
                auto body = d->api->readJsonReply(reply);
                if (!body) {
                    task->failWith(body.error());
                    return;
                }
                if (!body->value(QStringLiteral("public_key")).isString()) {
                    task->failWith(makeError(
                        QString::fromLatin1(errc::kInvalidRequest),
                        QStringLiteral("The server sent no receipt key; it may be older than "
                                       "this client.")));
                    return;
                }
                task->finishWith(*body);
            });
        },
        false);
}

} // namespace chartinsight::client
