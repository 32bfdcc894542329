#pragma once

#include "AccessViewModel.h"

#include <QSet>
#include <QString>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// The sharing dialog of one record: its sharing mode (private, team, selected users), a picker
// of the users of the organization, and who can see the record now and why. Only a user the
// server reports as able to share ("can_share") can save; the server checks it again.
class RecordSharing : public AccessViewModel
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(QString recordId READ recordId NOTIFY recordChanged)
    // Protected health information: views mark it as sensitive.
    Q_PROPERTY(QString fileName READ fileName NOTIFY recordChanged)
    Q_PROPERTY(QString teamName READ teamName NOTIFY recordChanged)
    Q_PROPERTY(bool canShare READ canShare NOTIFY recordChanged)
    // "private", "team" or "users"; changed by the dialog, sent by save().
    Q_PROPERTY(QString mode READ mode WRITE setMode NOTIFY modeChanged)
    // Users of the organization but the uploader, each {"id", "email", "selected"}, sorted by
    // e-mail.
    Q_PROPERTY(QVariantList users READ users NOTIFY usersChanged)
    Q_PROPERTY(int selectedCount READ selectedCount NOTIFY usersChanged)
    // Who can see the record now, each {"userId", "email", "reason", "reasonText"}.
    Q_PROPERTY(QVariantList entries READ entries NOTIFY entriesChanged)
    // The mode or the selection differs from what the server has.
    Q_PROPERTY(bool modified READ isModified NOTIFY modifiedChanged)

public:
    explicit RecordSharing(QObject* parent = nullptr);

    QString recordId() const { return m_recordId; }
    QString fileName() const { return m_fileName; }
    QString teamName() const { return m_teamName; }
    bool canShare() const { return m_canShare; }
    QString mode() const { return m_mode; }
    void setMode(const QString& mode);
    QVariantList users() const;
    int selectedCount() const { return int(m_selected.size()); }
    QVariantList entries() const { return m_entries; }
    bool isModified() const;

    // Shows `record`, a row of RecordListModel::recordAt() ("recordId", "fileName",
    // "teamName", "ownerId", "sharing", "sharedWith", "canShare"), and loads the users and the
    // access list.
    Q_INVOKABLE void open(const QVariantMap& record);
    Q_INVOKABLE void setUserSelected(const QString& userId, bool selected);
    // Sends the mode and, for "users", the selected users. Emits saved() on success.
    Q_INVOKABLE void save();
    // Reads who can see the record again.
    Q_INVOKABLE void refreshEntries();

signals:
    void recordChanged();
    void modeChanged();
    void usersChanged();
    void entriesChanged();
    void modifiedChanged();
    // The server accepted a new sharing mode for `recordId`; the record list may refresh.
    void saved(const QString& recordId);

protected:
    void reset() override;

private:
    struct User
    {
        QString id;
        QString email; // never logged
    };

    void loadUsers();
    void applyRecord(const QJsonObject& record);
    void setEntries(const QJsonValue& result);

    QList<User> m_users;
    QSet<QString> m_selected;
    QSet<QString> m_savedSelection;
    QVariantList m_entries;
    QString m_recordId;
    QString m_fileName;
    QString m_teamName;
    QString m_ownerId;
    QString m_mode;
    QString m_savedMode;
    bool m_canShare = false;
};

} // namespace chartinsight::ui
