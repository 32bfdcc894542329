#include "SessionController.h"

#include "DisplayFormat.h"
#include "TaskFinished.h"
#include "UiLogging.h"
#include "UnlockVerifier.h"
#include "client/ApiClient.h"
#include "core/ErrorCodes.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSysInfo>

#include <utility>

namespace chartinsight::ui {

using client::ClientSession;
using client::ClientTask;

namespace {
// Wait the server imposes between resends of a sign-in code, in seconds, used until the
// server's own "resend_available_in" or Retry-After arrives.
constexpr int kResendWaitSeconds = 60;
// Longest host name that goes into a device name, in characters.
constexpr int kMaxHostNameChars = 64;
} // namespace

SessionController::SessionController(QObject* parent) : QObject(parent) {}

SessionController::~SessionController() = default;

void SessionController::setServerUrl(const QString& serverUrl)
{
    const QUrl url(serverUrl);
    if (url == m_settings.serverUrl)
        return;
    if (m_signedIn) {
        qCWarning(lcUiSession) << "ignoring a server change while signed in";
        return;
    }
    m_settings.serverUrl = url;
    // A CA file given before any server was named belongs to the first server named.
    if (m_caFileServerUrl.isEmpty() && !m_caFileForServer.isEmpty())
        m_caFileServerUrl = url;
    // A CA file given for one server must not verify another: the other server's session
    // then uses its own CA file from the profile, or pins the user can accept.
    m_settings.caFile = url == m_caFileServerUrl ? m_caFileForServer : QString();
    replaceSession();
    emit serverUrlChanged();
    emit connectionChanged();
}

QString SessionController::caFile() const
{
    return m_session ? m_session->settings().caFile : m_settings.caFile;
}

void SessionController::setCaFile(const QString& caFile)
{
    if (m_signedIn)
        return;
    m_caFileServerUrl = m_settings.serverUrl;
    m_caFileForServer = caFile;
    if (caFile == m_settings.caFile)
        return;
    m_settings.caFile = caFile;
    replaceSession();
    emit connectionChanged();
}

void SessionController::setSignatureDir(const QString& signatureDir)
{
    if (signatureDir == m_settings.signatureDir || m_signedIn)
        return;
    m_settings.signatureDir = signatureDir;
    replaceSession();
    emit connectionChanged();
}

void SessionController::setProfileDir(const QString& profileDir)
{
    if (profileDir == m_settings.profileDir || m_signedIn)
        return;
    m_settings.profileDir = profileDir;
    replaceSession();
    emit connectionChanged();
}

bool SessionController::isOnline() const
{
    return m_session && m_session->isOnline();
}

QString SessionController::untrustedFingerprintText() const
{
    return DisplayFormat::groupFingerprint(m_untrustedFingerprint);
}

ClientSession* SessionController::session()
{
    if (m_session)
        return m_session;
    m_session = new ClientSession(m_settings, this);
    connect(m_session, &ClientSession::onlineChanged, this, &SessionController::onlineChanged);
    connect(m_session, &ClientSession::signedInChanged, this, [this](bool signedIn) {
        // Signed out without a request from the user: the server rejected the token.
        if (!signedIn && m_signedIn && !m_signingOut) {
            qCInfo(lcUiSession) << "the session ended on the server";
            setErrorString(tr("Your session has ended, for example because it expired. Sign in "
                              "again."));
        }
        setSignedIn(signedIn);
    });
    connect(m_session, &ClientSession::certificateUntrusted, this,
            &SessionController::setUntrustedFingerprint);
    return m_session;
}

void SessionController::replaceSession()
{
    if (!m_session)
        return;
    // Later, not now: this may run inside a handler of one of the session's own tasks.
    m_session->disconnect(this);
    m_session->deleteLater();
    m_session = nullptr;
    m_retryAfterTrust = {};
    setUntrustedFingerprint({});
    setServerDemoSignatures(false);
    setBusy(false);
    emit onlineChanged();
    emit sessionReplaced();
}

void SessionController::restoreSession()
{
    if (m_busy || m_signedIn)
        return;
    setBusy(true);
    setStatus(tr("Checking for a saved sign-in…"));
    whenFinished(session()->restoreSession(), this, [this](const ClientTask& task) {
        setBusy(false);
        setStatus({});
        if (!task.succeeded()) {
            qCWarning(lcUiSession) << "restoring the saved sign-in failed:" << task.error().code;
            setErrorString(task.error().message);
            return;
        }
        if (task.result().toObject().value(QStringLiteral("signed_in")).toBool()) {
            qCInfo(lcUiSession) << "restored the saved sign-in";
            setSignedIn(true);
            checkServer();
        }
    });
}

Result<QUrl> SessionController::parseServerUrl(const QString& text)
{
    QString trimmed = text.trimmed();
    if (!trimmed.contains(QStringLiteral("://")))
        trimmed.prepend(QStringLiteral("https://"));
    const QString shown = client::withoutUserInfo(trimmed);
    if (shown != trimmed) {
        // The user name and password are not repeated on screen.
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         tr("The server address \"%1\" (user name and password left out here) "
                            "contains a user name or password. Enter it as https://host:port "
                            "and sign in with your e-mail address and password instead.")
                             .arg(shown));
    }
    const QUrl url(trimmed, QUrl::StrictMode);
    const bool valid = url.isValid() && url.scheme() == QLatin1String("https") &&
                       !url.host().isEmpty() && url.userInfo().isEmpty() &&
                       (url.path().isEmpty() || url.path() == QLatin1String("/")) &&
                       !url.hasQuery() && !url.hasFragment();
    if (!valid) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         tr("\"%1\" is not a valid server address. Enter it as https://host:port, "
                            "for example https://127.0.0.1:8443.")
                             .arg(text.trimmed()));
    }
    QUrl normalized;
    normalized.setScheme(url.scheme());
    normalized.setHost(url.host());
    normalized.setPort(url.port());
    return normalized;
}

