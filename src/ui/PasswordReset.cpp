#include "PasswordReset.h"

#include "TaskFinished.h"
#include "UiLogging.h"
#include "core/ErrorCodes.h"

#include <QJsonObject>
#include <QUrlQuery>

namespace chartinsight::ui {

using client::ClientTask;

namespace {

constexpr char kLinkScheme[] = "chartinsight";
constexpr char kLinkHost[] = "reset-password";

} // namespace

PasswordReset::PasswordReset(QObject* parent) : QObject(parent)
{
    m_strengthTimer.setSingleShot(true);
    m_strengthTimer.setInterval(kStrengthDelayMs);
    connect(&m_strengthTimer, &QTimer::timeout, this, &PasswordReset::sendStrengthCheck);
}

void PasswordReset::setController(SessionController* controller)
{
    if (controller == m_controller)
        return;
    m_controller = controller;
    emit controllerChanged();
}

Result<QString> PasswordReset::tokenFromLink(const QString& link)
{
    const QUrl url(link.trimmed(), QUrl::StrictMode);
    const QString token = QUrlQuery(url).queryItemValue(QStringLiteral("token"));
    if (!url.isValid() || url.scheme() != QLatin1String(kLinkScheme) ||
        url.host() != QLatin1String(kLinkHost) || token.isEmpty()) {
        // The link itself carries the token, so the message does not repeat it.
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         tr("The reset link is not valid. Open the link from the newest reset "
                            "e-mail, of the form chartinsight://reset-password?token=…"));
    }
    return token;
}

bool PasswordReset::openLink(const QString& link)
{
    clearMessages();
    const auto token = tokenFromLink(link);
    if (!token) {
        qCWarning(lcUiSession) << "ignoring an invalid password reset link";
        setErrorString(token.error().message);
        return false;
    }
    qCInfo(lcUiSession) << "password reset link opened";
    setToken(*token);
    return true;
}

void PasswordReset::requestReset(const QString& serverAddress, const QString& email)
{
    if (m_busy || !m_controller)
        return;
    clearMessages();
    if (email.trimmed().isEmpty()) {
        setErrorString(tr("Enter the e-mail address of your account."));
        return;
    }
    const auto url = SessionController::parseServerUrl(serverAddress);
    if (!url) {
        setErrorString(url.error().message);
        return;
    }
    m_controller->setServerUrl(url->toString());
    setBusy(true);
    const QString address = email.trimmed();
    whenFinished(
        m_controller->session()->requestPasswordReset(address), this,
        [this, serverAddress, address](const ClientTask& task) {
            setBusy(false);
            if (!task.succeeded()) {
                qCInfo(lcUiSession) << "password reset request failed:" << task.error().code;
                const auto retry = [this, serverAddress, address] {
                    requestReset(serverAddress, address);
                };
                if (!m_controller || !m_controller->handleCertificateFailure(task.error(), retry))
                    setErrorString(task.error().message);
                return;
            }
            qCInfo(lcUiSession) << "password reset requested";
            setStatus(tr("If an account exists for that address, we sent a link to "
                         "reset its password. The link works once, for a limited "
                         "time."));
        });
}

void PasswordReset::checkStrength(const QString& password)
{
    m_pendingPassword = password;
    ++m_strengthRequest;
    if (password.isEmpty()) {
        m_strengthTimer.stop();
        setStrength(-1, false, {});
        return;
    }
    m_strengthTimer.start();
}

void PasswordReset::sendStrengthCheck()
{
    if (!m_controller || m_pendingPassword.isEmpty())
        return;
    const quint64 request = m_strengthRequest;
    whenFinished(m_controller->session()->checkPasswordPolicy(m_pendingPassword), this,
                 [this, request](const ClientTask& task) {
                     if (request != m_strengthRequest)
                         return;
                     if (!task.succeeded()) {
                         setStrength(-1, false,
                                     tr("The strength check failed: %1").arg(task.error().message));
                         return;
                     }
                     const QJsonObject policy = task.result().toObject();
                     QString text = policy.value(QStringLiteral("reason")).toString();
                     const QString suggestion =
                         policy.value(QStringLiteral("suggestion")).toString();
                     if (!suggestion.isEmpty())
                         text = text.isEmpty() ? suggestion : text + QLatin1Char(' ') + suggestion;
                     setStrength(policy.value(QStringLiteral("score")).toInt(),
                                 policy.value(QStringLiteral("acceptable")).toBool(), text);
                 });
}

void PasswordReset::complete(const QString& newPassword, const QString& confirmation)
{
    if (m_busy || !m_controller)
        return;
    clearMessages();
    if (m_token.isEmpty()) {
        setErrorString(tr("No reset link is open. Open the link from the reset e-mail."));
        return;
    }
    if (newPassword.isEmpty()) {
        setErrorString(tr("Enter the new password."));
        return;
    }
    if (newPassword != confirmation) {
        setErrorString(tr("The two passwords differ. Type the same new password twice."));
        return;
    }
    setBusy(true);
    whenFinished(m_controller->session()->completePasswordReset(m_token, newPassword), this,
                 [this](const ClientTask& task) {
                     setBusy(false);
                     if (!task.succeeded()) {
                         qCInfo(lcUiSession) << "password reset failed:" << task.error().code;
                         if (!m_controller ||
                             !m_controller->handleCertificateFailure(task.error(), {}))
                             setErrorString(task.error().message);
                         return;
                     }
                     qCInfo(lcUiSession) << "password reset completed";
                     setToken({});
                     setStrength(-1, false, {});
                     setStatus(tr("Your password is changed. Sign in with the new password."));
                     emit resetCompleted();
                 });
}

void PasswordReset::cancel()
{
    setToken({});
    setStrength(-1, false, {});
    clearMessages();
}

void PasswordReset::clearMessages()
{
    setStatus({});
    setErrorString({});
}

void PasswordReset::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void PasswordReset::setStatus(const QString& status)
{
    if (status == m_status)
        return;
    m_status = status;
    emit statusChanged();
}

void PasswordReset::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

void PasswordReset::setStrength(int score, bool acceptable, const QString& text)
{
    if (score == m_strengthScore && acceptable == m_strengthAcceptable && text == m_strengthText)
        return;
    m_strengthScore = score;
    m_strengthAcceptable = acceptable;
    m_strengthText = text;
    emit strengthChanged();
}

void PasswordReset::setToken(const QString& token)
{
    const bool had = hasToken();
    m_token = token;
    if (had != hasToken())
        emit hasTokenChanged();
}

} // namespace chartinsight::ui
