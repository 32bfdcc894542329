#pragma once

#include "ui/SessionController.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// Password reset without a session: asking the server for a reset e-mail, and setting a new
// password with the token of the link chartinsight://reset-password?token=T, with a live
// strength check from the server's password policy. It never opens a dialog, and it never logs
// the e-mail address, the token or a password.
class PasswordReset : public QObject
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(
        SessionController* controller READ controller WRITE setController NOTIFY controllerChanged)
    // Whether a reset link was opened and waits for the new password.
    Q_PROPERTY(bool hasToken READ hasToken NOTIFY hasTokenChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    // The neutral confirmation of a reset request, or the success of a completed reset.
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    // Result of the last strength check: score 0..4, or -1 while none is known.
    Q_PROPERTY(int strengthScore READ strengthScore NOTIFY strengthChanged)
    Q_PROPERTY(bool strengthAcceptable READ isStrengthAcceptable NOTIFY strengthChanged)
    // The policy's reason and suggestion, joined into one sentence or two.
    Q_PROPERTY(QString strengthText READ strengthText NOTIFY strengthChanged)

public:
    explicit PasswordReset(QObject* parent = nullptr);

    SessionController* controller() const { return m_controller; }
    void setController(SessionController* controller);
    bool hasToken() const { return !m_token.isEmpty(); }
    bool isBusy() const { return m_busy; }
    QString status() const { return m_status; }
    QString errorString() const { return m_errorString; }
    int strengthScore() const { return m_strengthScore; }
    bool isStrengthAcceptable() const { return m_strengthAcceptable; }
    QString strengthText() const { return m_strengthText; }

    // Returns the token of a link chartinsight://reset-password?token=T, or an error naming
    // what is wrong with `link`.
    static Result<QString> tokenFromLink(const QString& link);
    // Keeps the token of `link` for complete(). Returns false, with errorString set, when the
    // link is not a reset link.
    Q_INVOKABLE bool openLink(const QString& link);

    // Asks the server at `serverAddress` to e-mail a reset link to `email`. Whether the address
    // is registered or not, the outcome is the same neutral status.
    Q_INVOKABLE void requestReset(const QString& serverAddress, const QString& email);
    // Checks `password` against the server's policy once typing pauses for kStrengthDelayMs.
    Q_INVOKABLE void checkStrength(const QString& password);
    // Sets the new password with the token of the opened link. `confirmation` must match.
    Q_INVOKABLE void complete(const QString& newPassword, const QString& confirmation);
    // Forgets the token and the messages, for leaving the reset page.
    Q_INVOKABLE void cancel();
    Q_INVOKABLE void clearMessages();

    static constexpr int kStrengthDelayMs = 300;

signals:
    void controllerChanged();
    void hasTokenChanged();
    void busyChanged();
    void statusChanged();
    void errorStringChanged();
    void strengthChanged();
    // The new password is set; the sign-in page shows the notice.
    void resetCompleted();

private:
    void sendStrengthCheck();
    void setBusy(bool busy);
    void setStatus(const QString& status);
    void setErrorString(const QString& errorString);
    void setStrength(int score, bool acceptable, const QString& text);
    void setToken(const QString& token);

    QPointer<SessionController> m_controller;
    QTimer m_strengthTimer;
    QString m_pendingPassword;
    // Increases with every strength request, so that an older response arriving late is dropped.
    quint64 m_strengthRequest = 0;
    QString m_token;
    QString m_status;
    QString m_errorString;
    QString m_strengthText;
    int m_strengthScore = -1;
    bool m_strengthAcceptable = false;
    bool m_busy = false;
};

} // namespace chartinsight::ui
