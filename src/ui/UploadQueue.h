#pragma once

#include "SessionController.h"
#include "client/ClientSession.h"
#include "client/ClientTask.h"

#include <QAbstractListModel>
#include <QFileInfo>
#include <QList>
#include <QPointer>
#include <QStringList>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// Files waiting for, going through or done with ClientSession::upload(), one at a time in the
// order they were added. Each row shows the phase (local scan, transfer, server scan) with its
// progress, then the outcome: uploaded, or the reason the file was rejected.
class UploadQueue : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(chartinsight::ui::SessionController* controller READ controller WRITE setController
                   NOTIFY controllerChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // Uploads queued or running.
    Q_PROPERTY(int pendingCount READ pendingCount NOTIFY pendingCountChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY pendingCountChanged)
    // Why some dropped or chosen items were not queued (folders, missing files); empty if none.
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    // Team and sharing mode ("private", "team") for files queued from now on. An empty team
    // lets the server choose the user's only team with manage_files.
    Q_PROPERTY(QString teamId READ teamId WRITE setTeamId NOTIFY uploadOptionsChanged)
    Q_PROPERTY(QString sharing READ sharing WRITE setSharing NOTIFY uploadOptionsChanged)
    // The record template for files queued from now on; empty for none. The server applies the
    // template's retention period; the records page copies its sharing mode into `sharing`.
    Q_PROPERTY(QString templateId READ templateId WRITE setTemplateId NOTIFY uploadOptionsChanged)

public:
    enum class UploadState
    {
        Queued,
        Scanning,
        Uploading,
        ServerScanning,
        Succeeded,
        Failed
    };
    Q_ENUM(UploadState)

    enum Role
    {
        FileNameRole = Qt::UserRole + 1,
        UploadStateRole,
        StateTextRole,
        ProgressRole, // 0 to 1, or -1 while the amount of work is unknown
        MessageRole,
        FinishedRole,
        SucceededRole,
        RecordIdRole,
    };
    Q_ENUM(Role)

    explicit UploadQueue(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    SessionController* controller() const { return m_controller; }
    void setController(SessionController* controller);
    int count() const { return int(m_uploads.size()); }
    int pendingCount() const;
    bool isBusy() const { return pendingCount() > 0; }
    QString errorString() const { return m_errorString; }
    QString teamId() const { return m_options.teamId; }
    void setTeamId(const QString& teamId);
    QString sharing() const { return m_options.sharing; }
    void setSharing(const QString& sharing);
    QString templateId() const { return m_options.templateId; }
    void setTemplateId(const QString& templateId);

    // Queues the local files among `urls` (from a file dialog or a drop) and starts uploading.
    // Returns how many were queued; errorString names the ones that were not.
    Q_INVOKABLE int enqueue(const QList<QUrl>& urls);
    int enqueueFiles(const QStringList& paths);
    // Removes finished rows, keeping queued and running ones.
    Q_INVOKABLE void clearFinished();
    // Removes every row that is not running, for example after sign-out.
    Q_INVOKABLE void clear();
    Q_INVOKABLE void clearError();

    static QString stateText(UploadState state);

signals:
    void controllerChanged();
    void countChanged();
    void pendingCountChanged();
    void errorStringChanged();
    void uploadOptionsChanged();
    // A file was stored on the server as record `recordId`.
    void recordUploaded(const QString& recordId);

private:
    struct Upload
    {
        quint64 id = 0;
        QString path;
        QString fileName; // protected health information: never logged
        UploadState state = UploadState::Queued;
        double progress = 0.0;
        QString message;
        QString recordId;
        client::UploadOptions options; // as set when the file was queued
    };

    // Why a dropped or chosen path cannot be uploaded; empty for a readable file.
    static QString unreadableReason(const QFileInfo& info);
    int queueFiles(const QStringList& paths, QStringList rejected);
    void startNext();
    void onProgress(quint64 uploadId, client::ClientTask::Phase phase, qint64 done, qint64 total);
    void onFinished(quint64 uploadId, const client::ClientTask& task);
    int rowOf(quint64 uploadId) const;
    void updateRow(int row);
    void setErrorString(const QString& errorString);

    QPointer<SessionController> m_controller;
    QList<Upload> m_uploads;
    QString m_errorString;
    client::UploadOptions m_options{{}, QStringLiteral("private"), {}, {}, {}};
    quint64 m_nextId = 1;
    quint64 m_runningId = 0; // 0 while no upload runs
};

} // namespace chartinsight::ui
