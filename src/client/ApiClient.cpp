#include "ApiClient.h"

#include "ClientLogging.h"
#include "core/ErrorCodes.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSslCertificate>

namespace chartinsight::client {
namespace {

// Maximum size of a JSON response, in bytes. At about 300 bytes per record (an estimate), a
// record list of this size has about 100,000 rows.
constexpr qint64 kMaxJsonBytes = 32LL * 1024 * 1024;
// Maximum length of an error message taken from the server, in characters.
constexpr int kMaxServerMessageChars = 1000;

const char kFingerprintProperty[] = "chartinsightPeerFingerprint";
const char kSslErrorsProperty[] = "chartinsightSslErrors";
const char kAbortedProperty[] = "chartinsightAbortedByCaller";
const char kErrorDetailsProperty[] = "chartinsightErrorDetails";

// The errors a self-signed or privately issued certificate raises. A pinned fingerprint
// vouches for exactly that certificate, so only these are ignored for it; an expired, revoked
// or otherwise broken certificate still fails.
const QList<QSslError::SslError> kErrorsExcusedByPin = {
    QSslError::SelfSignedCertificate,          QSslError::SelfSignedCertificateInChain,
    QSslError::CertificateUntrusted,           QSslError::UnableToGetLocalIssuerCertificate,
    QSslError::UnableToVerifyFirstCertificate, QSslError::HostNameMismatch,
};

// Removes control characters, so that a message from the network cannot forge lines or
// terminal escapes in the CLI's output.
QString cleanServerText(const QString& text)
{
    QString cleaned;
    cleaned.reserve(std::min<qsizetype>(text.size(), kMaxServerMessageChars));
    for (const QChar c : text) {
        if (cleaned.size() >= kMaxServerMessageChars)
            break;
        const char16_t u = c.unicode();
        const bool control = u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0) || u == 0x2028 ||
                             u == 0x2029 || (u >= 0x202a && u <= 0x202e) ||
                             (u >= 0x2066 && u <= 0x2069);
        cleaned += control ? QChar(u' ') : c;
    }
    return cleaned;
}

QString describeNetworkError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused");
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("the server closed the connection");
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("host name not found");
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return QStringLiteral("no data for %1 seconds").arg(kIdleTimeoutMs / 1000);
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
        return QStringLiteral("the network is down");
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::ProxyAuthenticationRequiredError:
        return QStringLiteral("the proxy failed");
    default:
        return QStringLiteral("network error %1").arg(int(error));
    }
}

// Returns the Retry-After header in seconds, or -1 when it is missing or not a number of
// seconds (the HTTP-date form is not used by the ChartInsight server).
int retryAfterSeconds(const QNetworkReply* reply)
{
    bool numeric = false;
    const int seconds = reply->rawHeader("Retry-After").trimmed().toInt(&numeric);
    return numeric && seconds >= 0 ? seconds : -1;
}

QString lockedMessage(const QDateTime& unlockAt, int retryAfter)
{
    QString message = QStringLiteral("The account is locked after too many failed sign-ins.");
    if (unlockAt.isValid()) {
        message += QStringLiteral(" It unlocks at %1 (local time).")
                       .arg(unlockAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    } else if (retryAfter >= 0) {
        message += QStringLiteral(" It unlocks in %1 seconds.").arg(retryAfter);
    }
    return message + QStringLiteral(" Try again then, or ask an administrator to unlock it.");
}

} // namespace

Result<QUrl> parseServerUrl(const QString& text)
{
    const QString trimmed = text.trimmed();
    const QString shown = withoutUserInfo(trimmed);
    if (shown != trimmed) {
        // The user name and password are not repeated, so they stay out of terminals and logs.
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The server URL '%1' (user name and password left out "
                                        "here) contains a user name or password, which "
                                        "ChartInsight never sends. Use https://HOST:PORT without "
                                        "the part before '@', and sign in with the login command "
                                        "instead.")
                             .arg(cleanServerText(shown)));
    }
    QUrl url(trimmed, QUrl::StrictMode);
    const bool valid = url.isValid() && url.scheme() == QLatin1String("https") &&
                       !url.host().isEmpty() && url.userInfo().isEmpty() && !url.hasQuery() &&
                       !url.hasFragment() &&
                       (url.path().isEmpty() || url.path() == QLatin1String("/"));
    if (!valid) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The server URL '%1' is not valid: use https://HOST:PORT "
                                        "without a path, for example https://127.0.0.1:8443.")
                             .arg(cleanServerText(text)));
    }
    url.setPath(QString());
    return url;
}