void SessionController::signIn(const QString& serverAddress, const QString& email,
                               const QString& password)
{
    if (m_busy || m_signedIn)
        return;
    setErrorString({});
    const Result<QUrl> url = parseServerUrl(serverAddress);
    if (!url) {
        setErrorString(url.error().message);
        return;
    }
    if (email.trimmed().isEmpty() || password.isEmpty()) {
        setErrorString(tr("Enter your e-mail address and password."));
        return;
    }
    setServerUrl(url->toString());

    // Health first: it needs no credentials, so an untrusted certificate is settled before the
    // password is sent.
    setBusy(true);
    setStatus(tr("Connecting to %1…").arg(m_settings.serverUrl.authority()));
    whenFinished(session()->checkServer(), this, [this, email, password](const ClientTask& task) {
        if (!task.succeeded()) {
            setBusy(false);
            setStatus({});
            const bool waiting = handleCertificateFailure(
                task.error(), [this, email, password] { signIn(serverUrl(), email, password); });
            if (!waiting)
                setErrorString(task.error().message);
            return;
        }
        setServerDemoSignatures(
            task.result().toObject().value(QStringLiteral("demo_signatures")).toBool());
        signInChecked(email, password);
    });
}

QString SessionController::deviceName()
{
    QString host = QSysInfo::machineHostName().trimmed().left(kMaxHostNameChars);
    if (host.isEmpty())
        host = QStringLiteral("unnamed computer");
    return QStringLiteral("chartinsight on %1").arg(host);
}

void SessionController::signInChecked(const QString& email, const QString& password)
{
    setStatus(tr("Signing in…"));
    whenFinished(session()->signIn(email.trimmed(), password, deviceName()), this,
                 [this, password](const ClientTask& task) {
                     // Success, with or without an e-mailed code to follow, means the server
                     // accepted the password.
                     if (task.succeeded())
                         storeUnlockVerifier(password);
                     finishSignIn(task);
                 });
}

UnlockVerifier* SessionController::unlockVerifier()
{
    if (!m_unlockVerifier)
        m_unlockVerifier = new UnlockVerifier(this);
    return m_unlockVerifier;
}

