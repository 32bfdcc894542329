#include "AuditEntryModel.h"

#include "AccessText.h"
#include "AuditText.h"
#include "DisplayFormat.h"
#include "TaskFinished.h"
#include "UiLogging.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

namespace chartinsight::ui {

using client::ClientTask;

AuditEntryModel::AuditEntryModel(QObject* parent) : QAbstractListModel(parent) {}

AuditEntryModel::~AuditEntryModel() = default;

int AuditEntryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant AuditEntryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& entry = m_entries.at(index.row());
    const auto field = [&entry](const char* name) {
        return entry.json.value(QLatin1String(name)).toString();
    };
    switch (role) {
    case SequenceRole:
        return entry.json.value(QStringLiteral("sequence")).toVariant();
    case TimeRole:
        return entry.time;
    case Qt::DisplayRole:
    case TimeTextRole:
        return AuditText::localTime(entry.time);
    case ActorKindRole:
        return field("actor_kind");
    case ActorIdRole:
        return field("actor_id");
    case ActorNameRole:
        return entry.actorText;
    case ActionRole:
        return field("action");
    case ActionTextRole:
        return AuditText::actionText(field("action"));
    case TargetKindRole:
        return field("target_kind");
    case TargetIdRole:
        return field("target_id");
    case TargetNameRole:
        return entry.targetText;
    case OutcomeRole:
        return field("outcome");
    case OutcomeTextRole:
        return AuditText::outcomeText(field("outcome"));
    case ClientIpRole:
        return field("client_ip");
    case DeviceIdRole:
        return field("device_id");
    case DetailsRole:
        return entry.json.value(QStringLiteral("details")).toObject().toVariantMap();
    default:
        return {};
    }
}

QHash<int, QByteArray> AuditEntryModel::roleNames() const
{
    return {
        {SequenceRole, "sequence"},
        {TimeRole, "time"},
        {TimeTextRole, "timeText"},
        {ActorKindRole, "actorKind"},
        {ActorIdRole, "actorId"},
        {ActorNameRole, "actorName"},
        {ActionRole, "action"},
        {ActionTextRole, "actionText"},
        {TargetKindRole, "targetKind"},
        {TargetIdRole, "targetId"},
        {TargetNameRole, "targetName"},
        {OutcomeRole, "outcome"},
        {OutcomeTextRole, "outcomeText"},
        {ClientIpRole, "clientIp"},
        {DeviceIdRole, "deviceId"},
        {DetailsRole, "details"},
    };
}

void AuditEntryModel::setController(SessionController* controller)
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
        connect(m_controller, &SessionController::sessionReplaced, this,
                &AuditEntryModel::clear);
    }
    emit controllerChanged();
}

void AuditEntryModel::setPageSize(int pageSize)
{
    const int bounded = qBound(1, pageSize, kMaxPageSize);
    if (bounded == m_pageSize)
        return;
    m_pageSize = bounded;
    emit pageSizeChanged();
}

client::ClientSession* AuditEntryModel::session() const
{
    if (!m_controller || !m_controller->isSignedIn())
        return nullptr;
    return m_controller->session();
}

void AuditEntryModel::refresh()
{
    invalidate();
    requestPage({});
}

void AuditEntryModel::loadMore()
{
    if (m_nextCursor.isEmpty() || m_loadingMore)
        return;
    requestPage(m_nextCursor);
}

void AuditEntryModel::requestPage(const QString& cursor)
{
    client::ClientSession* current = session();
    if (!current) {
        setErrorString(tr("Sign in to read the audit log."));
        return;
    }
    Result<client::ReportFilter> filter = buildFilter();
    if (!filter) {
        setErrorString(filter.error().message);
        return;
    }
    filter->limit = m_pageSize;
    filter->cursor = cursor;
    m_lastQuery = queryText(*filter);
    setErrorString({});

    const bool append = !cursor.isEmpty();
    m_loadingMore = append;
    setPending(m_pending + 1);
    const quint64 generation = m_generation;
    ClientTask* task = current->report(reportKind(), *filter);
    whenFinished(task, this, [this, generation, append](const ClientTask& finished) {
        if (generation != m_generation)
            return;
        m_loadingMore = false;
        setPending(m_pending - 1);
        if (!finished.succeeded()) {
            qCInfo(lcUiAudit) << "report" << reportName() << "failed:" << finished.error().code;
            if (!m_controller || !m_controller->handleCertificateFailure(finished.error(), {}))
                setErrorString(failureText(finished.error(), actionDescription()));
            return;
        }
        applyPage(finished.result().toObject(), append);
    });
}

void AuditEntryModel::applyPage(const QJsonObject& page, bool append)
{
    const QJsonArray entries = page.value(QStringLiteral("entries")).toArray();
    QList<Entry> rows;
    rows.reserve(entries.size());
    for (const QJsonValue& value : entries) {
        const QJsonObject json = value.toObject();
        Entry entry;
        entry.json = json;
        entry.time = QDateTime::fromString(json.value(QStringLiteral("time")).toString(),
                                           Qt::ISODateWithMs);
        entry.actorText = AuditText::actorText(json);
        entry.targetText = AuditText::targetText(json);
        rows.append(std::move(entry));
    }

    if (append) {
        if (!rows.isEmpty()) {
            const int first = int(m_entries.size());
            beginInsertRows({}, first, first + int(rows.size()) - 1);
            m_entries.append(std::move(rows));
            endInsertRows();
        }
    } else {
        beginResetModel();
        m_entries = std::move(rows);
        endResetModel();
    }
    emit countChanged();
    setNextCursor(page.value(QStringLiteral("next_cursor")).toString());
    setLoaded(true);
    qCInfo(lcUiAudit) << "report" << reportName() << "rows:" << m_entries.size()
                      << "more:" << hasMore();
}

