#include "RecordListModel.h"

#include "AccessText.h"
#include "DisplayFormat.h"
#include "PreviewContent.h"
#include "RecordImageProvider.h"
#include "RetentionText.h"
#include "SessionController.h"
#include "TaskFinished.h"
#include "UiLogging.h"
#include "core/ErrorCodes.h"

#include <QBuffer>
#include <QFutureWatcher>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonObject>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <utility>

namespace chartinsight::ui {

using client::ClientTask;

namespace {

// Thumbnails are scaled to fit this many pixels square, and at most this many stay in memory.
constexpr int kThumbnailSize = 96;
constexpr qsizetype kMaxThumbnails = 200;

// Decodes a server preview PNG and scales it down to a thumbnail, held by a PreviewContent that
// belongs to `target`. Returns null when the bytes are not a readable image.
std::shared_ptr<PreviewContent> makeThumbnail(QByteArray png, QThread* target)
{
    QBuffer input(&png);
    input.open(QIODevice::ReadOnly);
    QImageReader reader(&input, "png");
    QImage image = reader.read();
    if (image.isNull())
        return nullptr;
    image = image.scaled(kThumbnailSize, kThumbnailSize, Qt::KeepAspectRatio,
                         Qt::SmoothTransformation);
    QByteArray thumbnail;
    QBuffer output(&thumbnail);
    output.open(QIODevice::WriteOnly);
    if (!image.save(&output, "PNG"))
        return nullptr;
    return PreviewContent::create(std::move(thumbnail), target);
}

// Returns whether every word of `query` occurs in the title or the file name of `record`,
// ignoring case. The offline search has no extracted text to look in.
bool matchesName(const QJsonObject& record, const QStringList& words)
{
    const QString title = record.value(QStringLiteral("title")).toString();
    const QString fileName = record.value(QStringLiteral("filename")).toString();
    return std::all_of(words.begin(), words.end(), [&](const QString& word) {
        return title.contains(word, Qt::CaseInsensitive) ||
               fileName.contains(word, Qt::CaseInsensitive);
    });
}

} // namespace

RecordListModel::RecordListModel(QObject* parent) : QAbstractListModel(parent) {}

RecordListModel::~RecordListModel()
{
    dropThumbnails();
}

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
    case DerivedRole:
        return record.derived;
    case HasPreviewRole:
        return record.hasPreview;
    case ThumbnailRole: {
        const QString key = m_thumbnails.value(record.id);
        if (key.isEmpty())
            return QString();
        return QStringLiteral("image://%1/%2/0")
            .arg(QLatin1String(RecordImageProvider::kProviderId), key);
    }
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
        {DerivedRole, "derived"},
        {HasPreviewRole, "hasPreview"},
        {ThumbnailRole, "thumbnail"},
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
    if (!m_searchText.isEmpty()) {
        searchServer(m_searchText);
        return;
    }
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
    dropThumbnails();
    if (!m_searchText.isEmpty()) {
        m_searchText.clear();
        emit searchTextChanged();
    }
    setSearchNote({});
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

void RecordListModel::search(const QString& text)
{
    const QString query = text.simplified();
    if (query != m_searchText) {
        m_searchText = query;
        emit searchTextChanged();
    }
    setSearchNote({});
    setErrorString({});
    if (!m_controller || !m_controller->isSignedIn())
        return;
    if (m_busy) {
        m_refreshAgain = true;
        return;
    }
    listRecords();
}

void RecordListModel::searchServer(const QString& text)
{
    setBusy(true);
    m_failedOnCertificate = false;
    const quint64 generation = m_generation;
    whenFinished(
        m_controller->session()->searchRecords(text), this,
        [this, generation, text](const ClientTask& task) {
            if (generation != m_generation)
                return;
            if (text != m_searchText) {
                // The user typed on: search() asked for the newer query to run next.
                finishRequest();
                return;
            }
            if (task.succeeded()) {
                applyListing(task.result());
                finishRequest();
                return;
            }
            if (task.error().code == QLatin1String(errc::kNetwork)) {
                searchOffline(text);
                return;
            }
            qCInfo(lcUiRecords) << "searching records failed:" << task.error().code;
            setRecords({});
            m_failedOnCertificate = m_controller->handleCertificateFailure(task.error(), {});
            if (!m_failedOnCertificate)
                setErrorString(tr("Searching failed: %1").arg(task.error().message));
            finishRequest();
        });
}

void RecordListModel::searchOffline(const QString& text)
{
    qCInfo(lcUiRecords) << "server unreachable: searching the offline cache by name";
    const quint64 generation = m_generation;
    whenFinished(
        m_controller->session()->listCachedRecords(), this,
        [this, generation, text](const ClientTask& task) {
            if (generation != m_generation)
                return;
            if (text != m_searchText) {
                finishRequest();
                return;
            }
            if (!task.succeeded()) {
                qCInfo(lcUiRecords) << "searching the offline cache failed:" << task.error().code;
                setRecords({});
                setErrorString(tr("The server cannot be reached, and the records saved on this "
                                  "computer could not be searched: %1")
                                   .arg(task.error().message));
                finishRequest();
                return;
            }
            const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            QJsonArray matches;
            for (const QJsonValue& entry : task.result().toArray()) {
                if (matchesName(entry.toObject(), words))
                    matches.append(entry);
            }
            applyListing(matches);
            setSearchNote(tr("Offline: only the titles and file names of the records saved on "
                             "this computer were searched. Connect to the server to search the "
                             "content of records."));
            finishRequest();
        });
}

void RecordListModel::finishRequest()
{
    setBusy(false);
    setLoaded(true);
    if (std::exchange(m_refreshAgain, false))
        listRecords();
}

void RecordListModel::loadThumbnail(const QString& recordId)
{
    if (!m_controller || !m_controller->isSignedIn() || m_thumbnails.contains(recordId) ||
        m_thumbnailsLoading.contains(recordId))
        return;
    const auto record = std::find_if(m_records.cbegin(), m_records.cend(),
                                     [&](const RecordInfo& info) { return info.id == recordId; });
    if (record == m_records.cend() || !record->hasPreview)
        return;
    // A record stays in m_thumbnailsLoading after a failure, so it is not fetched again until
    // the list is cleared.
    m_thumbnailsLoading.insert(recordId);
    const quint64 generation = m_generation;
    whenFinished(
        m_controller->session()->recordPreview(recordId), this,
        [this, generation, recordId](const ClientTask& task) {
            if (generation != m_generation)
                return;
            if (!task.succeeded()) {
                qCInfo(lcUiRecords) << "fetching the preview of record" << recordId
                                    << "failed:" << task.error().code;
                return;
            }
            using Watcher = QFutureWatcher<std::shared_ptr<PreviewContent>>;
            auto* watcher = new Watcher(this);
            connect(watcher, &Watcher::finished, this, [this, watcher, generation, recordId] {
                watcher->deleteLater();
                const std::shared_ptr<PreviewContent> content = watcher->result();
                if (generation != m_generation)
                    return;
                if (!content || content->kind() != PreviewContent::Kind::Image) {
                    qCInfo(lcUiRecords) << "the preview of record" << recordId
                                        << "is not a readable image";
                    return;
                }
                m_thumbnailsLoading.remove(recordId);
                addThumbnail(recordId, RecordImageProvider::publish(content));
            });
            watcher->setFuture(QtConcurrent::run(
                [png = task.payload(), target = thread()] { return makeThumbnail(png, target); }));
        });
}

void RecordListModel::addThumbnail(const QString& recordId, const QString& key)
{
    m_thumbnails.insert(recordId, key);
    m_thumbnailOrder.append(recordId);
    emitThumbnailChanged(recordId);
    while (m_thumbnailOrder.size() > kMaxThumbnails) {
        const QString oldest = m_thumbnailOrder.takeFirst();
        RecordImageProvider::withdraw(m_thumbnails.take(oldest));
        emitThumbnailChanged(oldest);
    }
}

void RecordListModel::emitThumbnailChanged(const QString& recordId)
{
    for (int row = 0; row < m_records.size(); ++row) {
        if (m_records.at(row).id == recordId)
            emit dataChanged(index(row), index(row), {ThumbnailRole});
    }
}

void RecordListModel::dropThumbnails()
{
    for (const QString& key : std::as_const(m_thumbnails))
        RecordImageProvider::withdraw(key);
    m_thumbnails.clear();
    m_thumbnailOrder.clear();
    m_thumbnailsLoading.clear();
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

void RecordListModel::setSearchNote(const QString& note)
{
    if (note == m_searchNote)
        return;
    m_searchNote = note;
    emit searchNoteChanged();
}

void RecordListModel::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

} // namespace chartinsight::ui
