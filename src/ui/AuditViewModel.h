#pragma once

#include "AuditEntryModel.h"

#include <QVariantList>

namespace chartinsight::ui {

// The Audit page's list: the activity report (GET /api/v1/reports/activity) with its filters.
// The server decides the scope: people who manage the organization get all of its entries,
// anyone else the entries about records they uploaded. Filters apply at the next refresh().
class AuditViewModel : public AuditEntryModel
{
    Q_OBJECT
    QML_ELEMENT

    // Period in local days, "YYYY-MM-DD", both ends included; empty leaves that end open.
    Q_PROPERTY(QString since READ since WRITE setSince NOTIFY filterChanged)
    Q_PROPERTY(QString until READ until WRITE setUntil NOTIFY filterChanged)
    // Why `since` or `until` cannot be used, or empty.
    Q_PROPERTY(QString sinceError READ sinceError NOTIFY filterChanged)
    Q_PROPERTY(QString untilError READ untilError NOTIFY filterChanged)
    // Actor: a user id or e-mail address; empty for everybody.
    Q_PROPERTY(QString user READ user WRITE setUser NOTIFY filterChanged)
    Q_PROPERTY(QString team READ team WRITE setTeam NOTIFY filterChanged)
    Q_PROPERTY(QString record READ record WRITE setRecord NOTIFY filterChanged)
    // An exact action ("record.viewed") or a prefix ending in "." ("record.").
    Q_PROPERTY(QString action READ action WRITE setAction NOTIFY filterChanged)
    // "success", "denied", "failed" or empty.
    Q_PROPERTY(QString outcome READ outcome WRITE setOutcome NOTIFY filterChanged)
    Q_PROPERTY(bool filtered READ isFiltered NOTIFY filterChanged)
    Q_PROPERTY(QVariantList actionChoices READ actionChoices CONSTANT)
    Q_PROPERTY(QVariantList outcomeChoices READ outcomeChoices CONSTANT)
    // People and teams for the pickers: maps {"value", "text"}, the first meaning "anyone".
    Q_PROPERTY(QVariantList userChoices READ userChoices NOTIFY choicesChanged)
    Q_PROPERTY(QVariantList teamChoices READ teamChoices NOTIFY choicesChanged)

public:
    explicit AuditViewModel(QObject* parent = nullptr);

    QString since() const { return m_since; }
    void setSince(const QString& since);
    QString until() const { return m_until; }
    void setUntil(const QString& until);
    QString sinceError() const;
    QString untilError() const;
    QString user() const { return m_user; }
    void setUser(const QString& user);
    QString team() const { return m_team; }
    void setTeam(const QString& team);
    QString record() const { return m_record; }
    void setRecord(const QString& record);
    QString action() const { return m_action; }
    void setAction(const QString& action);
    QString outcome() const { return m_outcome; }
    void setOutcome(const QString& outcome);
    bool isFiltered() const;
    QVariantList actionChoices() const;
    QVariantList outcomeChoices() const;
    QVariantList userChoices() const { return m_userChoices; }
    QVariantList teamChoices() const { return m_teamChoices; }

    // Empties every filter.
    Q_INVOKABLE void resetFilters();
    // Reads the organization's users and the caller's teams for the pickers.
    Q_INVOKABLE void loadChoices();

    // The filter as the reports API takes it, or the first field error. Also used by the
    // activity chart, so that both show the same entries.
    Result<client::ReportFilter> currentFilter() const;

signals:
    void filterChanged();
    void choicesChanged();

protected:
    client::ReportKind reportKind() const override;
    const char* reportName() const override;
    Result<client::ReportFilter> buildFilter() const override;
    QString actionDescription() const override;

private:
    void setFilterField(QString& field, const QString& value);

    QString m_since;
    QString m_until;
    QString m_user;
    QString m_team;
    QString m_record;
    QString m_action;
    QString m_outcome;
    QVariantList m_userChoices;
    QVariantList m_teamChoices;
};

} // namespace chartinsight::ui
