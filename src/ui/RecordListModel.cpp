#include "RecordListModel.h"

#include "AccessText.h"
#include "DisplayFormat.h"
#include "RetentionText.h"
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
    const Access access = m_access.value(record.id);
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
    case TitleRole:
        return access.title;
    case TeamIdRole:
        return access.teamId;
    case TeamNameRole:
        return access.teamName;
    case SharingRole:
        return access.sharing;
    case SharingTextRole:
        return AccessText::sharingText(access.sharing, access.teamName);
    case CanEditRole:
        return access.canEdit;
    case CanShareRole:
        return access.canShare;
    case ExpiresAtRole:
        return access.expiresAt.toLocalTime();
    case ExpiryTextRole:
        return RetentionText::countdown(access.expiresAt, access.legalHold,
                                        QDateTime::currentDateTimeUtc());
    case LegalHoldRole:
        return access.legalHold;
    case CanDeleteRole:
        return access.canDelete;
    default:
        return {};
    }
}

QHash<int, QByteArray> RecordListModel::roleNames() const
{
    return {
        {RecordIdRole, "recordId"},
        {FileNameRole, "fileName"},
        {SizeRole, "size"},
        {SizeTextRole, "sizeText"},
        {CreatedAtRole, "createdAt"},
        {CreatedTextRole, "createdText"},
        {TitleRole, "title"},
        {TeamIdRole, "teamId"},
        {TeamNameRole, "teamName"},
        {SharingRole, "sharing"},
        {SharingTextRole, "sharingText"},
        {CanEditRole, "canEdit"},
        {CanShareRole, "canShare"},
        {ExpiresAtRole, "expiresAt"},
        {ExpiryTextRole, "expiryText"},
        {LegalHoldRole, "legalHold"},
        {CanDeleteRole, "canDelete"},
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
        const QJsonArray damaged = counts.value(QStringLiteral("damaged")).toArray();
        setStatus(tr("Synced: %1 saved on this computer, %2 new, %3 removed")
                      .arg(total - damaged.size())
                      .arg(added)
                      .arg(removed));
        if (!damaged.isEmpty()) {
            qCWarning(lcUiRecords) << "sync skipped" << damaged.size() << "damaged records";
            QStringList names;
            for (const QJsonValue& record : damaged)
                names.append(record.toObject().value(QStringLiteral("filename")).toString());
            setErrorString(tr("%n record(s) could not be saved on this computer because the "
                              "stored copy on the server is damaged: %1. Ask your administrator "
                              "to restore them from a backup.",
                              nullptr, int(damaged.size()))
                               .arg(names.join(QStringLiteral(", "))));
        }
        listRecords();
    });
}

