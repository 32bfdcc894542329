#pragma once

#include "ui/SessionController.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// The view model of the Users page for people who may manage the organization. It lists the
// organization's users with their lockout state, unlocks accounts and sets users' passwords.
// Whether the page shows comes from the server's account response. The server checks every
// request again, and a 403 response hides the page. It never opens a dialog and never logs a
// password or an e-mail address.
class AdminUsers : public QObject
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(
        SessionController* controller READ controller WRITE setController NOTIFY controllerChanged)
    // Whether the signed-in user may manage the organization's users, as the server reported.
    Q_PROPERTY(bool available READ isAvailable NOTIFY availableChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    // Each a map of "id", "email", "isAdmin", "mfaEnabled", "locked" and "lockedUntil" (local
    // time, "yyyy-MM-dd HH:mm", empty when not locked).
    Q_PROPERTY(QVariantList users READ users NOTIFY usersChanged)

public:
    explicit AdminUsers(QObject* parent = nullptr);

    SessionController* controller() const { return m_controller; }
    void setController(SessionController* controller);
    bool isAvailable() const { return m_available; }
    bool isBusy() const { return m_busy; }
    QString status() const { return m_status; }
    QString errorString() const { return m_errorString; }
    QVariantList users() const { return m_users; }

    // Whether an account response (GET /api/v1/account) grants the management of users. That
    // takes manage_organization in the home team when the response lists teams, else
    // "is_admin" from servers without teams.
    static bool mayManageUsers(const QJsonObject& account);

    // Reads the account to decide whether the page is available.
    Q_INVOKABLE void checkAccess();
    // Reads the organization's users.
    Q_INVOKABLE void refresh();
    // Ends the lockout of user `userId`.
    Q_INVOKABLE void unlock(const QString& userId);
    // Sets the password of user `userId`. The server ends that user's sessions.
    Q_INVOKABLE void setPassword(const QString& userId, const QString& newPassword,
                                 const QString& confirmation);
    Q_INVOKABLE void clearMessages();

signals:
    void controllerChanged();
    void availableChanged();
    void busyChanged();
    void statusChanged();
    void errorStringChanged();
    void usersChanged();
    // A password was set, so the page clears its fields.
    void passwordSet();

private:
    // Returns whether a request may start, and if so clears the messages and sets busy.
    bool begin();
    // Records a failed request and returns true when `task` failed. A 403 makes the page
    // unavailable.
    bool failed(const client::ClientTask& task, const char* operation);
    void reset();
    QString emailOf(const QString& userId) const;
    void setAvailable(bool available);
    void setBusy(bool busy);
    void setStatus(const QString& status);
    void setErrorString(const QString& errorString);

    QPointer<SessionController> m_controller;
    QVariantList m_users;
    QString m_status;
    QString m_errorString;
    bool m_available = false;
    bool m_busy = false;
};

} // namespace chartinsight::ui
