#include "TemplateAdmin.h"

#include "AccessText.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QVariantMap>

#include <algorithm>

namespace chartinsight::ui {

namespace {

// The server's limits on templates (POST /api/v1/templates): names of 1 to 64 characters,
// categories of up to 64, retention periods of 1 to 36525 days (100 years).
constexpr int kMaxNameLength = 64;
constexpr int kMaxCategoryLength = 64;
constexpr int kMaxRetentionDays = 36525;

} // namespace

TemplateAdmin::TemplateAdmin(QObject* parent) : AccessViewModel(parent) {}

void TemplateAdmin::reset()
{
    m_templates.clear();
    m_loaded = false;
    emit templatesChanged();
}

void TemplateAdmin::refresh()
{
    client::ClientSession* client = session();
    if (!client)
        return;
    track(client->templates(), "listing templates", tr("list the record templates"),
          [this](const QJsonValue& result) {
              QList<QVariantMap> entries;
              for (const QJsonValue& value :
                   AccessText::arrayOf(result, QStringLiteral("templates"))) {
                  const QJsonObject object = value.toObject();
                  const int days = object.value(QStringLiteral("retention_days")).toInt(0);
                  const QString sharing = object.value(QStringLiteral("sharing")).toString();
                  QString keep = tr("kept until deleted");
                  if (days == 1)
                      keep = tr("erased after 1 day");
                  else if (days > 1)
                      keep = tr("erased after %1 days").arg(days);
                  const QString who =
                      sharing == QStringLiteral("team") ? tr("the team") : tr("only the uploader");
                  entries.append({
                      {QStringLiteral("id"), object.value(QStringLiteral("id")).toString()},
                      {QStringLiteral("name"), object.value(QStringLiteral("name")).toString()},
                      {QStringLiteral("category"),
                       object.value(QStringLiteral("category")).toString()},
                      {QStringLiteral("retentionDays"), days},
                      {QStringLiteral("sharing"), sharing},
                      {QStringLiteral("summaryText"), tr("Visible to %1, %2").arg(who, keep)},
                  });
              }
              std::sort(entries.begin(), entries.end(),
                        [](const QVariantMap& left, const QVariantMap& right) {
                            return left.value(QStringLiteral("name"))
                                       .toString()
                                       .localeAwareCompare(
                                           right.value(QStringLiteral("name")).toString()) < 0;
                        });
              m_templates.clear();
              for (const QVariantMap& entry : entries)
                  m_templates.append(entry);
              m_loaded = true;
              emit templatesChanged();
          });
}

std::optional<int> TemplateAdmin::parseDays(const QString& text, QString& error)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const int days = trimmed.toInt(&isNumber);
    if (!isNumber || days < 1 || days > kMaxRetentionDays) {
        error = tr("Retention \"%1\" is not valid: enter a whole number of days from 1 to %2, "
                   "or leave it empty to keep records until someone deletes them.")
                    .arg(trimmed.left(kMaxNameLength))
                    .arg(kMaxRetentionDays);
    }
    return days;
}

QString TemplateAdmin::validateRetentionDays(const QString& text) const
{
    QString error;
    parseDays(text, error);
    return error;
}

void TemplateAdmin::createTemplate(const QString& name, const QString& category,
                                   const QString& retentionDays, const QString& sharing)
{
    client::ClientSession* client = session();
    if (!client)
        return;
    clearMessages();
    client::RecordTemplate fields;
    fields.name = name.trimmed();
    fields.category = category.trimmed();
    fields.sharing = sharing;
    if (fields.name.isEmpty() || fields.name.size() > kMaxNameLength) {
        setErrorString(tr("Template name \"%1\" is not valid: use 1 to %2 characters.")
                           .arg(fields.name.left(kMaxNameLength))
                           .arg(kMaxNameLength));
        return;
    }
    if (fields.category.size() > kMaxCategoryLength) {
        setErrorString(tr("The category is too long: use at most %1 characters.")
                           .arg(kMaxCategoryLength));
        return;
    }
    QString error;
    fields.retentionDays = parseDays(retentionDays, error);
    if (!error.isEmpty()) {
        setErrorString(error);
        return;
    }
    const QString templateName = fields.name;
    track(client->createTemplate(fields), "creating a template",
          tr("create the template \"%1\"").arg(templateName),
          [this, templateName](const QJsonValue&) {
              setStatus(tr("Template \"%1\" was created.").arg(templateName));
              emit changed();
              refresh();
          });
}

void TemplateAdmin::deleteTemplate(const QString& templateId)
{
    client::ClientSession* client = session();
    if (!client || templateId.isEmpty())
        return;
    clearMessages();
    track(client->deleteTemplate(templateId), "deleting a template",
          tr("delete the template"), [this](const QJsonValue&) {
              setStatus(tr("The template was deleted. Records uploaded with it keep their "
                           "settings."));
              emit changed();
              refresh();
          });
}

} // namespace chartinsight::ui
