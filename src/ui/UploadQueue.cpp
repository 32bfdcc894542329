#include "UploadQueue.h"

#include "DisplayFormat.h"
#include "SessionController.h"
#include "TaskFinished.h"
#include "UiLogging.h"

#include <QFileInfo>
#include <QJsonObject>

#include <algorithm>

namespace chartinsight::ui {

using client::ClientTask;

UploadQueue::UploadQueue(QObject* parent) : QAbstractListModel(parent) {}

int UploadQueue::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_uploads.size());
}

QVariant UploadQueue::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.parent().isValid() || index.row() >= m_uploads.size())
        return {};
    const Upload& upload = m_uploads.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case FileNameRole:
        return upload.fileName;
    case UploadStateRole:
        return QVariant::fromValue(upload.state);
    case StateTextRole:
        return stateText(upload.state);
    case ProgressRole:
        return upload.progress;
    case MessageRole:
        return upload.message;
    case FinishedRole:
        return upload.state == UploadState::Succeeded || upload.state == UploadState::Failed;
    case SucceededRole:
        return upload.state == UploadState::Succeeded;
    case RecordIdRole:
        return upload.recordId;
    default:
        return {};
    }
}

QHash<int, QByteArray> UploadQueue::roleNames() const
{
    return {
        {FileNameRole, "fileName"},   {UploadStateRole, "uploadState"},
        {StateTextRole, "stateText"}, {ProgressRole, "progress"},
        {MessageRole, "message"},     {FinishedRole, "finished"},
        {SucceededRole, "succeeded"}, {RecordIdRole, "recordId"},
    };
}

void UploadQueue::setController(SessionController* controller)
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
        connect(m_controller, &SessionController::sessionReplaced, this, [this] {
            // The running task belonged to the old session: its result no longer matters.
            m_runningId = 0;
            clear();
        });
    }
    emit controllerChanged();
}

int UploadQueue::pendingCount() const
{
    return int(std::count_if(m_uploads.cbegin(), m_uploads.cend(), [](const Upload& upload) {
        return upload.state != UploadState::Succeeded && upload.state != UploadState::Failed;
    }));
}

QString UploadQueue::stateText(UploadState state)
{
    switch (state) {
    case UploadState::Queued:
        return tr("Waiting");
    case UploadState::Scanning:
        return tr("Scanning");
    case UploadState::Uploading:
        return tr("Uploading");
    case UploadState::ServerScanning:
        return tr("Scanning on the server");
    case UploadState::Succeeded:
        return tr("Uploaded");
    case UploadState::Failed:
        return tr("Not uploaded");
    }
    return {};
}

int UploadQueue::enqueue(const QList<QUrl>& urls)
{
    QStringList paths;
    QStringList rejected;
    for (const QUrl& url : urls) {
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
        else
            rejected.append(tr("%1 is not a file on this computer.")
                                .arg(url.toDisplayString(QUrl::RemoveUserInfo)));
    }
    return queueFiles(paths, rejected);
}

int UploadQueue::enqueueFiles(const QStringList& paths)
{
    return queueFiles(paths, {});
}

QString UploadQueue::unreadableReason(const QFileInfo& info)
{
    if (info.isDir())
        return tr("\"%1\" is a folder. Choose the files inside it instead.").arg(info.fileName());
    if (!info.isFile())
        return tr("\"%1\" was not found.").arg(info.fileName());
    if (!info.isReadable())
        return tr("\"%1\" cannot be read. Check its permissions.").arg(info.fileName());
    return {};
}

int UploadQueue::queueFiles(const QStringList& paths, QStringList rejected)
{
    QList<Upload> accepted;
    for (const QString& path : paths) {
        const QFileInfo info(path);
        const QString problem = unreadableReason(info);
        if (!problem.isEmpty()) {
            rejected.append(problem);
            continue;
        }
        Upload upload;
        upload.id = m_nextId++;
        upload.path = info.absoluteFilePath();
        upload.fileName = info.fileName();
        upload.options = m_options;
        accepted.append(upload);
    }
    setErrorString(rejected.join(QLatin1Char(' ')));
    if (!rejected.isEmpty())
        qCInfo(lcUiUpload) << "rejected" << rejected.size() << "dropped or chosen items";

    if (!accepted.isEmpty()) {
        beginInsertRows({}, int(m_uploads.size()), int(m_uploads.size() + accepted.size() - 1));
        m_uploads.append(accepted);
        endInsertRows();
        qCInfo(lcUiUpload) << "queued" << accepted.size() << "files";
        emit countChanged();
        emit pendingCountChanged();
        startNext();
    }
    return int(accepted.size());
}

void UploadQueue::clearFinished()
{
    for (int row = int(m_uploads.size()) - 1; row >= 0; --row) {
        const UploadState state = m_uploads.at(row).state;
        if (state != UploadState::Succeeded && state != UploadState::Failed)
            continue;
        beginRemoveRows({}, row, row);
        m_uploads.removeAt(row);
        endRemoveRows();
    }
    emit countChanged();
}