void RecordListModel::clear()
{
    ++m_generation;
    m_refreshAgain = false;
    m_failedOnCertificate = false;
    m_access.clear();
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

QVariantMap RecordListModel::recordAt(int row) const
{
    if (row < 0 || row >= m_records.size())
        return {};
    const RecordInfo& record = m_records.at(row);
    const Access access = m_access.value(record.id);
    return {
        {QStringLiteral("recordId"), record.id},
        {QStringLiteral("fileName"), record.filename},
        {QStringLiteral("title"), access.title},
        {QStringLiteral("teamId"), access.teamId},
        {QStringLiteral("teamName"), access.teamName},
        {QStringLiteral("sharing"), access.sharing},
        {QStringLiteral("sharedWith"), access.sharedWith},
        {QStringLiteral("ownerId"), access.ownerId},
        {QStringLiteral("canEdit"), access.canEdit},
        {QStringLiteral("canShare"), access.canShare},
        {QStringLiteral("expiresAt"), access.expiresAt},
        {QStringLiteral("legalHold"), access.legalHold},
        {QStringLiteral("canDelete"), access.canDelete},
        {QStringLiteral("templateId"), access.templateId},
    };
}

QVariantMap RecordListModel::recordById(const QString& recordId) const
{
    for (int row = 0; row < m_records.size(); ++row) {
        if (m_records.at(row).id == recordId)
            return recordAt(row);
    }
    return {};
}

void RecordListModel::setTitle(const QString& recordId, const QString& title)
{
    if (!m_controller || !m_controller->isSignedIn() || !m_access.contains(recordId))
        return;
    setErrorString({});
    const QString trimmed = title.trimmed();
    if (trimmed == m_access.value(recordId).title)
        return;
    const quint64 generation = m_generation;
    whenFinished(
        m_controller->session()->setRecordTitle(recordId, trimmed), this,
        [this, generation, recordId, title = trimmed](const ClientTask& task) {
            if (generation != m_generation)
                return;
            if (!task.succeeded()) {
                qCInfo(lcUiRecords)
                    << "changing the title of record" << recordId << "failed:" << task.error().code;
                if (!m_controller->handleCertificateFailure(task.error(), {}))
                    setErrorString(AccessText::errorText(task.error(), tr("change the title")));
                // The user's rights changed on the server: list again so that the rows show
                // what the user may do now. The error stays until the user closes it.
                const QString code = task.error().code;
                if (code == QLatin1String("forbidden") || code == QLatin1String("not_found")) {
                    if (m_busy)
                        m_refreshAgain = true;
                    else
                        listRecords();
                }
                return;
            }
            qCInfo(lcUiRecords) << "changed the title of record" << recordId;
            // The server's record JSON is the truth: it carries the stored title and the
            // user's current permissions. A response without it keeps the row's other fields.
            const QJsonObject record = task.result().toObject();
            Access access = m_access.value(recordId);
            if (record.contains(QStringLiteral("title")) && record.contains(QStringLiteral("id")))
                access = Access::fromJson(record);
            else
                access.title = title;
            updateAccess(recordId, access);
            emit titleSaved(recordId);
        });
}

void RecordListModel::updateAccess(const QString& recordId, const Access& access)
{
    for (int row = 0; row < m_records.size(); ++row) {
        if (m_records.at(row).id != recordId)
            continue;
        m_access.insert(recordId, access);
        emit dataChanged(index(row), index(row));
        return;
    }
}

RecordListModel::Access RecordListModel::Access::fromJson(const QJsonObject& object)
{
    Access access;
    access.title = object.value(QStringLiteral("title")).toString();
    access.teamId = object.value(QStringLiteral("team_id")).toString();
    access.teamName = object.value(QStringLiteral("team_name")).toString();
    access.sharing = object.value(QStringLiteral("sharing")).toString();
    access.sharedWith = AccessText::stringsOf(object.value(QStringLiteral("shared_with")));
    access.ownerId = object.value(QStringLiteral("owner_id")).toString();
    access.canEdit = object.value(QStringLiteral("can_edit")).toBool();
    access.canShare = object.value(QStringLiteral("can_share")).toBool();
    const QJsonValue expiresAt = object.value(QStringLiteral("expires_at"));
    if (expiresAt.isString())
        access.expiresAt = QDateTime::fromString(expiresAt.toString(), Qt::ISODateWithMs);
    access.legalHold = object.value(QStringLiteral("legal_hold")).toBool();
    access.canDelete = object.value(QStringLiteral("can_delete")).toBool();
    access.templateId = object.value(QStringLiteral("template_id")).toString();
    return access;
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
    QHash<QString, Access> access;
    int invalid = 0;
    for (const QJsonValue& entry : entries) {
        Result<RecordInfo> record = RecordInfo::fromJson(entry.toObject());
        if (!record) {
            ++invalid;
            continue;
        }
        access.insert(record->id, Access::fromJson(entry.toObject()));
        records.append(std::move(record).value());
    }
    if (invalid > 0)
        qCWarning(lcUiRecords) << "skipped" << invalid << "record entries with invalid fields";
    qCInfo(lcUiRecords) << "listed" << records.size() << "records";
    m_access = std::move(access);
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
