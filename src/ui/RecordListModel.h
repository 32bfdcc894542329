#pragma once

#include "SessionController.h"
#include "core/RecordInfo.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// The records the signed-in user can see, newest first, from ClientSession::listRecords() (the
// server when online, else the offline cache). File names are protected health information:
// views mark them as sensitive.
class RecordListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(chartinsight::ui::SessionController* controller READ controller WRITE setController
                   NOTIFY controllerChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // A listing finished at least once since sign-in, so an empty list means "no records".
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY loadedChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    // The query the list is filtered by; empty while the full list shows. Never logged.
    Q_PROPERTY(QString searchText READ searchText NOTIFY searchTextChanged)
    // What the last search could not cover, such as the content of records while offline.
    Q_PROPERTY(QString searchNote READ searchNote NOTIFY searchNoteChanged)

public:
    enum Role
    {
        RecordIdRole = Qt::UserRole + 1,
        FileNameRole,
        SizeRole,
        SizeTextRole,
        CreatedAtRole,
        CreatedTextRole,
        TitleRole, // empty until someone sets one
        TeamIdRole,
        TeamNameRole,
        SharingRole,     // "private", "team" or "users"
        SharingTextRole, // the sharing mode in words, naming the team
        CanEditRole,     // the user may change the title
        CanShareRole,    // the user may change the sharing mode
        ExpiresAtRole,   // local date-time of the erasure; invalid when the record does not expire
        ExpiryTextRole,  // the countdown, "Erased in 6 days" (RetentionText::countdown)
        LegalHoldRole,   // a legal hold suspends the erasure
        CanDeleteRole,   // the user may erase the record permanently
        DerivedRole,     // "pending", "ready", "failed" or "none"
        HasPreviewRole,  // the server has a preview image of the record
        ThumbnailRole,   // "image://record/..." once loadThumbnail() fetched it, else empty
    };
    Q_ENUM(Role)

    explicit RecordListModel(QObject* parent = nullptr);
    ~RecordListModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    SessionController* controller() const { return m_controller; }
    void setController(SessionController* controller);
    int count() const { return int(m_records.size()); }
    bool isLoaded() const { return m_loaded; }
    bool isBusy() const { return m_busy; }
    QString status() const { return m_status; }
    QString errorString() const { return m_errorString; }
    QString searchText() const { return m_searchText; }
    QString searchNote() const { return m_searchNote; }

    // Lists the records again.
    Q_INVOKABLE void refresh();
    // Fills the offline cache with every record on the server, then lists again.
    Q_INVOKABLE void sync();
    // Forgets the listed records, for example after sign-out.
    Q_INVOKABLE void clear();
    Q_INVOKABLE void clearError();
    // Shows the records whose text, title or file name match `text` (GET /api/v1/records?query),
    // or the full list again when `text` is blank. Offline, only the titles and file names of
    // the offline cache are searched, and searchNote explains this.
    Q_INVOKABLE void search(const QString& text);
    // Fetches the server's preview of a listed record in the background, scaled down to a
    // thumbnail kept in memory only; the row's thumbnail role changes when it is ready.
    Q_INVOKABLE void loadThumbnail(const QString& recordId);
    Q_INVOKABLE QString recordId(int row) const;
    Q_INVOKABLE QString fileName(int row) const;
    // The row's fields for the sharing dialog: "recordId", "fileName", "title", "teamId",
    // "teamName", "sharing", "sharedWith", "ownerId", "canEdit", "canShare". Empty when the
    // record is not listed.
    Q_INVOKABLE QVariantMap recordAt(int row) const;
    Q_INVOKABLE QVariantMap recordById(const QString& recordId) const;
    // Sends a new title for a listed record (PATCH /api/v1/records/{id}). The row changes only
    // when the server accepts it; otherwise errorString explains why and the old title stays.
    Q_INVOKABLE void setTitle(const QString& recordId, const QString& title);

    // Replaces the list, newest first.
    void setRecords(QList<RecordInfo> records);
    const QList<RecordInfo>& records() const { return m_records; }

signals:
    void controllerChanged();
    void countChanged();
    void loadedChanged();
    void busyChanged();
    void statusChanged();
    void errorStringChanged();
    void searchTextChanged();
    void searchNoteChanged();
    // The server accepted a new title for `recordId`.
    void titleSaved(const QString& recordId);

private:
    // The fields of a record's JSON that the access model added: its team, sharing mode,
    // title and what the signed-in user may do with it.
    struct Access
    {
        QString title;
        QString teamId;
        QString teamName;
        QString sharing;
        QStringList sharedWith;
        QString ownerId;
        bool canEdit = false;
        bool canShare = false;
        QDateTime expiresAt; // UTC; invalid for none
        bool legalHold = false;
        bool canDelete = false;
        QString templateId;

        static Access fromJson(const QJsonObject& object);
    };

    void listRecords();
    void searchServer(const QString& text);
    void searchOffline(const QString& text);
    void finishRequest();
    void setSearchNote(const QString& note);
    void addThumbnail(const QString& recordId, const QString& key);
    void emitThumbnailChanged(const QString& recordId);
    void dropThumbnails();
    void applyListing(const QJsonValue& listing);
    void updateAccess(const QString& recordId, const Access& access);
    void setLoaded(bool loaded);
    void setBusy(bool busy);
    void setStatus(const QString& status);
    void setErrorString(const QString& errorString);

    QPointer<SessionController> m_controller;
    QList<RecordInfo> m_records;
    // Keyed by record id; records listed offline or through setRecords() may have none.
    QHash<QString, Access> m_access;
    QString m_status;
    QString m_errorString;
    QString m_searchText;
    QString m_searchNote;
    // Record id to the key of its thumbnail in RecordImageProvider, oldest first.
    QHash<QString, QString> m_thumbnails;
    QStringList m_thumbnailOrder;
    QSet<QString> m_thumbnailsLoading;
    // Bumped on clear() and on a new session, so results of older requests are dropped.
    quint64 m_generation = 0;
    bool m_loaded = false;
    bool m_busy = false;
    bool m_refreshAgain = false;
    bool m_failedOnCertificate = false;
};

} // namespace chartinsight::ui
