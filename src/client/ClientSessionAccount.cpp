// ClientSession: password reset, the password policy, the signed-in user's account and
// sessions, and the administration of users.

#include "ApiClient.h"
#include "ClientLogging.h"
#include "ClientSessionImpl.h"
#include "core/ErrorCodes.h"

#include <QJsonArray>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QUrl>

namespace chartinsight::client {
namespace {

// Returns an error when `id` cannot be a server id, so that it never changes the request path.
std::optional<Error> checkId(const QString& id, const QString& what)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9A-Za-z_-]{1,64}$"));
    if (pattern.match(id).hasMatch())
        return std::nullopt;
    QString shown = id.left(64);
    shown.replace(QRegularExpression(QStringLiteral("[^0-9A-Za-z_-]")), QStringLiteral("?"));
    return makeError(
        QString::fromLatin1(errc::kInvalidRequest),
        QStringLiteral("'%1' is not a valid %2 id: use an id from the list.").arg(shown, what));
}

Error missingInput(const QString& which)
{
    return makeError(QString::fromLatin1(errc::kInvalidRequest),
                     QStringLiteral("Enter the %1.").arg(which));
}

QJsonValue arrayField(const QJsonObject& body, const QString& name)
{
    return body.value(name).toArray();
}

// Revokes the session that ClientSession::verifyPassword opened, then finishes `task` as
// verified, because the server accepted the password whether or not the revocation succeeds.
void revokeCheckSession(ClientTask* task, ApiClient* checker, const QString& accessToken)
{
    const QJsonObject verified{{QStringLiteral("verified"), true},
                               {QStringLiteral("mfa_code_sent"), false}};
    if (accessToken.isEmpty() || accessToken.size() > kMaxTokenChars) {
        qCWarning(lcSession) << "the password check returned no valid token to revoke";
        task->finishWith(verified);
        return;
    }
    checker->setAccessToken(accessToken);
    QNetworkReply* logout = checker->postJson(QStringLiteral("/api/v1/auth/logout"), {});
    logout->setParent(task);
    QObject::connect(logout, &QNetworkReply::finished, task, [task, checker, logout, verified] {
        logout->deleteLater();
        if (auto revoked = checker->checkReply(logout); !revoked)
            qCWarning(lcSession) << "the session of a password check was not revoked:"
                                 << revoked.error().code;
        task->finishWith(verified);
    });
}

} // namespace

ClientTask* ClientSession::Impl::startRequest(Verb verb, const QString& path,
                                              const QJsonObject& body,
                                              std::function<QJsonValue(const QJsonObject&)> shape)
{
    return startTask(
        [this, verb, path, body, shape](ClientTask* task) {
            sendJson(task, verb, path, body, [task, shape](Result<QJsonObject> response) {
                if (!response) {
                    task->failWith(response.error());
                    return;
                }
                task->finishWith(shape ? shape(*response) : QJsonValue(*response));
            });
        },
        true);
}

ClientTask* ClientSession::signOutEverywhere()
{
    return d->startTask(
        [this](ClientTask* task) {
            d->sendJson(task, Impl::Verb::Post, QStringLiteral("/api/v1/auth/logout-all"), {},
                        [this, task](Result<QJsonObject> revoked) {
                            d->finishServerSignOut(task, revoked);
                        });
        },
        true);
}

ClientTask* ClientSession::requestPasswordReset(const QString& email)
{
    return d->startTask(
        [this, email](ClientTask* task) {
            if (email.trimmed().isEmpty()) {
                task->failWith(missingInput(QStringLiteral("e-mail address")));
                return;
            }
            d->sendAnonymous(
                task, QStringLiteral("/api/v1/auth/password-reset"),
                QJsonObject{{QStringLiteral("email"), email.trimmed()}},
                [task](Result<QJsonObject> body) {
                    if (!body) {
                        task->failWith(body.error());
                        return;
                    }
                    task->finishWith(QJsonObject{
                        {QStringLiteral("status"), QStringLiteral("sent_if_registered")}});
                });
        },
        false);
}