void UploadQueue::clear()
{
    const int pendingBefore = pendingCount();
    for (int row = int(m_uploads.size()) - 1; row >= 0; --row) {
        if (m_uploads.at(row).id == m_runningId)
            continue;
        beginRemoveRows({}, row, row);
        m_uploads.removeAt(row);
        endRemoveRows();
    }
    setErrorString({});
    emit countChanged();
    if (pendingCount() != pendingBefore)
        emit pendingCountChanged();
}

void UploadQueue::setTeamId(const QString& teamId)
{
    if (teamId == m_options.teamId)
        return;
    m_options.teamId = teamId;
    emit uploadOptionsChanged();
}

void UploadQueue::setSharing(const QString& sharing)
{
    // "users" needs a list of people, which the sharing dialog sets after the upload.
    if (sharing == m_options.sharing ||
        (sharing != QLatin1String("private") && sharing != QLatin1String("team")))
        return;
    m_options.sharing = sharing;
    emit uploadOptionsChanged();
}

void UploadQueue::setTemplateId(const QString& templateId)
{
    if (templateId == m_options.templateId)
        return;
    m_options.templateId = templateId;
    emit uploadOptionsChanged();
}

void UploadQueue::clearError()
{
    setErrorString({});
}

void UploadQueue::startNext()
{
    if (m_runningId != 0 || !m_controller)
        return;
    const auto next = std::find_if(m_uploads.cbegin(), m_uploads.cend(), [](const Upload& upload) {
        return upload.state == UploadState::Queued;
    });
    if (next == m_uploads.cend())
        return;

    const quint64 uploadId = next->id;
    m_runningId = uploadId;
    onProgress(uploadId, ClientTask::Phase::Scanning, 0, 0);
    ClientTask* task = m_controller->session()->upload(next->path, next->options);
    connect(task, &ClientTask::progress, this,
            [this, uploadId](ClientTask::Phase phase, qint64 done, qint64 total) {
                onProgress(uploadId, phase, done, total);
            });
    whenFinished(task, this,
                 [this, uploadId](const ClientTask& finished) { onFinished(uploadId, finished); });
}

void UploadQueue::onProgress(quint64 uploadId, ClientTask::Phase phase, qint64 done, qint64 total)
{
    const int row = rowOf(uploadId);
    if (row < 0)
        return;
    Upload& upload = m_uploads[row];
    switch (phase) {
    case ClientTask::Phase::Queued:
    case ClientTask::Phase::Done:
        return; // The outcome arrives with finished().
    case ClientTask::Phase::Scanning:
        upload.state = UploadState::Scanning;
        break;
    case ClientTask::Phase::Transferring:
        upload.state = UploadState::Uploading;
        break;
    case ClientTask::Phase::Processing:
        upload.state = UploadState::ServerScanning;
        break;
    }
    upload.progress = total > 0 ? qBound(0.0, double(done) / double(total), 1.0) : -1.0;
    updateRow(row);
}

void UploadQueue::onFinished(quint64 uploadId, const ClientTask& task)
{
    if (uploadId != m_runningId)
        return;
    m_runningId = 0;
    const int row = rowOf(uploadId);
    if (row >= 0) {
        Upload& upload = m_uploads[row];
        upload.progress = 1.0;
        if (task.succeeded()) {
            upload.state = UploadState::Succeeded;
            upload.recordId = task.result().toObject().value(QStringLiteral("id")).toString();
            upload.message = tr("Uploaded and scanned: no malware found.");
            qCInfo(lcUiUpload) << "uploaded record" << upload.recordId;
        } else {
            upload.state = UploadState::Failed;
            upload.message = DisplayFormat::uploadFailure(task.error());
            qCInfo(lcUiUpload) << "upload rejected:" << task.error().code;
            const QString path = upload.path;
            if (m_controller && m_controller->handleCertificateFailure(
                                    task.error(), [this, path] { enqueueFiles({path}); })) {
                upload.message = tr("Not sent: the server's certificate is waiting for your "
                                    "check. The file is queued again once you trust it.");
            }
        }
        // Copies, because the handlers of the signals below may remove the row.
        const bool succeeded = upload.state == UploadState::Succeeded;
        const QString recordId = upload.recordId;
        updateRow(row);
        emit pendingCountChanged();
        if (succeeded)
            emit recordUploaded(recordId);
    }
    if (m_controller)
        m_controller->updateScannerState();
    startNext();
}

int UploadQueue::rowOf(quint64 uploadId) const
{
    for (int row = 0; row < m_uploads.size(); ++row) {
        if (m_uploads.at(row).id == uploadId)
            return row;
    }
    return -1;
}

void UploadQueue::updateRow(int row)
{
    const QModelIndex changed = index(row);
    emit dataChanged(changed, changed);
}

void UploadQueue::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

} // namespace chartinsight::ui