void SessionController::storeUnlockVerifier(const QString& password)
{
    unlockVerifier()->store(serverUrl(), password, [this](Result<void> stored) {
        if (!stored)
            qCWarning(lcUiSession) << "could not store the local password check for the idle "
                                      "lock:"
                                   << stored.error().code;
        emit unlockVerifierStored(stored.ok());
    });
}

void SessionController::finishSignIn(const ClientTask& task)
{
    setBusy(false);
    setStatus({});
    if (!task.succeeded()) {
        qCInfo(lcUiSession) << "sign-in failed:" << task.error().code;
        const QString unlockAt = task.errorDetails().value(QStringLiteral("unlock_at")).toString();
        if (task.error().code == QLatin1String(client::autherr::kAccountLocked)) {
            const QDateTime when = QDateTime::fromString(unlockAt, Qt::ISODate);
            setLockedUntil(when.isValid()
                               ? when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                               : tr("the lockout ends"));
        } else {
            // Any other error means that a lock shown earlier no longer applies.
            setLockedUntil({});
        }
        if (task.error().code == QLatin1String(client::autherr::kMfaFailed) ||
            task.error().code == QLatin1String(client::autherr::kCodeExpired))
            setMfaPending(session()->isMfaPending());
        if (!handleCertificateFailure(task.error(), {}))
            setErrorString(task.error().message);
        return;
    }
    setLockedUntil({});
    if (task.result().toObject().value(QStringLiteral("mfa_required")).toBool()) {
        qCInfo(lcUiSession) << "sign-in waits for the e-mailed code";
        setMfaPending(true);
        emit resendAvailableIn(kResendWaitSeconds);
        return;
    }
    qCInfo(lcUiSession) << "signed in";
    setMfaPending(false);
    setSignedIn(true);
    updateScannerState();
}

void SessionController::verifyMfa(const QString& code)
{
    if (m_busy || !m_mfaPending)
        return;
    clearError();
    setBusy(true);
    setStatus(tr("Checking the code…"));
    whenFinished(session()->verifyMfa(code), this,
                 [this](const ClientTask& task) { finishSignIn(task); });
}

void SessionController::resendMfa()
{
    if (m_busy || !m_mfaPending)
        return;
    clearError();
    whenFinished(session()->resendMfa(), this, [this](const ClientTask& task) {
        if (!task.succeeded()) {
            const int wait = task.errorDetails().value(QStringLiteral("retry_after")).toInt(-1);
            if (wait > 0)
                emit resendAvailableIn(wait);
            if (task.error().code == QLatin1String(client::autherr::kMfaFailed))
                setMfaPending(false);
            setErrorString(task.error().message);
            return;
        }
        setStatus(tr("A new code is on its way. Earlier codes no longer work."));
        emit resendAvailableIn(task.result()
                                   .toObject()
                                   .value(QStringLiteral("resend_available_in"))
                                   .toInt(kResendWaitSeconds));
    });
}

void SessionController::cancelMfa()
{
    setMfaPending(false);
    setStatus({});
    clearError();
}

void SessionController::setMfaPending(bool pending)
{
    if (pending == m_mfaPending)
        return;
    m_mfaPending = pending;
    emit mfaPendingChanged();
}

void SessionController::setLockedUntil(const QString& lockedUntil)
{
    if (lockedUntil == m_lockedUntil)
        return;
    m_lockedUntil = lockedUntil;
    emit lockedUntilChanged();
}

void SessionController::signOut()
{
    endSession(false);
}

void SessionController::signOutWithMessage(const QString& message)
{
    if (!m_signedIn)
        return;
    m_signOutMessage = message;
    endSession(false);
}

void SessionController::signOutEverywhere()
{
    endSession(true);
}