QString withoutUserInfo(const QString& text)
{
    const qsizetype scheme = text.indexOf(QLatin1String("://"));
    const qsizetype authorityStart = scheme < 0 ? 0 : scheme + 3;
    qsizetype authorityEnd = text.size();
    for (const QChar end : {u'/', u'?', u'#'}) {
        const qsizetype found = text.indexOf(end, authorityStart);
        if (found >= 0)
            authorityEnd = std::min(authorityEnd, found);
    }
    if (authorityEnd <= authorityStart)
        return text;
    const qsizetype at = text.lastIndexOf(u'@', authorityEnd - 1);
    if (at < authorityStart)
        return text;
    return text.left(authorityStart) + text.mid(at + 1);
}

QString withSignInHint(const QString& message)
{
    if (message.contains(QLatin1String("sign in again"), Qt::CaseInsensitive))
        return message;
    QString hinted = message.trimmed();
    if (!hinted.isEmpty() && !hinted.endsWith(u'.'))
        hinted += u'.';
    if (!hinted.isEmpty())
        hinted += u' ';
    return hinted + QStringLiteral("Sign in again.");
}

QString normalizeFingerprint(const QString& text)
{
    QString hex = text.trimmed().toUpper();
    hex.remove(u':');
    static const QRegularExpression hex64(QStringLiteral("^[0-9A-F]{64}$"));
    if (!hex64.match(hex).hasMatch())
        return {};
    QString canonical;
    for (int i = 0; i < hex.size(); i += 2) {
        if (i > 0)
            canonical += u':';
        canonical += hex.mid(i, 2);
    }
    return canonical;
}

ApiClient::ApiClient(QUrl serverUrl, QObject* parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this)),
      m_serverUrl(std::move(serverUrl)),
      m_sslConfiguration(QSslConfiguration::defaultConfiguration())
{
    m_sslConfiguration.setProtocol(QSsl::TlsV1_3OrLater);
    m_sslConfiguration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

ApiClient::~ApiClient() = default;

Result<void> ApiClient::setCaFile(const QString& path)
{
    const QList<QSslCertificate> certificates =
        QSslCertificate::fromPath(path, QSsl::Pem, QSslCertificate::PatternSyntax::FixedString);
    if (certificates.isEmpty()) {
        return makeError(QString::fromLatin1(errc::kTls),
                         QStringLiteral("The CA file %1 is missing, unreadable or contains no PEM "
                                        "certificate. Pass the server's certificate (the "
                                        "server's <data dir>/tls/server.crt) or its CA's.")
                             .arg(path));
    }
    m_sslConfiguration.setCaCertificates(certificates);
    m_caFile = path;
    return {};
}

void ApiClient::setPinnedFingerprints(const QStringList& fingerprints)
{
    m_pinnedFingerprints.clear();
    for (const QString& fingerprint : fingerprints)
        addPinnedFingerprint(fingerprint);
}

void ApiClient::addPinnedFingerprint(const QString& fingerprint)
{
    const QString canonical = normalizeFingerprint(fingerprint);
    if (canonical.isEmpty()) {
        qCWarning(lcApi) << "ignoring a pinned fingerprint that is not a SHA-256 fingerprint";
        return;
    }
    if (!m_pinnedFingerprints.contains(canonical))
        m_pinnedFingerprints.append(canonical);
}

QNetworkRequest ApiClient::makeRequest(const QString& path, const QString& encodedQuery,
                                       int timeoutMs, Auth auth) const
{
    QUrl url = m_serverUrl;
    url.setPath(path);
    if (!encodedQuery.isEmpty())
        url.setQuery(encodedQuery, QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setSslConfiguration(m_sslConfiguration);
    request.setTransferTimeout(timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("ChartInsight-Client/0.1"));
    if (auth == Auth::Bearer && !m_accessToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_accessToken.toUtf8());
    return request;
}

QNetworkReply* ApiClient::get(const QString& path, Auth auth)
{
    return watch(m_network->get(makeRequest(path, {}, kIdleTimeoutMs, auth)), "GET");
}

QNetworkReply* ApiClient::getWithQuery(const QString& path, const QString& encodedQuery)
{
    return watch(m_network->get(makeRequest(path, encodedQuery, kIdleTimeoutMs, Auth::Bearer)),
                 "GET");
}

QNetworkReply* ApiClient::getWithHeader(const QString& path, const QByteArray& name,
                                        const QByteArray& value)
{
    QNetworkRequest request = makeRequest(path, {}, kIdleTimeoutMs, Auth::Bearer);
    request.setRawHeader(name, value);
    return watch(m_network->get(request), "GET");
}

QNetworkReply* ApiClient::postJson(const QString& path, const QJsonObject& body, Auth auth)
{
    QNetworkRequest request = makeRequest(path, {}, kIdleTimeoutMs, auth);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    return watch(m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact)),
                 "POST");
}

