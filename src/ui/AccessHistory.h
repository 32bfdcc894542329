#pragma once

#include "AuditEntryModel.h"

namespace chartinsight::ui {

// The access history of one record (GET /api/v1/reports/access?record=ID): who viewed,
// downloaded, previewed or synced it, and when, newest first. Its uploader and people who
// manage the organization may read it; the server rejects anyone else with "forbidden".
class AccessHistory : public AuditEntryModel
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(QString recordId READ recordId NOTIFY recordChanged)
    // The record's title, else its file name, for the panel's heading.
    Q_PROPERTY(QString recordName READ recordName NOTIFY recordChanged)

public:
    explicit AccessHistory(QObject* parent = nullptr);

    QString recordId() const { return m_recordId; }
    QString recordName() const { return m_recordName; }

    // Shows the history of `recordId` and reads its first page.
    Q_INVOKABLE void open(const QString& recordId, const QString& recordName);
    // Forgets the record and its rows.
    Q_INVOKABLE void close();

signals:
    void recordChanged();

protected:
    client::ReportKind reportKind() const override;
    const char* reportName() const override;
    Result<client::ReportFilter> buildFilter() const override;
    QString actionDescription() const override;

private:
    QString m_recordId;
    QString m_recordName;
};

} // namespace chartinsight::ui