void SessionController::endSession(bool everywhere)
{
    if (!m_signedIn)
        return;
    setBusy(true);
    setStatus(tr("Signing out…"));
    m_signingOut = true;
    ClientTask* request = everywhere ? session()->signOutEverywhere() : session()->signOut();
    whenFinished(request, this, [this](const ClientTask& task) {
        m_signingOut = false;
        setBusy(false);
        setStatus({});
        // The window signs out either way. The message reports when the keychain kept the token,
        // because the next start would then sign in again.
        if (!task.succeeded()) {
            qCWarning(lcUiSession) << "removing the saved sign-in failed:" << task.error().code;
            setErrorString(tr("You are signed out of this window, but the saved sign-in could "
                              "not be removed: %1")
                               .arg(task.error().message));
        }
        setSignedIn(false);
        setServerDemoSignatures(false);
        if (!m_signOutMessage.isEmpty())
            setErrorString(std::exchange(m_signOutMessage, {}));
    });
}

void SessionController::checkServer()
{
    whenFinished(session()->checkServer(), this, [this](const ClientTask& task) {
        if (!task.succeeded()) {
            // Offline is a normal state here: the status bar shows it.
            qCInfo(lcUiSession) << "server check failed:" << task.error().code;
            handleCertificateFailure(task.error(), [this] { checkServer(); });
            return;
        }
        setServerDemoSignatures(
            task.result().toObject().value(QStringLiteral("demo_signatures")).toBool());
        updateScannerState();
    });
}

bool SessionController::handleCertificateFailure(const Error& error, std::function<void()> retry)
{
    if (error.code != QLatin1String(errc::kTls))
        return false;
    // certificateUntrusted() normally came first, and the message carries the fingerprint too.
    if (m_untrustedFingerprint.isEmpty())
        setUntrustedFingerprint(DisplayFormat::findFingerprint(error.message));
    if (m_untrustedFingerprint.isEmpty())
        return false;
    if (retry)
        m_retryAfterTrust = std::move(retry);
    setStatus(tr("Waiting for you to check the server's certificate"));
    return true;
}

void SessionController::trustCertificate()
{
    if (m_untrustedFingerprint.isEmpty())
        return;
    qCInfo(lcUiSession) << "the user trusted the server certificate";
    session()->trustFingerprint(m_untrustedFingerprint);
    setUntrustedFingerprint({});
    setStatus({});
    const std::function<void()> retry = std::exchange(m_retryAfterTrust, {});
    if (retry)
        retry();
    emit certificateTrusted();
}

void SessionController::rejectCertificate()
{
    if (m_untrustedFingerprint.isEmpty())
        return;
    qCInfo(lcUiSession) << "the user did not trust the server certificate";
    setUntrustedFingerprint({});
    m_retryAfterTrust = {};
    setStatus({});
    setErrorString(tr("ChartInsight did not connect, because you did not trust the server's "
                      "certificate. Ask your administrator for the correct fingerprint or CA "
                      "file."));
}

void SessionController::clearError()
{
    setErrorString({});
}

void SessionController::updateScannerState()
{
    const bool demo =
        m_serverDemoSignatures || (m_session && m_session->localScannerUsesDemoSignatures());
    if (demo == m_demoSignatures)
        return;
    m_demoSignatures = demo;
    if (demo)
        qCWarning(lcUiSession) << "demo signatures in use: real malware is not detected";
    emit demoSignaturesChanged();
}

void SessionController::setSignedIn(bool signedIn)
{
    if (signedIn == m_signedIn)
        return;
    m_signedIn = signedIn;
    if (!signedIn) {
        // The local password check belongs to the session, so the next sign-in stores a new one.
        unlockVerifier()->remove(serverUrl(), [](Result<void> removed) {
            if (!removed)
                qCWarning(lcUiSession)
                    << "could not remove the local password check:" << removed.error().code;
        });
    }
    emit signedInChanged();
}

void SessionController::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void SessionController::setStatus(const QString& status)
{
    if (status == m_status)
        return;
    m_status = status;
    emit statusChanged();
}

void SessionController::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

void SessionController::setUntrustedFingerprint(const QString& fingerprint)
{
    if (fingerprint == m_untrustedFingerprint)
        return;
    m_untrustedFingerprint = fingerprint;
    emit untrustedFingerprintChanged();
    if (!fingerprint.isEmpty())
        emit certificateUntrusted(fingerprint);
}

void SessionController::setServerDemoSignatures(bool demo)
{
    m_serverDemoSignatures = demo;
    updateScannerState();
}

} // namespace chartinsight::ui