QNetworkReply* ApiClient::deleteResource(const QString& path, Auth auth)
{
    return watch(m_network->deleteResource(makeRequest(path, {}, kIdleTimeoutMs, auth)), "DELETE");
}

QNetworkReply* ApiClient::sendJson(const char* method, const QString& path, const QJsonObject& body)
{
    QNetworkRequest request = makeRequest(path, {}, kIdleTimeoutMs, Auth::Bearer);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    return watch(m_network->sendCustomRequest(request, QByteArray(method),
                                              QJsonDocument(body).toJson(QJsonDocument::Compact)),
                 method);
}

QNetworkReply* ApiClient::postStream(const QString& path, const QString& encodedQuery,
                                     QIODevice* body, qint64 size, int timeoutMs)
{
    QNetworkRequest request = makeRequest(path, encodedQuery, timeoutMs, Auth::Bearer);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QStringLiteral("application/octet-stream"));
    request.setHeader(QNetworkRequest::ContentLengthHeader, size);
    return watch(m_network->post(request, body), "POST");
}

QNetworkReply* ApiClient::watch(QNetworkReply* reply, const char* method)
{
    connect(reply, &QNetworkReply::sslErrors, this,
            [this, reply](const QList<QSslError>& errors) { handleSslErrors(reply, errors); });
    QElapsedTimer timer;
    timer.start();
    const QString path = reply->url().path();
    qCDebug(lcApi) << "request" << method << path;
    connect(reply, &QNetworkReply::finished, this, [reply, method, path, timer] {
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (status.isValid()) {
            qCInfo(lcApi).noquote()
                << method << path << "->" << status.toInt() << "in" << timer.elapsed() << "ms";
        } else {
            qCInfo(lcApi).noquote() << method << path << "-> no response, network error"
                                    << int(reply->error()) << "after" << timer.elapsed() << "ms";
        }
    });
    return reply;
}

