#include "AccountSettings.h"

#include "TaskFinished.h"
#include "UiLogging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QVariantMap>

namespace chartinsight::ui {

using client::ClientTask;

namespace {

// The server's limit, in characters after trimming; checked here for a message before sending.
constexpr qsizetype kMaxDisplayNameLength = 100;

QString localTime(const QJsonValue& isoTime)
{
    const QDateTime when = QDateTime::fromString(isoTime.toString(), Qt::ISODateWithMs);
    return when.isValid() ? when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                          : QString();
}

} // namespace

AccountSettings::AccountSettings(QObject* parent) : QObject(parent) {}

void AccountSettings::setController(SessionController* controller)
{
    if (controller == m_controller)
        return;
    m_controller = controller;
    emit controllerChanged();
}

bool AccountSettings::begin()
{
    if (m_busy || !m_controller || !m_controller->isSignedIn())
        return false;
    clearMessages();
    setBusy(true);
    return true;
}

bool AccountSettings::failed(const ClientTask& task, const char* operation)
{
    if (task.succeeded())
        return false;
    qCInfo(lcUiSession) << operation << "failed:" << task.error().code;
    setErrorString(task.error().message);
    return true;
}

void AccountSettings::refresh()
{
    if (!begin())
        return;
    whenFinished(m_controller->session()->account(), this, [this](const ClientTask& task) {
        if (failed(task, "reading the account")) {
            setBusy(false);
            return;
        }
        const QJsonObject account = task.result().toObject();
        m_email = account.value(QStringLiteral("email")).toString();
        m_displayName = account.value(QStringLiteral("display_name")).toString();
        m_mfaEnabled = account.value(QStringLiteral("mfa_enabled")).toBool();
        emit accountChanged();
        refreshSessions();
    });
}

void AccountSettings::refreshSessions()
{
    setBusy(true);
    whenFinished(m_controller->session()->listSessions(), this, [this](const ClientTask& task) {
        setBusy(false);
        if (failed(task, "listing the sessions"))
            return;
        QVariantList sessions;
        for (const QJsonValue& value : task.result().toArray()) {
            const QJsonObject session = value.toObject();
            QVariantMap entry;
            entry.insert(QStringLiteral("id"), session.value(QStringLiteral("id")).toString());
            const QString device = session.value(QStringLiteral("device_name")).toString();
            entry.insert(QStringLiteral("deviceName"),
                         device.isEmpty() ? tr("Unnamed device") : device);
            entry.insert(QStringLiteral("createdAt"),
                         localTime(session.value(QStringLiteral("created_at"))));
            entry.insert(QStringLiteral("lastUsedAt"),
                         localTime(session.value(QStringLiteral("last_used_at"))));
            entry.insert(QStringLiteral("current"),
                         session.value(QStringLiteral("current")).toBool());
            sessions.append(entry);
        }
        m_sessions = sessions;
        emit sessionsChanged();
    });
}

void AccountSettings::changePassword(const QString& currentPassword, const QString& newPassword,
                                     const QString& confirmation)
{
    if (currentPassword.isEmpty() || newPassword.isEmpty()) {
        setErrorString(tr("Enter the current and the new password."));
        return;
    }
    if (newPassword != confirmation) {
        setErrorString(tr("The two new passwords differ. Type the same new password twice."));
        return;
    }
    if (!begin())
        return;
    whenFinished(m_controller->session()->changePassword(currentPassword, newPassword), this,
                 [this](const ClientTask& task) {
                     setBusy(false);
                     if (failed(task, "changing the password"))
                         return;
                     qCInfo(lcUiSession) << "password changed";
                     setStatus(tr("Your password is changed. Your other devices are signed "
                                  "out."));
                     emit passwordChanged();
                     refreshSessions();
                 });
}

void AccountSettings::setDisplayName(const QString& displayName)
{
    const QString trimmed = displayName.trimmed();
    if (trimmed.size() > kMaxDisplayNameLength) {
        setErrorString(tr("The display name has %1 characters; use at most %2.")
                           .arg(trimmed.size())
                           .arg(kMaxDisplayNameLength));
        return;
    }
    if (!begin())
        return;
    whenFinished(m_controller->session()->setDisplayName(trimmed), this,
                 [this](const ClientTask& task) {
                     setBusy(false);
                     if (failed(task, "changing the display name")) {
                         emit accountChanged(); // the field returns to the stored name
                         return;
                     }
                     m_displayName =
                         task.result().toObject().value(QStringLiteral("display_name")).toString();
                     qCInfo(lcUiSession) << "changed the display name";
                     emit accountChanged();
                     setStatus(m_displayName.isEmpty()
                                   ? tr("Reports now show your e-mail address.")
                                   : tr("Reports now show your display name."));
                 });
}

void AccountSettings::setMfaEnabled(bool enabled, const QString& password)
{
    if (password.isEmpty()) {
        setErrorString(tr("Enter your password to change the sign-in codes."));
        return;
    }
    if (!begin())
        return;
    whenFinished(
        m_controller->session()->setMfaEnabled(enabled, password), this,
        [this](const ClientTask& task) {
            setBusy(false);
            if (failed(task, "changing e-mail codes")) {
                emit accountChanged(); // the switch returns to the stored state
                return;
            }
            m_mfaEnabled = task.result().toObject().value(QStringLiteral("mfa_enabled")).toBool();
            qCInfo(lcUiSession) << "e-mail codes at sign-in:" << m_mfaEnabled;
            emit accountChanged();
            setStatus(m_mfaEnabled ? tr("Sign-in now asks for a code sent to %1.").arg(m_email)
                                   : tr("Sign-in no longer asks for an e-mailed code."));
        });
}

void AccountSettings::revokeSession(const QString& sessionId)
{
    if (!begin())
        return;
    whenFinished(m_controller->session()->revokeSession(sessionId), this,
                 [this](const ClientTask& task) {
                     setBusy(false);
                     if (failed(task, "ending a session"))
                         return;
                     qCInfo(lcUiSession) << "session ended";
                     setStatus(tr("The session is signed out."));
                     if (m_controller && m_controller->isSignedIn())
                         refreshSessions();
                 });
}

void AccountSettings::signOutEverywhere()
{
    if (m_busy || !m_controller)
        return;
    clearMessages();
    m_sessions.clear();
    emit sessionsChanged();
    m_controller->signOutEverywhere();
}

void AccountSettings::clearMessages()
{
    setStatus({});
    setErrorString({});
}

void AccountSettings::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void AccountSettings::setStatus(const QString& status)
{
    if (status == m_status)
        return;
    m_status = status;
    emit statusChanged();
}

void AccountSettings::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

} // namespace chartinsight::ui
