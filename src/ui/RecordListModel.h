#pragma once

#include "SessionController.h"
#include "core/RecordInfo.h"

#include <QAbstractListModel>
#include <QList>
#include <QPointer>
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

public:
    enum Role
    {
        RecordIdRole = Qt::UserRole + 1,
        FileNameRole,
        SizeRole,
        SizeTextRole,
        CreatedAtRole,
        CreatedTextRole,
    };
    Q_ENUM(Role)

    explicit RecordListModel(QObject* parent = nullptr);

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

    // Lists the records again.
    Q_INVOKABLE void refresh();
    // Fills the offline cache with every record on the server, then lists again.
    Q_INVOKABLE void sync();
    // Forgets the listed records, for example after sign-out.
    Q_INVOKABLE void clear();
    Q_INVOKABLE void clearError();
    Q_INVOKABLE QString recordId(int row) const;
    Q_INVOKABLE QString fileName(int row) const;

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

private:
    void listRecords();
    void applyListing(const QJsonValue& listing);
    void setLoaded(bool loaded);
    void setBusy(bool busy);
    void setStatus(const QString& status);
    void setErrorString(const QString& errorString);

    QPointer<SessionController> m_controller;
    QList<RecordInfo> m_records;
    QString m_status;
    QString m_errorString;
    // Bumped on clear() and on a new session, so results of older requests are dropped.
    quint64 m_generation = 0;
    bool m_loaded = false;
    bool m_busy = false;
    bool m_refreshAgain = false;
    bool m_failedOnCertificate = false;
};

} // namespace chartinsight::ui
