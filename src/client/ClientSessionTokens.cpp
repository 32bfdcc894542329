// ClientSession: access and refresh tokens, their keychain entry, the refresh on
// "token_expired", and the e-mail code step of a sign-in.

#include "ApiClient.h"
#include "ClientLogging.h"
#include "ClientSessionImpl.h"
#include "SecretStore.h"
#include "core/ErrorCodes.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QRegularExpression>

namespace chartinsight::client {
namespace {

// Number of digits of an e-mailed sign-in code.
constexpr int kMfaCodeDigits = 6;

bool isValidToken(const QString& token)
{
    static const QRegularExpression pattern(QStringLiteral("^[!-~]+$"));
    return token.size() <= kMaxTokenChars && pattern.match(token).hasMatch();
}

Error invalidTokenResponse()
{
    return makeError(QString::fromLatin1(errc::kInternal),
                     QStringLiteral("The server's sign-in response has no valid access_token, "
                                    "refresh_token or user_id."));
}

} // namespace

void ClientSession::Impl::loadStoredTokens(const QString& stored)
{
    const QJsonDocument document = QJsonDocument::fromJson(stored.toUtf8());
    if (!document.isObject()) {
        api->setAccessToken(stored);
        refreshToken.clear();
        accessExpiresAt = QDateTime();
        return;
    }
    const QJsonObject tokens = document.object();
    api->setAccessToken(tokens.value(QStringLiteral("access_token")).toString());
    refreshToken = tokens.value(QStringLiteral("refresh_token")).toString();
    accessExpiresAt =
        QDateTime::fromString(tokens.value(QStringLiteral("expires_at")).toString(), Qt::ISODate);
}

void ClientSession::Impl::acceptTokens(ClientTask* task, const QJsonObject& body,
                                       std::function<void(Result<QString>)> then)
{
    const QString access = body.value(QStringLiteral("access_token")).toString();
    const QString refresh = body.value(QStringLiteral("refresh_token")).toString();
    const QString sentUserId = body.value(QStringLiteral("user_id")).toString();
    // A refresh response carries no user id; the session keeps the one it has.
    const QString newUserId = sentUserId.isEmpty() ? userId : sentUserId;
    const qint64 expiresIn = body.value(QStringLiteral("expires_in")).toInteger(-1);
    // A server without refresh tokens (version 0.1) still signs in; its session then ends at
    // the first "token_expired".
    if (!isValidToken(access) || (!refresh.isEmpty() && !isValidToken(refresh)) ||
        newUserId.isEmpty()) {
        then(invalidTokenResponse());
        return;
    }
    const QDateTime expiresAt =
        expiresIn > 0 ? QDateTime::currentDateTimeUtc().addSecs(expiresIn) : QDateTime();
    QJsonObject stored{{QStringLiteral("access_token"), access}};
    if (!refresh.isEmpty())
        stored.insert(QStringLiteral("refresh_token"), refresh);
    if (expiresAt.isValid())
        stored.insert(QStringLiteral("expires_at"), expiresAt.toString(Qt::ISODate));
    const QString text = QString::fromUtf8(QJsonDocument(stored).toJson(QJsonDocument::Compact));

    QObject* context = task ? static_cast<QObject*>(task) : static_cast<QObject*>(q);
    secrets->write(sessionEntryName(server), text, context,
                   [this, access, refresh, expiresAt, newUserId, then](Result<void> written) {
                       if (!written) {
                           then(written.error());
                           return;
                       }
                       if (newUserId != userId) {
                           if (auto saved = profile.setUserId(server, newUserId); !saved) {
                               then(saved.error());
                               return;
                           }
                           cacheOwnerBound = false;
                       }
                       api->setAccessToken(access);
                       refreshToken = refresh;
                       accessExpiresAt = expiresAt;
                       userId = newUserId;
                       mfaToken.clear();
                       setSignedIn(true);
                       then(newUserId);
                   });
}

void ClientSession::Impl::refreshTokens(std::function<void(Result<void>)> done)
{
    refreshWaiters.append(std::move(done));
    if (refreshing)
        return;
    if (refreshToken.isEmpty()) {
        // A session stored by version 0.1 has no refresh token and must sign in again.
        forgetSession();
        finishRefresh(
            makeError(QString::fromLatin1(errc::kUnauthorized),
                      QStringLiteral("The session at %1 expired. Sign in again.").arg(server)));
        return;
    }
    refreshing = true;
    QNetworkReply* reply = api->postJson(
        QStringLiteral("/api/v1/auth/refresh"),
        QJsonObject{{QStringLiteral("refresh_token"), refreshToken}}, ApiClient::Auth::None);
    // The session owns the reply, so the refresh completes for every waiter even when the
    // task that started it is gone.
    reply->setParent(q);
    QObject::connect(reply, &QNetworkReply::finished, q, [this, reply] {
        reply->deleteLater();
        auto body = api->readJsonReply(reply);
        if (!body) {
            const bool sessionOver = body.error().code != QLatin1String(errc::kNetwork) &&
                                     body.error().code != QLatin1String(errc::kTls) &&
                                     body.error().code != QLatin1String(errc::kServerBusy);
            if (sessionOver) {
                qCInfo(lcSession) << "the server rejected the refresh token:" << body.error().code
                                  << "; signing out locally";
                forgetSession();
                finishRefresh(
                    makeError(body.error().code,
                              withSignInHint(QStringLiteral("The session at %1 has ended: %2")
                                                 .arg(server, body.error().message))));
                return;
            }
            finishRefresh(body.error());
            return;
        }
        acceptTokens(nullptr, *body, [this](Result<QString> accepted) {
            if (!accepted) {
                finishRefresh(accepted.error());
                return;
            }
            qCInfo(lcSession) << "refreshed the access token";
            finishRefresh({});
        });
    });
}

void ClientSession::Impl::finishRefresh(Result<void> outcome)
{
    refreshing = false;
    const auto waiters = std::exchange(refreshWaiters, {});
    for (const auto& waiter : waiters)
        waiter(outcome);
}

void ClientSession::Impl::sendJson(ClientTask* task, Verb verb, const QString& path,
                                   const QJsonObject& body,
                                   std::function<void(Result<QJsonObject>)> then, bool retried)
{
    QNetworkReply* reply = nullptr;
    switch (verb) {
    case Verb::Get:
        reply = api->get(path);
        break;
    case Verb::Post:
        reply = api->postJson(path, body);
        break;
    case Verb::Put:
        reply = api->sendJson("PUT", path, body);
        break;
    case Verb::Patch:
        reply = api->sendJson("PATCH", path, body);
        break;
    case Verb::Delete:
        reply = api->deleteResource(path);
        break;
    }
    reply->setParent(task);
    QObject::connect(reply, &QNetworkReply::finished, task,
                     [this, task, reply, verb, path, body, then, retried] {
                         reply->deleteLater();
                         auto response = api->readJsonReply(reply);
                         const bool expired =
                             !response &&
                             response.error().code == QLatin1String(autherr::kTokenExpired);
                         if (!expired || retried) {
                             if (!response)
                                 task->setErrorDetails(ApiClient::errorDetails(reply));
                             then(response);
                             return;
                         }
                         refreshTokens([this, task, verb, path, body, then](Result<void> done) {
                             if (!done) {
                                 then(done.error());
                                 return;
                             }
                             sendJson(task, verb, path, body, then, true);
                         });
                     });
}

void ClientSession::Impl::sendAnonymous(ClientTask* task, const QString& path,
                                        const QJsonObject& body,
                                        std::function<void(Result<QJsonObject>)> then)
{
    QNetworkReply* reply = api->postJson(path, body, ApiClient::Auth::None);
    reply->setParent(task);
    QObject::connect(reply, &QNetworkReply::finished, task, [this, task, reply, then] {
        reply->deleteLater();
        auto response = api->readJsonReply(reply);
        if (!response)
            task->setErrorDetails(ApiClient::errorDetails(reply));
        then(response);
    });
}

bool ClientSession::isMfaPending() const
{
    return !d->mfaToken.isEmpty();
}

ClientTask* ClientSession::verifyMfa(const QString& code)
{
    return d->startTask(
        [this, code](ClientTask* task) {
            if (d->mfaToken.isEmpty()) {
                task->failWith(makeError(QString::fromLatin1(autherr::kMfaFailed),
                                         QStringLiteral("No sign-in waits for a code. Sign in "
                                                        "again to receive a new one.")));
                return;
            }
            static const QRegularExpression digits(
                QStringLiteral("^[0-9]{%1}$").arg(kMfaCodeDigits));
            const QString trimmed = code.trimmed();
            if (!digits.match(trimmed).hasMatch()) {
                task->failWith(makeError(QString::fromLatin1(errc::kInvalidRequest),
                                         QStringLiteral("The code must be the %1 digits from the "
                                                        "e-mail.")
                                             .arg(kMfaCodeDigits)));
                return;
            }
            d->sendAnonymous(
                task, QStringLiteral("/api/v1/auth/mfa/verify"),
                QJsonObject{{QStringLiteral("mfa_token"), d->mfaToken},
                            {QStringLiteral("code"), trimmed}},
                [this, task](Result<QJsonObject> body) {
                    if (!body) {
                        // After too many wrong codes the server ends this sign-in.
                        if (body.error().code == QLatin1String(autherr::kMfaFailed))
                            d->mfaToken.clear();
                        task->failWith(body.error());
                        return;
                    }
                    d->acceptTokens(task, *body, [task](Result<QString> userId) {
                        if (!userId) {
                            task->failWith(userId.error());
                            return;
                        }
                        qCInfo(lcSession) << "signed in with an e-mailed code";
                        task->finishWith(QJsonObject{{QStringLiteral("user_id"), *userId}});
                    });
                });
        },
        false);
}

ClientTask* ClientSession::resendMfa()
{
    return d->startTask(
        [this](ClientTask* task) {
            if (d->mfaToken.isEmpty()) {
                task->failWith(makeError(QString::fromLatin1(autherr::kMfaFailed),
                                         QStringLiteral("No sign-in waits for a code. Sign in "
                                                        "again to receive a new one.")));
                return;
            }
            d->sendAnonymous(task, QStringLiteral("/api/v1/auth/mfa/resend"),
                             QJsonObject{{QStringLiteral("mfa_token"), d->mfaToken}},
                             [task](Result<QJsonObject> body) {
                                 if (!body) {
                                     task->failWith(body.error());
                                     return;
                                 }
                                 task->finishWith(*body);
                             });
        },
        false);
}

} // namespace chartinsight::client
