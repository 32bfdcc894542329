#include "RecordListModel.h"

#include "DisplayFormat.h"
#include "SessionController.h"
#include "TaskFinished.h"
#include "UiLogging.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <utility>

namespace chartinsight::ui {

using client::ClientTask;

RecordListModel::RecordListModel(QObject* parent) : QAbstractListModel(parent) {}

int RecordListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

QVariant RecordListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.parent().isValid() || index.row() >= m_records.size())
        return {};
    const RecordInfo& record = m_records.at(index.row());
    switch (role) {
    case RecordIdRole:
        return record.id;
    case Qt::DisplayRole:
    case FileNameRole:
        return record.filename;
    case SizeRole:
        return record.size;
    case SizeTextRole:
        return DisplayFormat::fileSize(record.size);
    case CreatedAtRole:
        return record.createdAt.toLocalTime();
    case CreatedTextRole:
        return DisplayFormat::localDateTime(record.createdAt);
    default:
        return {};
    }
}

QHash<int, QByteArray> RecordListModel::roleNames() const
{
    return {
        {RecordIdRole, "recordId"}, {FileNameRole, "fileName"},   {SizeRole, "size"},
        {SizeTextRole, "sizeText"}, {CreatedAtRole, "createdAt"}, {CreatedTextRole, "createdText"},
    };
}

void RecordListModel::setController(SessionController* controller)
{
    if (controller == m_controller)
        return;
    if (m_controller)
        m_controller->disconnect(this);
    m_controller = controller;
    clear();
    if (m_controller) {
        connect(m_controller, &SessionController::signedInChanged, this, [this] {
            if (!m_controller->isSignedIn())
                clear();
        });
        connect(m_controller, &SessionController::sessionReplaced, this, &RecordListModel::clear);
        connect(m_controller, &SessionController::certificateTrusted, this, [this] {
            if (m_failedOnCertificate)
                refresh();
        });
    }
    emit controllerChanged();
}

void RecordListModel::refresh()
{
    if (!m_controller || !m_controller->isSignedIn())
        return;
    if (m_busy) {
        m_refreshAgain = true;
        return;
    }
    setErrorString({});
    listRecords();
}

void RecordListModel::listRecords()
{
    setBusy(true);
    m_failedOnCertificate = false;
    const quint64 generation = m_generation;
    whenFinished(
        m_controller->session()->listRecords(), this, [this, generation](const ClientTask& task) {
            if (generation != m_generation)
                return;
            setBusy(false);
            if (task.succeeded()) {
                applyListing(task.result());
            } else {
                qCInfo(lcUiRecords) << "listing records failed:" << task.error().code;
                m_failedOnCertificate = m_controller->handleCertificateFailure(task.error(), {});
                if (!m_failedOnCertificate)
                    setErrorString(task.error().message);
            }
            setLoaded(true);
            if (std::exchange(m_refreshAgain, false))
                listRecords();
        });
}

void RecordListModel::sync()
{
    if (!m_controller || !m_controller->isSignedIn() || m_busy)
        return;
    setErrorString({});
    setStatus(tr("Syncing with the server…"));
    setBusy(true);
    const quint64 generation = m_generation;
    whenFinished(m_controller->session()->sync(), this, [this, generation](const ClientTask& task) {
        if (generation != m_generation)
            return;
        setBusy(false);
        if (!task.succeeded()) {
            qCInfo(lcUiRecords) << "sync failed:" << task.error().code;
            setStatus({});
            m_failedOnCertificate = m_controller->handleCertificateFailure(task.error(), {});
            if (!m_failedOnCertificate)
                setErrorString(task.error().message);
            return;
        }
        const QJsonObject counts = task.result().toObject();
        const qint64 added = counts.value(QStringLiteral("added")).toInteger();
        const qint64 removed = counts.value(QStringLiteral("removed")).toInteger();
        const qint64 total = counts.value(QStringLiteral("total")).toInteger();
        qCInfo(lcUiRecords) << "synced: added" << added << "removed" << removed << "total" << total;
        setStatus(tr("Synced: %1 saved on this computer, %2 new, %3 removed")
                      .arg(total)
                      .arg(added)
                      .arg(removed));
        listRecords();
    });
}

void RecordListModel::clear()
{
    ++m_generation;
    m_refreshAgain = false;
    m_failedOnCertificate = false;
    setRecords({});
    setLoaded(false);
    setBusy(false);
    setStatus({});
    setErrorString({});
}

void RecordListModel::clearError()
{
    setErrorString({});
}

QString RecordListModel::recordId(int row) const
{
    return row >= 0 && row < m_records.size() ? m_records.at(row).id : QString();
}

QString RecordListModel::fileName(int row) const
{
    return row >= 0 && row < m_records.size() ? m_records.at(row).filename : QString();
}

void RecordListModel::setRecords(QList<RecordInfo> records)
{
    std::stable_sort(records.begin(), records.end(),
                     [](const RecordInfo& left, const RecordInfo& right) {
                         return left.createdAt > right.createdAt;
                     });
    const bool countChanges = records.size() != m_records.size();
    beginResetModel();
    m_records = std::move(records);
    endResetModel();
    if (countChanges)
        emit countChanged();
}

void RecordListModel::applyListing(const QJsonValue& listing)
{
    // The client returns an array of records. An object with a "records" array, as the HTTP API
    // sends it, is accepted too.
    const QJsonArray entries = listing.isArray()
                                   ? listing.toArray()
                                   : listing.toObject().value(QStringLiteral("records")).toArray();
    QList<RecordInfo> records;
    records.reserve(entries.size());
    int invalid = 0;
    for (const QJsonValue& entry : entries) {
        Result<RecordInfo> record = RecordInfo::fromJson(entry.toObject());
        if (record)
            records.append(std::move(record).value());
        else
            ++invalid;
    }
    if (invalid > 0)
        qCWarning(lcUiRecords) << "skipped" << invalid << "record entries with invalid fields";
    qCInfo(lcUiRecords) << "listed" << records.size() << "records";
    setRecords(std::move(records));
}

void RecordListModel::setLoaded(bool loaded)
{
    if (loaded == m_loaded)
        return;
    m_loaded = loaded;
    emit loadedChanged();
}

void RecordListModel::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void RecordListModel::setStatus(const QString& status)
{
    if (status == m_status)
        return;
    m_status = status;
    emit statusChanged();
}

void RecordListModel::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

} // namespace chartinsight::ui
