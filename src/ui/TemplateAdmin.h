#pragma once

#include "AccessViewModel.h"

#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <optional>

namespace chartinsight::ui {

// The organization's record templates, for the Templates tab of the admin page and the upload
// choice of the records page. A template has a name, a category, a default retention period and
// a default sharing mode, which the server applies to records uploaded with it. Anyone signed in
// may list templates, but only holders of manage_organization in the home team may change them,
// which the server checks.
class TemplateAdmin : public AccessViewModel
{
    Q_OBJECT
    QML_ELEMENT

    // Each {"id", "name", "category", "retentionDays" (0 for none), "sharing",
    // "summaryText"}, sorted by name.
    Q_PROPERTY(QVariantList templates READ templates NOTIFY templatesChanged)
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY templatesChanged)

public:
    explicit TemplateAdmin(QObject* parent = nullptr);

    QVariantList templates() const { return m_templates; }
    bool isLoaded() const { return m_loaded; }

    Q_INVOKABLE void refresh();
    // Creates a template. `retentionDays` is the text of the form's field: empty for no
    // expiration, else a whole number of days. `sharing` is "private" or "team".
    Q_INVOKABLE void createTemplate(const QString& name, const QString& category,
                                    const QString& retentionDays, const QString& sharing);
    Q_INVOKABLE void deleteTemplate(const QString& templateId);
    // Returns why `text` is not a valid retention period, or an empty string when it is.
    Q_INVOKABLE QString validateRetentionDays(const QString& text) const;

signals:
    void templatesChanged();
    // A template was created or deleted; the tab clears its input fields.
    void changed();

protected:
    void reset() override;

private:
    static std::optional<int> parseDays(const QString& text, QString& error);

    QVariantList m_templates;
    bool m_loaded = false;
};

} // namespace chartinsight::ui
