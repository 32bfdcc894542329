#include "ActivityChart.h"

#include "AccessText.h"
#include "AuditText.h"
#include "AuditViewModel.h"
#include "TaskFinished.h"
#include "UiLogging.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace chartinsight::ui {
namespace {

// Length of the period when the filter has no dates: in days for day buckets, in weeks for
// week buckets.
constexpr int kDefaultDays = 30;
constexpr int kDefaultWeeks = 12;

} // namespace

ActivityChart::Category ActivityChart::categoryOf(const QString& action)
{
    if (action == QLatin1String("record.viewed") || action == QLatin1String("record.downloaded") ||
        action == QLatin1String("record.synced") || action == QLatin1String("record.previewed")) {
        return Category::RecordAccess;
    }
    if (action.startsWith(QLatin1String("record.")))
        return Category::RecordChanges;
    for (const char* prefix : {"login.", "logout", "session.", "sessions.", "password",
                               "mfa.", "account."}) {
        if (action.startsWith(QLatin1String(prefix)))
            return Category::SignIns;
    }
    return Category::Administration;
}

ActivityChart::ActivityChart(QObject* parent) : QAbstractListModel(parent) {}

int ActivityChart::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_buckets.size());
}

QVariant ActivityChart::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Bucket& bucket = m_buckets.at(index.row());
    switch (role) {
    case StartRole:
        return bucket.start;
    case Qt::DisplayRole:
    case LabelRole:
        return labelOf(bucket);
    case DescriptionRole:
        return descriptionOf(bucket);
    case CountRole:
        return bucket.count;
    case SegmentsRole: {
        QVariantList segments;
        for (int count : bucket.segments)
            segments.append(count);
        return segments;
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> ActivityChart::roleNames() const
{
    return {
        {StartRole, "start"},
        {LabelRole, "label"},
        {DescriptionRole, "description"},
        {CountRole, "count"},
        {SegmentsRole, "segments"},
    };
}

void ActivityChart::setController(SessionController* controller)
{
    if (controller == m_controller)
        return;
    if (m_controller)
        m_controller->disconnect(this);
    m_controller = controller;
    if (m_controller) {
        connect(m_controller, &SessionController::signedInChanged, this, [this] {
            if (!m_controller->isSignedIn())
                clear();
        });
        connect(m_controller, &SessionController::sessionReplaced, this, &ActivityChart::clear);
    }
    emit controllerChanged();
}

void ActivityChart::setFilterSource(AuditViewModel* source)
{
    if (source == m_filterSource)
        return;
    m_filterSource = source;
    emit filterSourceChanged();
}

void ActivityChart::setBucket(const QString& bucket)
{
    const QString checked = bucket == QLatin1String("week") ? bucket : QStringLiteral("day");
    if (checked == m_bucket)
        return;
    m_bucket = checked;
    emit bucketChanged();
}

int ActivityChart::maxCount() const
{
    int maximum = 1;
    for (const Bucket& bucket : m_buckets)
        maximum = qMax(maximum, bucket.count);
    return maximum;
}

int ActivityChart::total() const
{
    int sum = 0;
    for (const Bucket& bucket : m_buckets)
        sum += bucket.count;
    return sum;
}

QStringList ActivityChart::categories() const
{
    return {tr("Views, downloads and syncs"), tr("Record changes"), tr("Sign-ins and accounts"),
            tr("Administration")};
}

void ActivityChart::refresh()
{
    ++m_generation;
    if (!m_controller || !m_controller->isSignedIn()) {
        setErrorString(tr("Sign in to see the activity chart."));
        return;
    }
    client::ReportFilter filter;
    if (m_filterSource) {
        Result<client::ReportFilter> current = m_filterSource->currentFilter();
        if (!current) {
            setErrorString(current.error().message);
            return;
        }
        filter = *current;
    }

    // The server counts in UTC days, so the chart's period is given in UTC dates. The To day
    // is included, and without dates the period ends with today.
    const bool byWeek = m_bucket == QLatin1String("week");
    QDate since = m_filterSource
                      ? AuditText::parseFilterDate(m_filterSource->since(), {}).value()
                      : QDate();
    QDate until = m_filterSource
                      ? AuditText::parseFilterDate(m_filterSource->until(), {}).value()
                      : QDate();
    if (!until.isValid())
        until = QDateTime::currentDateTimeUtc().date();
    if (!since.isValid())
        since = until.addDays(byWeek ? -(kDefaultWeeks * 7 - 1) : -(kDefaultDays - 1));
    filter.since = since.toString(Qt::ISODate);
    filter.until = until.addDays(1).toString(Qt::ISODate);
    const QLocale locale;
    m_periodText = tr("%1 to %2, %3 in UTC")
                       .arg(locale.toString(since, QLocale::ShortFormat),
                            locale.toString(until, QLocale::ShortFormat),
                            byWeek ? tr("weeks") : tr("days"));

    setErrorString({});
    setBusy(true);
    const quint64 generation = m_generation;
    whenFinished(m_controller->session()->activityChart(filter, m_bucket), this,
                 [this, generation](const client::ClientTask& finished) {
                     if (generation != m_generation)
                         return;
                     setBusy(false);
                     if (!finished.succeeded()) {
                         qCInfo(lcUiAudit) << "activity chart failed:" << finished.error().code;
                         if (!m_controller ||
                             !m_controller->handleCertificateFailure(finished.error(), {}))
                             setErrorString(AccessText::errorText(finished.error(),
                                                                  tr("read the activity chart")));
                         return;
                     }
                     applyBuckets(finished.result());
                 });
}

void ActivityChart::applyBuckets(const QJsonValue& result)
{
    QList<Bucket> buckets;
    for (const QJsonValue& value : AccessText::arrayOf(result, QStringLiteral("buckets"))) {
        const QJsonObject json = value.toObject();
        Bucket bucket;
        bucket.start =
            QDateTime::fromString(json.value(QStringLiteral("start")).toString(), Qt::ISODate)
                .toUTC();
        bucket.count = json.value(QStringLiteral("count")).toInt();
        bucket.segments = QList<int>(kCategoryCount, 0);
        const QJsonObject byAction = json.value(QStringLiteral("by_action")).toObject();
        for (auto it = byAction.begin(); it != byAction.end(); ++it)
            bucket.segments[int(categoryOf(it.key()))] += it.value().toInt();
        buckets.append(std::move(bucket));
    }
    beginResetModel();
    m_buckets = std::move(buckets);
    endResetModel();
    m_loaded = true;
    emit bucketsChanged();
    qCInfo(lcUiAudit) << "activity chart buckets:" << m_buckets.size() << "entries:" << total();
}

void ActivityChart::clear()
{
    ++m_generation;
    setBusy(false);
    setErrorString({});
    beginResetModel();
    m_buckets.clear();
    endResetModel();
    m_loaded = false;
    m_periodText.clear();
    emit bucketsChanged();
}

QString ActivityChart::labelOf(const Bucket& bucket) const
{
    return QLocale().toString(bucket.start.date(), QStringLiteral("d MMM"));
}

QString ActivityChart::descriptionOf(const Bucket& bucket) const
{
    const QLocale locale;
    const QString when = m_bucket == QLatin1String("week")
                             ? tr("Week of %1").arg(locale.toString(bucket.start.date(),
                                                                    QLocale::ShortFormat))
                             : locale.toString(bucket.start.date(), QLocale::ShortFormat);
    QStringList parts{bucket.count == 1 ? tr("%1: 1 entry").arg(when)
                                        : tr("%1: %2 entries").arg(when).arg(bucket.count)};
    const QStringList names = categories();
    for (int category = 0; category < kCategoryCount; ++category) {
        if (bucket.segments.value(category) > 0)
            parts.append(QStringLiteral("%1 %2").arg(bucket.segments.at(category)).arg(
                names.at(category).toLower()));
    }
    return parts.join(QStringLiteral(", "));
}

void ActivityChart::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void ActivityChart::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

} // namespace chartinsight::ui
