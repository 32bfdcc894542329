#pragma once

#include "SessionController.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// Common part of the audit views: a list of audit entries from one report of the server
// (GET /api/v1/reports/<report>), newest first, paged with the server's cursor, and the export
// of the whole report as CSV into a file. Subclasses decide the report and its filter.
// Names of people and records are protected information: views show them as sensitive.
class AuditEntryModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ANONYMOUS

    Q_PROPERTY(chartinsight::ui::SessionController* controller READ controller WRITE setController
                   NOTIFY controllerChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // A page arrived at least once since the last filter change, so an empty list means "no
    // entries".
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY loadedChanged)
    // The server has more entries after the last row ("Load more").
    Q_PROPERTY(bool hasMore READ hasMore NOTIFY hasMoreChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(bool exporting READ isExporting NOTIFY exportingChanged)
    // Bytes of CSV written to the file so far while exporting.
    Q_PROPERTY(qint64 exportedBytes READ exportedBytes NOTIFY exportedBytesChanged)
    // The export's progress in words, empty while not exporting.
    Q_PROPERTY(QString exportProgressText READ exportProgressText NOTIFY exportedBytesChanged)
    // Entries per page, 1 to 1000 as the API allows.
    Q_PROPERTY(int pageSize READ pageSize WRITE setPageSize NOTIFY pageSizeChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    enum Role
    {
        SequenceRole = Qt::UserRole + 1,
        TimeRole,     // QDateTime in UTC
        TimeTextRole, // in the computer's time zone
        ActorKindRole,
        ActorIdRole,
        ActorNameRole, // resolved name, or words for a non-user actor
        ActionRole,
        ActionTextRole,
        TargetKindRole,
        TargetIdRole,
        TargetNameRole, // resolved name, or kind and id
        OutcomeRole,
        OutcomeTextRole,
        ClientIpRole,
        DeviceIdRole,
        DetailsRole, // QVariantMap of ids and counts
    };
    Q_ENUM(Role)

    static constexpr int kDefaultPageSize = 100;
    static constexpr int kMaxPageSize = 1000;

    explicit AuditEntryModel(QObject* parent = nullptr);
    ~AuditEntryModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    SessionController* controller() const { return m_controller; }
    void setController(SessionController* controller);
    int count() const { return int(m_entries.size()); }
    bool isLoaded() const { return m_loaded; }
    bool hasMore() const { return !m_nextCursor.isEmpty(); }
    bool isBusy() const { return m_pending > 0; }
    bool isExporting() const { return m_exporting; }
    qint64 exportedBytes() const { return m_exportedBytes; }
    QString exportProgressText() const;
    int pageSize() const { return m_pageSize; }
    void setPageSize(int pageSize);
    QString status() const { return m_status; }
    QString errorString() const { return m_errorString; }

    // Reads the first page again with the current filter, replacing the rows.
    Q_INVOKABLE void refresh();
    // Appends the next page; does nothing when there is none or a page is on its way.
    Q_INVOKABLE void loadMore();
    // Saves every entry that matches the current filter as CSV, as the server writes it, into
    // `file` (a local file URL or path). The file appears only once the whole report arrived.
    Q_INVOKABLE void exportCsv(const QUrl& file);
    Q_INVOKABLE void clearMessages();
    // Forgets the rows, for example after sign-out.
    Q_INVOKABLE void clear();
    // The entry of a row as the API returns it, for details views and tests.
    Q_INVOKABLE QVariantMap entryAt(int row) const;

    // The query of the last page request, for example "action=record.viewed&limit=100".
    QString lastQuery() const { return m_lastQuery; }

    // Returns the query string the reports API receives for `filter`, percent-encoded.
    static QString queryText(const client::ReportFilter& filter);

signals:
    void controllerChanged();
    void countChanged();
    void loadedChanged();
    void hasMoreChanged();
    void busyChanged();
    void exportingChanged();
    void exportedBytesChanged();
    void pageSizeChanged();
    void statusChanged();
    void errorStringChanged();
    // A CSV export finished and `path` contains the report.
    void exported(const QString& path);

protected:
    virtual client::ReportKind reportKind() const = 0;
    // The report's name in log lines, for example "activity".
    virtual const char* reportName() const = 0;
    // The filter of the next request, or an error naming the field to correct. Paging and
    // format are set by this class.
    virtual Result<client::ReportFilter> buildFilter() const = 0;
    // What a failed request was trying to do, starting lower case ("read the activity").
    virtual QString actionDescription() const = 0;
    // Drops the rows and any page on its way, for example when the filter changes.
    void invalidate();
    void setStatus(const QString& status);
    void setErrorString(const QString& errorString);
    client::ClientSession* session() const;

private:
    struct Entry
    {
        QJsonObject json;
        QDateTime time;
        QString actorText;
        QString targetText;
    };

    void requestPage(const QString& cursor);
    void applyPage(const QJsonObject& page, bool append);
    void setPending(int pending);
    void setLoaded(bool loaded);
    void setNextCursor(const QString& cursor);
    void setExporting(bool exporting);
    // Emits exportedBytesChanged also when only `exporting` changed, for exportProgressText.
    void setExportedBytes(qint64 bytes);
    QString failureText(const Error& error, const QString& action) const;

    QPointer<SessionController> m_controller;
    QList<Entry> m_entries;
    QString m_nextCursor;
    QString m_lastQuery;
    QString m_status;
    QString m_errorString;
    // Bumped whenever the rows are dropped, so that pages requested before are ignored.
    quint64 m_generation = 0;
    int m_pending = 0;
    int m_pageSize = kDefaultPageSize;
    qint64 m_exportedBytes = 0;
    bool m_loaded = false;
    bool m_exporting = false;
    bool m_loadingMore = false;
};

} // namespace chartinsight::ui
