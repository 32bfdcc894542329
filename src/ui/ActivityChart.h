#pragma once

#include "AuditViewModel.h"
#include "SessionController.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QPointer>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// Audit entries per day or week for the Audit page's bar chart, from
// GET /api/v1/reports/activity/chart. There is one row per bucket, oldest first, empty buckets
// included. Each bucket's count is split into the categories of `categories`, so that the
// chart can stack them. Buckets start at midnight UTC, as the server counts them.
class ActivityChart : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(chartinsight::ui::SessionController* controller READ controller WRITE setController
                   NOTIFY controllerChanged)
    // The list whose filters (period, user, team, record, action, outcome) the chart uses.
    // Without a period, the chart covers the last 30 days, or the last 12 weeks by week.
    Q_PROPERTY(chartinsight::ui::AuditViewModel* filterSource READ filterSource WRITE
                   setFilterSource NOTIFY filterSourceChanged)
    // "day" or "week".
    Q_PROPERTY(QString bucket READ bucket WRITE setBucket NOTIFY bucketChanged)
    Q_PROPERTY(int count READ count NOTIFY bucketsChanged)
    // Largest bucket count, at least 1, for the scale of the bars.
    Q_PROPERTY(int maxCount READ maxCount NOTIFY bucketsChanged)
    Q_PROPERTY(int total READ total NOTIFY bucketsChanged)
    // Names of the categories in stacking order, bottom first, for the legend.
    Q_PROPERTY(QStringList categories READ categories CONSTANT)
    // The period shown, in words.
    Q_PROPERTY(QString periodText READ periodText NOTIFY bucketsChanged)
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY bucketsChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    enum Role
    {
        StartRole = Qt::UserRole + 1, // QDateTime in UTC
        LabelRole,                    // short label under the bar: "4 Dec"
        DescriptionRole,              // the bucket and its counts in words, for tool tips
        CountRole,
        SegmentsRole, // QVariantList of counts per category, in the order of `categories`
    };
    Q_ENUM(Role)

    // Categories of actions, in stacking order.
    enum class Category
    {
        RecordAccess,  // record.viewed, .downloaded, .synced, .previewed
        RecordChanges, // any other record.* action
        SignIns,       // login.*, logout, session(s).*, password, MFA and account actions
        Administration,
    };
    static constexpr int kCategoryCount = 4;
    static Category categoryOf(const QString& action);

    explicit ActivityChart(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    SessionController* controller() const { return m_controller; }
    void setController(SessionController* controller);
    AuditViewModel* filterSource() const { return m_filterSource; }
    void setFilterSource(AuditViewModel* source);
    QString bucket() const { return m_bucket; }
    void setBucket(const QString& bucket);
    int count() const { return int(m_buckets.size()); }
    int maxCount() const;
    int total() const;
    QStringList categories() const;
    QString periodText() const { return m_periodText; }
    bool isLoaded() const { return m_loaded; }
    bool isBusy() const { return m_busy; }
    QString errorString() const { return m_errorString; }

    // Reads the buckets again with the filter source's current filter.
    Q_INVOKABLE void refresh();
    Q_INVOKABLE void clear();

signals:
    void controllerChanged();
    void filterSourceChanged();
    void bucketChanged();
    void bucketsChanged();
    void busyChanged();
    void errorStringChanged();

private:
    struct Bucket
    {
        QDateTime start;
        int count = 0;
        QList<int> segments;
    };

    void applyBuckets(const QJsonValue& result);
    QString labelOf(const Bucket& bucket) const;
    QString descriptionOf(const Bucket& bucket) const;
    void setBusy(bool busy);
    void setErrorString(const QString& errorString);

    QPointer<SessionController> m_controller;
    QPointer<AuditViewModel> m_filterSource;
    QList<Bucket> m_buckets;
    QString m_bucket = QStringLiteral("day");
    QString m_periodText;
    QString m_errorString;
    quint64 m_generation = 0;
    bool m_loaded = false;
    bool m_busy = false;
};

} // namespace chartinsight::ui
