#pragma once

#include "core/Result.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QSslError>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

class QIODevice;
class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace chartinsight::client {

// Error codes of the authentication API that the client branches on. The server defines them,
// so they keep the server's spelling.
namespace autherr {
inline constexpr char kTokenExpired[] = "token_expired";
inline constexpr char kSessionRevoked[] = "session_revoked";
inline constexpr char kAccountLocked[] = "account_locked";
inline constexpr char kRateLimited[] = "rate_limited";
inline constexpr char kInvalidCode[] = "invalid_code";
inline constexpr char kCodeExpired[] = "code_expired";
inline constexpr char kMfaFailed[] = "mfa_failed";
inline constexpr char kResetLinkInvalid[] = "reset_link_invalid";
} // namespace autherr

// Idle timeout of every request: a transfer is aborted when no bytes move for this long.
inline constexpr int kIdleTimeoutMs = 30 * 1000;

// Returns `text` as a canonical server URL ("https://host:port", no path, query or user
// info), or an "invalid_request" error that names the value.
Result<QUrl> parseServerUrl(const QString& text);

// Returns a URL text without the "user:password@" part of its authority, if it has one, so
// that an error message can show the URL without the password.
QString withoutUserInfo(const QString& text);

// Returns `message` with " Sign in again." appended, unless it already tells the user to sign
// in again (the server's messages for an ended session often do).
QString withSignInHint(const QString& message);

// Returns a certificate fingerprint in the canonical form "AB:CD:..." (32 upper-case hex pairs
// separated by ':'). Lower case and missing colons are accepted. Returns an empty string when
// `text` is not a SHA-256 fingerprint.
QString normalizeFingerprint(const QString& text);

// HTTPS access to one ChartInsight server over QNetworkAccessManager, TLS 1.3 only.
//
// Trust: with a CA file, its certificates are the only trusted roots and normal verification
// applies (the host name included). Without one, the system roots apply, and a certificate
// whose SHA-256 fingerprint is pinned is accepted despite the errors a self-signed certificate
// raises. Any other certificate fails the request with "tls_error", and the message names its
// fingerprint.
//
// Requests never follow redirects, so the bearer token is only ever sent to the server URL.
// Log lines carry the method, the path without query and the status, never headers or bodies.
class ApiClient : public QObject
{
    Q_OBJECT
public:
    ApiClient(QUrl serverUrl, QObject* parent = nullptr);
    ~ApiClient() override;

    QUrl serverUrl() const { return m_serverUrl; }

    // Loads the PEM certificates of `path` as the only trusted roots.
    Result<void> setCaFile(const QString& path);
    void setPinnedFingerprints(const QStringList& fingerprints);
    void addPinnedFingerprint(const QString& fingerprint);

    void setAccessToken(const QString& token) { m_accessToken = token; }
    bool hasAccessToken() const { return !m_accessToken.isEmpty(); }

    // Whether a request carries the access token. Sign-in and the health check never do, so
    // that a stale token cannot make their responses look like a rejected session.
    enum class Auth
    {
        Bearer,
        None
    };

    // Starts a request. The reply belongs to the caller, who passes it to checkReply or
    // readJsonReply once it has finished and then deletes it (deleteLater).
    QNetworkReply* get(const QString& path, Auth auth = Auth::Bearer);
    // GET with one extra request header, such as X-ChartInsight-Purpose. The log line shows the
    // method and path only, never headers.
    QNetworkReply* getWithHeader(const QString& path, const QByteArray& name,
                                 const QByteArray& value);
    // GET with a query string that is already percent-encoded. The log line shows the path
    // only, never the query.
    QNetworkReply* getWithQuery(const QString& path, const QString& encodedQuery);
    QNetworkReply* postJson(const QString& path, const QJsonObject& body, Auth auth = Auth::Bearer);
    QNetworkReply* deleteResource(const QString& path, Auth auth = Auth::Bearer);
    // Sends `body` as JSON with another method that carries a body ("PUT" or "PATCH").
    // `method` must be a string literal, because the reply's log line keeps the pointer.
    QNetworkReply* sendJson(const char* method, const QString& path, const QJsonObject& body);
    // Streams `body` (open, `size` bytes) as application/octet-stream. `encodedQuery` is
    // already percent-encoded. `timeoutMs` is the idle timeout: after the last byte the server
    // scans the file before it responds.
    QNetworkReply* postStream(const QString& path, const QString& encodedQuery, QIODevice* body,
                              qint64 size, int timeoutMs);

    // Returns the HTTP status (2xx) of a finished reply, or the error it maps to: "tls_error",
    // "network_error", or the server's own error code and message for HTTP errors.
    Result<int> checkReply(QNetworkReply* reply);
    // checkReply, then the body parsed as a JSON object. A 204 (No Content) reply returns an
    // empty object.
    Result<QJsonObject> readJsonReply(QNetworkReply* reply);

    // Returns the details of a failed reply that checkReply saw: "unlock_at", "retry_after"
    // and "attempts_left" when the server sent them (see ClientTask::errorDetails).
    static QJsonObject errorDetails(const QNetworkReply* reply);

    // Marks a reply the caller aborted on purpose, so checkReply does not call it a timeout.
    static void markAbortedByCaller(QNetworkReply* reply);

signals:
    // Whether the last finished request reached the server.
    void reachabilityChanged(bool reachable);
    void certificateUntrusted(const QString& fingerprint);
    // The server responded with 401 "unauthorized" or "session_revoked" to a request that
    // carried the access token, so the session is over. An expired token ("token_expired")
    // does not emit this, because the client refreshes it.
    void accessTokenRejected();

private:
    QNetworkRequest makeRequest(const QString& path, const QString& encodedQuery, int timeoutMs,
                                Auth auth) const;
    QNetworkReply* watch(QNetworkReply* reply, const char* method);
    void handleSslErrors(QNetworkReply* reply, const QList<QSslError>& errors);
    Error transportError(QNetworkReply* reply) const;
    Error tlsError(QNetworkReply* reply) const;
    Error httpError(QNetworkReply* reply, int status);
    void setReachable(bool reachable);

    QNetworkAccessManager* m_network;
    QUrl m_serverUrl;
    QSslConfiguration m_sslConfiguration;
    QString m_caFile;
    QStringList m_pinnedFingerprints;
    QString m_accessToken;
    std::optional<bool> m_reachable;
};

} // namespace chartinsight::client
