#pragma once

#include "ui/SessionController.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// Account settings of the signed-in user: the password, e-mail codes at sign-in and the
// sessions on other devices. It never opens a dialog and never logs a password.
class AccountSettings : public QObject
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(
        SessionController* controller READ controller WRITE setController NOTIFY controllerChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(QString email READ email NOTIFY accountChanged)
    // The name reports and user lists show instead of the e-mail address; "" when none is set.
    Q_PROPERTY(QString displayName READ displayName NOTIFY accountChanged)
    Q_PROPERTY(bool mfaEnabled READ isMfaEnabled NOTIFY accountChanged)
    // The user's sessions, each a map of "id", "deviceName", "createdAt", "lastUsedAt" (local
    // time, "yyyy-MM-dd HH:mm") and "current".
    Q_PROPERTY(QVariantList sessions READ sessions NOTIFY sessionsChanged)

public:
    explicit AccountSettings(QObject* parent = nullptr);

    SessionController* controller() const { return m_controller; }
    void setController(SessionController* controller);
    bool isBusy() const { return m_busy; }
    QString status() const { return m_status; }
    QString errorString() const { return m_errorString; }
    QString email() const { return m_email; }
    QString displayName() const { return m_displayName; }
    bool isMfaEnabled() const { return m_mfaEnabled; }
    QVariantList sessions() const { return m_sessions; }

    // Reads the account and the session list from the server.
    Q_INVOKABLE void refresh();
    // Changes the password. The server signs out the user's other sessions.
    Q_INVOKABLE void changePassword(const QString& currentPassword, const QString& newPassword,
                                    const QString& confirmation);
    // Sets the display name (trimmed, at most 100 characters, no control characters; empty
    // clears it). The server checks it again and names the problem when it rejects it.
    Q_INVOKABLE void setDisplayName(const QString& displayName);
    // Turns e-mail codes at sign-in on or off. The server checks `password`.
    Q_INVOKABLE void setMfaEnabled(bool enabled, const QString& password);
    // Ends one session. Ending the current one signs this app out.
    Q_INVOKABLE void revokeSession(const QString& sessionId);
    // Ends every session of the user, this one included, through SessionController.
    Q_INVOKABLE void signOutEverywhere();
    Q_INVOKABLE void clearMessages();

signals:
    void controllerChanged();
    void busyChanged();
    void statusChanged();
    void errorStringChanged();
    void accountChanged();
    void sessionsChanged();
    // The password was changed; the page clears its fields.
    void passwordChanged();

private:
    // Returns whether a request may start (none runs and the user is signed in), and if so
    // clears the messages and sets busy.
    bool begin();
    // Records a failed request and returns true when `task` failed.
    bool failed(const client::ClientTask& task, const char* operation);
    void refreshSessions();
    void setBusy(bool busy);
    void setStatus(const QString& status);
    void setErrorString(const QString& errorString);

    QPointer<SessionController> m_controller;
    QVariantList m_sessions;
    QString m_email;
    QString m_displayName;
    QString m_status;
    QString m_errorString;
    bool m_mfaEnabled = false;
    bool m_busy = false;
};

} // namespace chartinsight::ui