ClientTask* ClientSession::completePasswordReset(const QString& token, const QString& newPassword)
{
    return d->startTask(
        [this, token, newPassword](ClientTask* task) {
            const QString trimmed = token.trimmed();
            if (trimmed.isEmpty() || trimmed.size() > kMaxTokenChars) {
                task->failWith(makeError(QString::fromLatin1(autherr::kResetLinkInvalid),
                                         QStringLiteral("The reset link has no valid token. "
                                                        "Open the link from the newest reset "
                                                        "e-mail, or request a new one.")));
                return;
            }
            if (newPassword.isEmpty()) {
                task->failWith(missingInput(QStringLiteral("new password")));
                return;
            }
            d->sendAnonymous(task, QStringLiteral("/api/v1/auth/password-reset/complete"),
                             QJsonObject{{QStringLiteral("token"), trimmed},
                                         {QStringLiteral("new_password"), newPassword}},
                             [task](Result<QJsonObject> body) {
                                 if (!body) {
                                     task->failWith(body.error());
                                     return;
                                 }
                                 qCInfo(lcSession) << "password reset completed";
                                 task->finishWith(QJsonObject{});
                             });
        },
        false);
}

ClientTask* ClientSession::checkPasswordPolicy(const QString& password, const QString& email)
{
    return d->startTask(
        [this, password, email](ClientTask* task) {
            QJsonObject request{{QStringLiteral("password"), password}};
            if (!email.isEmpty())
                request.insert(QStringLiteral("email"), email);
            d->sendAnonymous(task, QStringLiteral("/api/v1/auth/password-policy"), request,
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

ClientTask* ClientSession::changePassword(const QString& currentPassword,
                                          const QString& newPassword)
{
    if (currentPassword.isEmpty() || newPassword.isEmpty()) {
        return d->startTask(
            [currentPassword](ClientTask* task) {
                task->failWith(missingInput(currentPassword.isEmpty()
                                                ? QStringLiteral("current password")
                                                : QStringLiteral("new password")));
            },
            false);
    }
    return d->startRequest(Impl::Verb::Post, QStringLiteral("/api/v1/account/password"),
                           QJsonObject{{QStringLiteral("current_password"), currentPassword},
                                       {QStringLiteral("new_password"), newPassword}},
                           [](const QJsonObject&) {
                               qCInfo(lcSession) << "password changed";
                               return QJsonValue(QJsonObject{});
                           });
}

ClientTask* ClientSession::setMfaEnabled(bool enabled, const QString& password)
{
    if (password.isEmpty()) {
        return d->startTask(
            [](ClientTask* task) { task->failWith(missingInput(QStringLiteral("password"))); },
            false);
    }
    return d->startRequest(
        Impl::Verb::Post, QStringLiteral("/api/v1/account/mfa"),
        QJsonObject{{QStringLiteral("enabled"), enabled}, {QStringLiteral("password"), password}});
}

ClientTask* ClientSession::account()
{
    return d->startRequest(Impl::Verb::Get, QStringLiteral("/api/v1/account"), {});
}

ClientTask* ClientSession::listSessions()
{
    return d->startRequest(Impl::Verb::Get, QStringLiteral("/api/v1/auth/sessions"), {},
                           [this](const QJsonObject& body) {
                               const QJsonArray sessions =
                                   body.value(QStringLiteral("sessions")).toArray();
                               for (const QJsonValue& entry : sessions) {
                                   const QJsonObject session = entry.toObject();
                                   if (session.value(QStringLiteral("current")).toBool())
                                       d->currentSessionId =
                                           session.value(QStringLiteral("id")).toString();
                               }
                               return QJsonValue(sessions);
                           });
}

ClientTask* ClientSession::revokeSession(const QString& sessionId)
{
    return d->startTask(
        [this, sessionId](ClientTask* task) {
            if (auto invalid = checkId(sessionId, QStringLiteral("session"))) {
                task->failWith(*invalid);
                return;
            }
            const QString path = QStringLiteral("/api/v1/auth/sessions/") +
                                 QString::fromLatin1(QUrl::toPercentEncoding(sessionId));
            d->sendJson(task, Impl::Verb::Delete, path, {},
                        [this, task, sessionId](Result<QJsonObject> revoked) {
                            if (!revoked) {
                                task->failWith(revoked.error());
                                return;
                            }
                            qCInfo(lcSession) << "revoked session" << sessionId;
                            if (sessionId == d->currentSessionId) {
                                d->signOutLocally(task, true);
                                return;
                            }
                            task->finishWith(QJsonObject{});
                        });
        },
        true);
}

ClientTask* ClientSession::listUsers()
{
    return d->startRequest(
        Impl::Verb::Get, QStringLiteral("/api/v1/admin/users"), {},
        [](const QJsonObject& body) { return arrayField(body, QStringLiteral("users")); });
}

ClientTask* ClientSession::unlockUser(const QString& userId)
{
    if (auto invalid = checkId(userId, QStringLiteral("user"))) {
        return d->startTask([error = *invalid](ClientTask* task) { task->failWith(error); }, false);
    }
    const QString path = QStringLiteral("/api/v1/admin/users/%1/unlock")
                             .arg(QString::fromLatin1(QUrl::toPercentEncoding(userId)));
    return d->startRequest(Impl::Verb::Post, path, {}, [userId](const QJsonObject&) {
        qCInfo(lcSession) << "unlocked user" << userId;
        return QJsonValue(QJsonObject{});
    });
}

ClientTask* ClientSession::setUserPassword(const QString& userId, const QString& newPassword)
{
    std::optional<Error> invalid = checkId(userId, QStringLiteral("user"));
    if (!invalid && newPassword.isEmpty())
        invalid = missingInput(QStringLiteral("new password"));
    if (invalid)
        return d->startTask([error = *invalid](ClientTask* task) { task->failWith(error); }, false);
    const QString path = QStringLiteral("/api/v1/admin/users/%1/password")
                             .arg(QString::fromLatin1(QUrl::toPercentEncoding(userId)));
    return d->startRequest(Impl::Verb::Post, path,
                           QJsonObject{{QStringLiteral("new_password"), newPassword}},
                           [userId](const QJsonObject&) {
                               qCInfo(lcSession) << "set the password of user" << userId;
                               return QJsonValue(QJsonObject{});
                           });
}

ClientTask* ClientSession::verifyPassword(const QString& email, const QString& password,
                                          const QString& deviceName)
{
    return d->startTask(
        [this, email, password, deviceName](ClientTask* task) {
            if (email.trimmed().isEmpty() || password.isEmpty()) {
                task->failWith(missingInput(email.trimmed().isEmpty()
                                                ? QStringLiteral("e-mail address")
                                                : QStringLiteral("password")));
                return;
            }
            // A separate API client with the same trust settings as the session's. So the
            // tokens of this sign-in never replace the session's, and a rejection of them
            // cannot sign the session out.
            auto* checker = new ApiClient(d->api->serverUrl(), task);
            if (!d->settings.caFile.isEmpty()) {
                if (auto loaded = checker->setCaFile(d->settings.caFile); !loaded) {
                    task->failWith(loaded.error());
                    return;
                }
            }
            QStringList pins = d->profile.trustedFingerprints(d->server);
            if (!d->settings.pinnedFingerprint.isEmpty())
                pins.prepend(d->settings.pinnedFingerprint);
            checker->setPinnedFingerprints(pins);

            QJsonObject request{{QStringLiteral("email"), email.trimmed()},
                                {QStringLiteral("password"), password}};
            if (!deviceName.isEmpty())
                request.insert(QStringLiteral("device_name"), deviceName);
            QNetworkReply* reply = checker->postJson(QStringLiteral("/api/v1/auth/login"), request,
                                                     ApiClient::Auth::None);
            reply->setParent(task);
            QObject::connect(reply, &QNetworkReply::finished, task, [task, checker, reply] {
                reply->deleteLater();
                const auto response = checker->readJsonReply(reply);
                if (!response) {
                    task->setErrorDetails(ApiClient::errorDetails(reply));
                    task->failWith(response.error());
                    return;
                }
                if (response->value(QStringLiteral("mfa_required")).toBool()) {
                    task->finishWith(QJsonObject{{QStringLiteral("verified"), true},
                                                 {QStringLiteral("mfa_code_sent"), true}});
                    return;
                }
                revokeCheckSession(task, checker,
                                   response->value(QStringLiteral("access_token")).toString());
            });
        },
        true);
}

} // namespace chartinsight::client
