#pragma once

#include "client/ClientSession.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <functional>

namespace chartinsight::ui {

class UnlockVerifier;

// Sign-in state of the desktop app, built on the client library's ClientSession: restoring a
// saved sign-in, signing in and out, the server's certificate trust, the online state and
// whether demo signatures are in use. The other view models reach the ClientSession through
// it. It never opens a dialog: it emits certificateUntrusted(), and QML shows the question.
class SessionController : public QObject
{
    Q_OBJECT
    QML_ELEMENT

    // Connection used by the next sign-in; changing it while signed out starts a new session.
    Q_PROPERTY(QString serverUrl READ serverUrl WRITE setServerUrl NOTIFY serverUrlChanged)
    Q_PROPERTY(QString caFile READ caFile WRITE setCaFile NOTIFY connectionChanged)
    Q_PROPERTY(
        QString signatureDir READ signatureDir WRITE setSignatureDir NOTIFY connectionChanged)
    Q_PROPERTY(QString profileDir READ profileDir WRITE setProfileDir NOTIFY connectionChanged)

    Q_PROPERTY(bool signedIn READ isSignedIn NOTIFY signedInChanged)
    Q_PROPERTY(bool online READ isOnline NOTIFY onlineChanged)
    Q_PROPERTY(bool demoSignatures READ usesDemoSignatures NOTIFY demoSignaturesChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    // A sign-in waits for the 6-digit code the server e-mailed (the MFA page shows).
    Q_PROPERTY(bool mfaPending READ isMfaPending NOTIFY mfaPendingChanged)
    // Local time at which a locked account unlocks, "yyyy-MM-dd HH:mm"; empty when not locked.
    Q_PROPERTY(QString lockedUntil READ lockedUntil NOTIFY lockedUntilChanged)
    // Fingerprint waiting for the user's decision, as the server prints it; empty when none.
    Q_PROPERTY(
        QString untrustedFingerprint READ untrustedFingerprint NOTIFY untrustedFingerprintChanged)
    // The same fingerprint in four lines of eight pairs, for a monospace label.
    Q_PROPERTY(QString untrustedFingerprintText READ untrustedFingerprintText NOTIFY
                   untrustedFingerprintChanged)

public:
    explicit SessionController(QObject* parent = nullptr);
    ~SessionController() override;

    QString serverUrl() const { return m_settings.serverUrl.toString(); }
    void setServerUrl(const QString& serverUrl);
    // The CA file that verifies the current server: the one set for this server URL, else the
    // one the profile keeps for it. It never carries over when the server URL changes.
    QString caFile() const;
    // Sets the CA file of the current server URL only.
    void setCaFile(const QString& caFile);
    QString signatureDir() const { return m_settings.signatureDir; }
    void setSignatureDir(const QString& signatureDir);
    QString profileDir() const { return m_settings.profileDir; }
    void setProfileDir(const QString& profileDir);

    bool isSignedIn() const { return m_signedIn; }
    bool isOnline() const;
    bool usesDemoSignatures() const { return m_demoSignatures; }
    bool isBusy() const { return m_busy; }
    QString status() const { return m_status; }
    QString errorString() const { return m_errorString; }
    QString untrustedFingerprint() const { return m_untrustedFingerprint; }
    bool isMfaPending() const { return m_mfaPending; }
    QString lockedUntil() const { return m_lockedUntil; }
    QString untrustedFingerprintText() const;

    // The session for the current connection settings, created on first use.
    client::ClientSession* session();

    // Signs in without a password when the keychain contains a token for this server.
    Q_INVOKABLE void restoreSession();
    // Checks the server (and its certificate), then signs in. `serverUrl` may omit "https://".
    Q_INVOKABLE void signIn(const QString& serverAddress, const QString& email,
                            const QString& password);
    Q_INVOKABLE void signOut();
    // Signs out, then shows `message` as the error, for a sign-out the app decided on.
    void signOutWithMessage(const QString& message);
    // Ends every session of the user on the server, this one included, then signs out here.
    Q_INVOKABLE void signOutEverywhere();
    // Completes a sign-in that waits for its e-mailed code. A wrong code leaves the MFA page
    // up with the attempts left; "mfa_failed" returns to the sign-in page.
    Q_INVOKABLE void verifyMfa(const QString& code);
    // Asks the server for a new code. Emits resendAvailableIn with the wait before the next.
    Q_INVOKABLE void resendMfa();
    // Abandons a sign-in that waits for its code.
    Q_INVOKABLE void cancelMfa();
    // Reads /health again: whether the server is reachable and uses demo signatures.
    Q_INVOKABLE void checkServer();
    // Trusts untrustedFingerprint for this server and repeats the request that needed it.
    Q_INVOKABLE void trustCertificate();
    // Leaves the certificate untrusted and abandons the request that needed it.
    Q_INVOKABLE void rejectCertificate();
    Q_INVOKABLE void clearError();
    // Re-reads whether the local pre-scan uses demo signatures, after an upload loaded it.
    Q_INVOKABLE void updateScannerState();

    // Parses a server address that a person typed. "host:port" gets "https://". Anything other
    // than https with a host, and without a path, query or user name, is rejected.
    static Result<QUrl> parseServerUrl(const QString& text);

    // The device name sent at sign-in, which the session lists show: "chartinsight on HOST".
    static QString deviceName();

    // Stores the local check of `password` for the idle lock (see UnlockVerifier), after the
    // server accepted it. Emits unlockVerifierStored.
    void storeUnlockVerifier(const QString& password);

    // Records a failed request: when it failed on the certificate, keeps `retry` for after
    // the user trusts it and returns true.
    bool handleCertificateFailure(const Error& error, std::function<void()> retry);

signals:
    void serverUrlChanged();
    void connectionChanged();
    void signedInChanged();
    void onlineChanged();
    void demoSignaturesChanged();
    void busyChanged();
    void statusChanged();
    void errorStringChanged();
    void untrustedFingerprintChanged();
    void mfaPendingChanged();
    void lockedUntilChanged();
    // Seconds until the server accepts another resend, for the countdown of the Resend button.
    void resendAvailableIn(int seconds);
    // The server's certificate is not trusted yet, so QML shows the fingerprint to the user.
    void certificateUntrusted(const QString& fingerprint);
    // The user trusted a certificate; views whose last request failed on it may reload.
    void certificateTrusted();
    // A new ClientSession replaced the previous one (the connection settings changed).
    void sessionReplaced();
    // The local check of the password for the idle lock was stored, or could not be.
    void unlockVerifierStored(bool stored);

private:
    void replaceSession();
    void signInChecked(const QString& email, const QString& password);
    void endSession(bool everywhere);
    void setSignedIn(bool signedIn);
    void setBusy(bool busy);
    void setStatus(const QString& status);
    void setErrorString(const QString& errorString);
    void setUntrustedFingerprint(const QString& fingerprint);
    void setServerDemoSignatures(bool demo);
    void setMfaPending(bool pending);
    void setLockedUntil(const QString& lockedUntil);
    void finishSignIn(const client::ClientTask& task);
    UnlockVerifier* unlockVerifier();

    client::ConnectionSettings m_settings;
    QUrl m_caFileServerUrl; // the server URL that setCaFile's file belongs to
    QString m_caFileForServer;
    QPointer<client::ClientSession> m_session;
    std::function<void()> m_retryAfterTrust;
    QString m_status;
    QString m_errorString;
    QString m_untrustedFingerprint;
    QString m_lockedUntil;
    // Error shown once the sign-out in progress has finished.
    QString m_signOutMessage;
    UnlockVerifier* m_unlockVerifier = nullptr;
    bool m_mfaPending = false;
    bool m_signedIn = false;
    bool m_busy = false;
    bool m_signingOut = false;
    bool m_serverDemoSignatures = false;
    bool m_demoSignatures = false;
};

} // namespace chartinsight::ui
