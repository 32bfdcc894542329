#include "AdminUsers.h"

#include "TaskFinished.h"
#include "UiLogging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QVariantMap>

namespace chartinsight::ui {

using client::ClientTask;

namespace {

// Error code of the server's 403 response.
constexpr char kForbidden[] = "forbidden";
// The permission that lets a home-team member manage the organization's users.
constexpr char kManageOrganization[] = "manage_organization";

QVariantMap userEntry(const QJsonObject& user)
{
    const QDateTime lockedUntil = QDateTime::fromString(
        user.value(QStringLiteral("locked_until")).toString(), Qt::ISODateWithMs);
    QVariantMap entry;
    entry.insert(QStringLiteral("id"), user.value(QStringLiteral("id")).toString());
    entry.insert(QStringLiteral("email"), user.value(QStringLiteral("email")).toString());
    entry.insert(QStringLiteral("isAdmin"), user.value(QStringLiteral("is_admin")).toBool());
    entry.insert(QStringLiteral("mfaEnabled"), user.value(QStringLiteral("mfa_enabled")).toBool());
    entry.insert(QStringLiteral("locked"), lockedUntil.isValid());
    entry.insert(QStringLiteral("lockedUntil"),
                 lockedUntil.isValid()
                     ? lockedUntil.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                     : QString());
    return entry;
}

} // namespace

AdminUsers::AdminUsers(QObject* parent) : QObject(parent) {}

void AdminUsers::setController(SessionController* controller)
{
    if (controller == m_controller)
        return;
    if (m_controller)
        m_controller->disconnect(this);
    m_controller = controller;
    if (m_controller) {
        connect(m_controller, &SessionController::signedInChanged, this, [this] {
            reset();
            if (m_controller->isSignedIn())
                checkAccess();
        });
    }
    reset();
    emit controllerChanged();
}

bool AdminUsers::mayManageUsers(const QJsonObject& account)
{
    const QJsonValue teams = account.value(QStringLiteral("teams"));
    if (!teams.isArray())
        return account.value(QStringLiteral("is_admin")).toBool();
    for (const QJsonValue& value : teams.toArray()) {
        const QJsonObject team = value.toObject();
        if (team.value(QStringLiteral("is_home")).toBool() &&
            team.value(QStringLiteral("permissions"))
                .toArray()
                .contains(QLatin1String(kManageOrganization)))
            return true;
    }
    return false;
}

bool AdminUsers::begin()
{
    if (m_busy || !m_controller || !m_controller->isSignedIn())
        return false;
    clearMessages();
    setBusy(true);
    return true;
}

bool AdminUsers::failed(const ClientTask& task, const char* operation)
{
    if (task.succeeded())
        return false;
    qCInfo(lcUiSession) << operation << "failed:" << task.error().code;
    if (task.error().code == QLatin1String(kForbidden)) {
        // The permission was taken away since the page showed.
        m_users.clear();
        emit usersChanged();
        setAvailable(false);
        setErrorString(
            tr("You may no longer manage the organization's users: %1").arg(task.error().message));
        return true;
    }
    setErrorString(task.error().message);
    return true;
}

void AdminUsers::checkAccess()
{
    if (!begin())
        return;
    whenFinished(m_controller->session()->account(), this, [this](const ClientTask& task) {
        setBusy(false);
        if (!task.succeeded()) {
            // When offline or refused, the page keeps its state, and the account is read again
            // at the next sign-in.
            qCInfo(lcUiSession) << "reading the account for the Users page failed:"
                                << task.error().code;
            return;
        }
        setAvailable(mayManageUsers(task.result().toObject()));
    });
}

void AdminUsers::refresh()
{
    if (!begin())
        return;
    whenFinished(m_controller->session()->listUsers(), this, [this](const ClientTask& task) {
        setBusy(false);
        if (failed(task, "listing the users"))
            return;
        QVariantList users;
        for (const QJsonValue& value : task.result().toArray())
            users.append(userEntry(value.toObject()));
        m_users = users;
        setAvailable(true);
        emit usersChanged();
    });
}

QString AdminUsers::emailOf(const QString& userId) const
{
    for (const QVariant& user : m_users) {
        const QVariantMap entry = user.toMap();
        if (entry.value(QStringLiteral("id")).toString() == userId)
            return entry.value(QStringLiteral("email")).toString();
    }
    return tr("the user");
}

void AdminUsers::unlock(const QString& userId)
{
    if (!begin())
        return;
    const QString email = emailOf(userId);
    whenFinished(m_controller->session()->unlockUser(userId), this,
                 [this, email](const ClientTask& task) {
                     setBusy(false);
                     if (failed(task, "unlocking a user"))
                         return;
                     refresh();
                     setStatus(tr("%1 can sign in again.").arg(email));
                 });
}

void AdminUsers::setPassword(const QString& userId, const QString& newPassword,
                             const QString& confirmation)
{
    if (newPassword.isEmpty()) {
        setErrorString(tr("Enter the new password."));
        return;
    }
    if (newPassword != confirmation) {
        setErrorString(tr("The two new passwords differ. Type the same new password twice."));
        return;
    }
    if (!begin())
        return;
    const QString email = emailOf(userId);
    whenFinished(m_controller->session()->setUserPassword(userId, newPassword), this,
                 [this, email](const ClientTask& task) {
                     setBusy(false);
                     if (failed(task, "setting a user's password"))
                         return;
                     setStatus(tr("The password of %1 is set, and their sessions are signed "
                                  "out. Give them the new password in person or by phone.")
                                   .arg(email));
                     emit passwordSet();
                 });
}

void AdminUsers::clearMessages()
{
    setStatus({});
    setErrorString({});
}

void AdminUsers::reset()
{
    m_users.clear();
    emit usersChanged();
    setAvailable(false);
    setBusy(false);
    clearMessages();
}

void AdminUsers::setAvailable(bool available)
{
    if (available == m_available)
        return;
    m_available = available;
    emit availableChanged();
}

void AdminUsers::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void AdminUsers::setStatus(const QString& status)
{
    if (status == m_status)
        return;
    m_status = status;
    emit statusChanged();
}

void AdminUsers::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

} // namespace chartinsight::ui