void ApiClient::handleSslErrors(QNetworkReply* reply, const QList<QSslError>& errors)
{
    QSslCertificate peer = reply->sslConfiguration().peerCertificate();
    if (peer.isNull() && !errors.isEmpty())
        peer = errors.first().certificate();
    const QString fingerprint =
        QString::fromLatin1(peer.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
    QStringList descriptions;
    for (const QSslError& error : errors)
        descriptions.append(error.errorString());
    reply->setProperty(kFingerprintProperty, fingerprint);
    reply->setProperty(kSslErrorsProperty, descriptions.join(QStringLiteral("; ")));

    // With a CA file, verification is the CA's alone and a pin never overrides it.
    if (!m_caFile.isEmpty() || peer.isNull() || !m_pinnedFingerprints.contains(fingerprint)) {
        qCWarning(lcApi).noquote()
            << "untrusted server certificate, SHA-256 fingerprint" << fingerprint;
        return;
    }
    for (const QSslError& error : errors) {
        const bool sameCertificate = error.certificate().isNull() || error.certificate() == peer;
        if (!sameCertificate || !kErrorsExcusedByPin.contains(error.error())) {
            qCWarning(lcApi) << "pinned certificate rejected because of TLS error"
                             << int(error.error());
            return;
        }
    }
    qCDebug(lcApi) << "accepting the pinned server certificate";
    reply->ignoreSslErrors(errors);
}

QJsonObject ApiClient::errorDetails(const QNetworkReply* reply)
{
    return reply->property(kErrorDetailsProperty).toJsonObject();
}

void ApiClient::markAbortedByCaller(QNetworkReply* reply)
{
    reply->setProperty(kAbortedProperty, true);
}

void ApiClient::setReachable(bool reachable)
{
    if (m_reachable == reachable)
        return;
    m_reachable = reachable;
    emit reachabilityChanged(reachable);
}

Result<int> ApiClient::checkReply(QNetworkReply* reply)
{
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int status = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    if (status >= 400) {
        setReachable(true);
        return httpError(reply, status);
    }
    if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
        setReachable(true);
        return status;
    }
    if (reply->error() == QNetworkReply::NoError) {
        setReachable(true);
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("The server sent an unexpected HTTP status %1 for %2.")
                             .arg(status)
                             .arg(reply->url().path()));
    }
    if (reply->error() == QNetworkReply::SslHandshakeFailedError) {
        setReachable(false);
        const QString fingerprint = reply->property(kFingerprintProperty).toString();
        // Only without a CA file can the user resolve this by trusting the fingerprint.
        if (m_caFile.isEmpty() && !fingerprint.isEmpty())
            emit certificateUntrusted(fingerprint);
        return tlsError(reply);
    }
    setReachable(false);
    return transportError(reply);
}

Result<QJsonObject> ApiClient::readJsonReply(QNetworkReply* reply)
{
    auto status = checkReply(reply);
    if (!status)
        return status.error();
    if (*status == 204)
        return QJsonObject{};
    if (reply->bytesAvailable() > kMaxJsonBytes) {
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("The server's response for %1 is larger than %2 MiB, the "
                                        "limit for JSON responses.")
                             .arg(reply->url().path())
                             .arg(kMaxJsonBytes / (1024 * 1024)));
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(reply->readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("The server's response for %1 is not a JSON object. Check "
                                        "that the server URL points to a ChartInsight server.")
                             .arg(reply->url().path()));
    }
    return document.object();
}

Error ApiClient::transportError(QNetworkReply* reply) const
{
    const QString server = m_serverUrl.toString();
    if (reply->property(kAbortedProperty).toBool()) {
        return makeError(QString::fromLatin1(errc::kNetwork),
                         QStringLiteral("The request to %1 was cancelled.").arg(server));
    }
    return makeError(QString::fromLatin1(errc::kNetwork),
                     QStringLiteral("Could not reach the server at %1 (%2). Check that the server "
                                    "runs and the address is right; records in the offline cache "
                                    "are still available.")
                         .arg(server, describeNetworkError(reply->error())));
}