void AuditEntryModel::exportCsv(const QUrl& file)
{
    if (m_exporting)
        return;
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    if (path.isEmpty() || (!file.isLocalFile() && !file.scheme().isEmpty())) {
        setErrorString(tr("Choose a file on this computer to save the report in."));
        return;
    }
    client::ClientSession* current = session();
    if (!current) {
        setErrorString(tr("Sign in to export the audit log."));
        return;
    }
    Result<client::ReportFilter> filter = buildFilter();
    if (!filter) {
        setErrorString(filter.error().message);
        return;
    }
    setErrorString({});
    setStatus({});
    setExportedBytes(0);
    setExporting(true);

    ClientTask* task = current->downloadReportCsv(reportKind(), *filter, path);
    connect(task, &ClientTask::progress, this,
            [this](ClientTask::Phase, qint64 done, qint64) { setExportedBytes(done); });
    whenFinished(task, this, [this, path](const ClientTask& finished) {
        setExporting(false);
        // Signed out meanwhile: clear() has dropped the messages, and none is added back.
        if (!session())
            return;
        if (!finished.succeeded()) {
            qCInfo(lcUiAudit) << "CSV export of" << reportName()
                              << "failed:" << finished.error().code;
            if (!m_controller || !m_controller->handleCertificateFailure(finished.error(), {}))
                setErrorString(failureText(finished.error(), tr("export the report")));
            return;
        }
        const qint64 size = QFileInfo(path).size();
        setExportedBytes(size);
        qCInfo(lcUiAudit) << "CSV export of" << reportName() << "saved," << size << "bytes";
        setStatus(tr("Saved the report as %1.").arg(QDir::toNativeSeparators(path)));
        emit exported(path);
    });
}

QString AuditEntryModel::queryText(const client::ReportFilter& filter)
{
    // The same order and encoding as the client library, every reserved byte encoded.
    QStringList items;
    const auto add = [&items](const char* name, const QString& value) {
        if (!value.isEmpty())
            items << QLatin1String(name) + QLatin1Char('=') +
                         QString::fromLatin1(QUrl::toPercentEncoding(value));
    };
    add("since", filter.since);
    add("until", filter.until);
    add("user", filter.user);
    add("team", filter.team);
    add("record", filter.record);
    add("action", filter.action);
    add("outcome", filter.outcome);
    if (filter.limit > 0)
        add("limit", QString::number(filter.limit));
    add("cursor", filter.cursor);
    return items.join(QLatin1Char('&'));
}

void AuditEntryModel::clearMessages()
{
    setStatus({});
    setErrorString({});
}

void AuditEntryModel::clear()
{
    invalidate();
    clearMessages();
}

QVariantMap AuditEntryModel::entryAt(int row) const
{
    if (row < 0 || row >= m_entries.size())
        return {};
    return m_entries.at(row).json.toVariantMap();
}

void AuditEntryModel::invalidate()
{
    ++m_generation;
    m_loadingMore = false;
    setPending(0);
    if (!m_entries.isEmpty()) {
        beginResetModel();
        m_entries.clear();
        endResetModel();
        emit countChanged();
    }
    setNextCursor({});
    setLoaded(false);
}

QString AuditEntryModel::failureText(const Error& error, const QString& action) const
{
    if (error.code == QLatin1String("forbidden")) {
        return tr("You are not allowed to %1. %2 Only people who manage the organization see "
                  "its whole audit log. Uploaders see the entries of their own records.")
            .arg(action, error.message);
    }
    if (error.code == QLatin1String("invalid_request"))
        return tr("Could not %1: %2 Correct the filter and try again.").arg(action, error.message);
    return AccessText::errorText(error, action);
}

void AuditEntryModel::setPending(int pending)
{
    const bool wasBusy = isBusy();
    m_pending = qMax(0, pending);
    if (wasBusy != isBusy())
        emit busyChanged();
}

void AuditEntryModel::setLoaded(bool loaded)
{
    if (loaded == m_loaded)
        return;
    m_loaded = loaded;
    emit loadedChanged();
}

void AuditEntryModel::setNextCursor(const QString& cursor)
{
    const bool hadMore = hasMore();
    m_nextCursor = cursor;
    if (hadMore != hasMore())
        emit hasMoreChanged();
}

void AuditEntryModel::setExporting(bool exporting)
{
    if (exporting == m_exporting)
        return;
    m_exporting = exporting;
    emit exportingChanged();
    emit exportedBytesChanged();
}

QString AuditEntryModel::exportProgressText() const
{
    if (!m_exporting)
        return {};
    if (m_exportedBytes <= 0)
        return tr("Saving the report…");
    return tr("Saving the report: %1 received…").arg(DisplayFormat::fileSize(m_exportedBytes));
}

void AuditEntryModel::setExportedBytes(qint64 bytes)
{
    if (bytes == m_exportedBytes)
        return;
    m_exportedBytes = bytes;
    emit exportedBytesChanged();
}

void AuditEntryModel::setStatus(const QString& status)
{
    if (status == m_status)
        return;
    m_status = status;
    emit statusChanged();
}

void AuditEntryModel::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

} // namespace chartinsight::ui
