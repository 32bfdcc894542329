#include "RecordInfo.h"

#include "ErrorCodes.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace chartinsight {

QJsonObject RecordInfo::toJson() const
{
    QJsonObject object{
        {QStringLiteral("id"), id},
        {QStringLiteral("filename"), filename},
        {QStringLiteral("size"), size},
        {QStringLiteral("sha256"), sha256},
        {QStringLiteral("created_at"), createdAt.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("team_id"), teamId},
        {QStringLiteral("team_name"), teamName},
        {QStringLiteral("sharing"), sharing},
        {QStringLiteral("title"), title},
        {QStringLiteral("owner_id"), ownerId},
        {QStringLiteral("can_edit"), canEdit},
        {QStringLiteral("can_share"), canShare},
        {QStringLiteral("expires_at"),
         expiresAt.isValid() ? QJsonValue(expiresAt.toUTC().toString(Qt::ISODateWithMs))
                             : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("legal_hold"), legalHold},
        {QStringLiteral("template_id"),
         templateId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(templateId)},
        {QStringLiteral("can_delete"), canDelete},
        {QStringLiteral("derived"), derived.isEmpty() ? QStringLiteral("none") : derived},
        {QStringLiteral("has_preview"), hasPreview},
        {QStringLiteral("has_text"), hasText},
    };
    if (sharing == QLatin1String("users"))
        object.insert(QStringLiteral("shared_with"), QJsonArray::fromStringList(sharedWith));
    return object;
}

Result<RecordInfo> RecordInfo::fromJson(const QJsonObject& object)
{
    RecordInfo record;
    record.id = object.value(QStringLiteral("id")).toString();
    record.filename = object.value(QStringLiteral("filename")).toString();
    record.size = object.value(QStringLiteral("size")).toInteger(-1);
    record.sha256 = object.value(QStringLiteral("sha256")).toString();
    record.createdAt = QDateTime::fromString(object.value(QStringLiteral("created_at")).toString(),
                                             Qt::ISODateWithMs);
    record.teamId = object.value(QStringLiteral("team_id")).toString();
    record.teamName = object.value(QStringLiteral("team_name")).toString();
    record.sharing = object.value(QStringLiteral("sharing")).toString();
    for (const QJsonValue& userId : object.value(QStringLiteral("shared_with")).toArray())
        record.sharedWith << userId.toString();
    record.title = object.value(QStringLiteral("title")).toString();
    record.ownerId = object.value(QStringLiteral("owner_id")).toString();
    record.canEdit = object.value(QStringLiteral("can_edit")).toBool();
    record.canShare = object.value(QStringLiteral("can_share")).toBool();
    const QJsonValue expiresAt = object.value(QStringLiteral("expires_at"));
    if (expiresAt.isString()) {
        record.expiresAt = QDateTime::fromString(expiresAt.toString(), Qt::ISODateWithMs).toUTC();
        if (!record.expiresAt.isValid()) {
            return makeError(QString::fromLatin1(errc::kInvalidRequest),
                             QStringLiteral("The server sent record %1 with an invalid "
                                            "expires_at value.")
                                 .arg(isValidRecordId(record.id) ? record.id : QString()));
        }
    }
    record.legalHold = object.value(QStringLiteral("legal_hold")).toBool();
    record.templateId = object.value(QStringLiteral("template_id")).toString();
    record.canDelete = object.value(QStringLiteral("can_delete")).toBool();
    record.derived = object.value(QStringLiteral("derived")).toString(QStringLiteral("none"));
    record.hasPreview = object.value(QStringLiteral("has_preview")).toBool();
    record.hasText = object.value(QStringLiteral("has_text")).toBool();

    static const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}\\z"));
    if (!isValidRecordId(record.id) || record.filename.isEmpty() || record.size < 0
        || !hex64.match(record.sha256).hasMatch() || !record.createdAt.isValid()) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The server sent a record entry with a missing or invalid "
                                        "field (id, filename, size, sha256 or created_at)."));
    }
    return record;
}

bool isValidRecordId(const QString& id)
{
    static const QRegularExpression uuid(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\z"));
    return uuid.match(id).hasMatch();
}

} // namespace chartinsight