Error ApiClient::tlsError(QNetworkReply* reply) const
{
    const QString server = m_serverUrl.toString();
    const QString fingerprint = reply->property(kFingerprintProperty).toString();
    const QString reasons = reply->property(kSslErrorsProperty).toString();
    if (fingerprint.isEmpty()) {
        return makeError(QString::fromLatin1(errc::kTls),
                         QStringLiteral("The TLS handshake with %1 failed (%2). The server must "
                                        "support TLS 1.3.")
                             .arg(server, cleanServerText(reply->errorString())));
    }
    if (!m_caFile.isEmpty()) {
        return makeError(QString::fromLatin1(errc::kTls),
                         QStringLiteral("The certificate of %1 (SHA-256 fingerprint %2) does not "
                                        "verify against the CA file %3: %4. Check that the CA "
                                        "file belongs to this server.")
                             .arg(server, fingerprint, m_caFile, reasons));
    }
    return makeError(QString::fromLatin1(errc::kTls),
                     QStringLiteral("The certificate of %1 is not trusted (SHA-256 fingerprint "
                                    "%2): %3. If this fingerprint matches the one the server "
                                    "printed at start, trust it by passing the server's "
                                    "certificate with --ca-file (its <data dir>/tls/server.crt) "
                                    "or by accepting the fingerprint in the desktop app.")
                         .arg(server, fingerprint, reasons));
}

Error ApiClient::httpError(QNetworkReply* reply, int status)
{
    QString code;
    QString message;
    const QByteArray body = reply->read(kMaxJsonBytes);
    const QJsonObject error =
        QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    static const QRegularExpression codePattern(QStringLiteral("^[a-z][a-z0-9_]{0,63}$"));
    const QString sentCode = error.value(QStringLiteral("code")).toString();
    if (codePattern.match(sentCode).hasMatch()) {
        code = sentCode;
        message = cleanServerText(error.value(QStringLiteral("message")).toString());
    }

    if (code.isEmpty()) {
        switch (status) {
        case 401:
            code = QString::fromLatin1(errc::kUnauthorized);
            break;
        case 404:
            code = QString::fromLatin1(errc::kNotFound);
            break;
        case 413:
            code = QString::fromLatin1(errc::kPayloadTooLarge);
            break;
        case 503:
            code = QString::fromLatin1(errc::kServerBusy);
            break;
        default:
            code = QString::fromLatin1(errc::kInternal);
            break;
        }
    }
    if (message.isEmpty())
        message = QStringLiteral("The server responded with HTTP %1 for %2.")
                      .arg(status)
                      .arg(reply->url().path());
    QJsonObject details;
    const int retryAfter = retryAfterSeconds(reply);
    if (retryAfter >= 0)
        details.insert(QStringLiteral("retry_after"), retryAfter);
    if (code == QLatin1String(autherr::kAccountLocked)) {
        const QString sentUnlockAt = error.value(QStringLiteral("unlock_at")).toString();
        const QDateTime unlockAt = QDateTime::fromString(sentUnlockAt, Qt::ISODateWithMs);
        if (unlockAt.isValid())
            details.insert(QStringLiteral("unlock_at"), unlockAt.toUTC().toString(Qt::ISODate));
        message = lockedMessage(unlockAt, retryAfter);
    } else if (status == 429) {
        message = retryAfter >= 0
                      ? QStringLiteral("Too many attempts. Wait %1 seconds, then try again.")
                            .arg(retryAfter)
                      : QStringLiteral("Too many attempts. Wait a minute, then try again.");
    } else if (status == 503 && retryAfter > 0) {
        message += QStringLiteral(" Try again in %1 seconds.").arg(retryAfter);
    }
    if (error.value(QStringLiteral("attempts_left")).isDouble()) {
        const int attemptsLeft = error.value(QStringLiteral("attempts_left")).toInt();
        details.insert(QStringLiteral("attempts_left"), attemptsLeft);
        if (!message.contains(QString::number(attemptsLeft)))
            message += QStringLiteral(" Attempts left: %1.").arg(attemptsLeft);
    }
    reply->setProperty(kErrorDetailsProperty, details);

    const bool sessionOver = code == QLatin1String(errc::kUnauthorized) ||
                             code == QLatin1String(autherr::kSessionRevoked);
    if (status == 401 && sessionOver && reply->request().hasRawHeader("Authorization")) {
        message = withSignInHint(message);
        emit accessTokenRejected();
    }
    qCWarning(lcApi).noquote() << "request" << reply->url().path() << "failed with HTTP" << status
                               << code;
    return makeError(code, message);
}

} // namespace chartinsight::client
