#include "AuthService.h"

#include "EmailAddress.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "core/ErrorCodes.h"
#include "crypto/Hash.h"
#include "crypto/PasswordHash.h"
#include "crypto/Random.h"

#include <QDateTime>
#include <QRegularExpression>

namespace chartinsight::server {
namespace {

constexpr qsizetype kMaxTokenLength = 512; // far above the 43 characters randomToken returns

Error invalidCredentials()
{
    return makeError(QString::fromLatin1(errc::kInvalidCredentials),
                     QStringLiteral("The e-mail address or the password is wrong. Check both and "
                                    "try again."));
}

Error unauthorized(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kUnauthorized), message);
}

QString tokenHash(const QString& token)
{
    return QString::fromLatin1(crypto::Sha256::hash(token.toUtf8()).toHex());
}

} // namespace

AuthService::AuthService(ServerContext& context)
    : m_context(context), m_users(*context.database), m_sessions(*context.database)
{
}

Result<void> AuthService::initialize()
{
    auto hash = crypto::hashPassword(crypto::randomToken(), m_context.secrets.passwordPepper,
                                     m_context.bcryptCost);
    if (!hash)
        return hash.error();
    m_dummyHash = hash.value();
    return {};
}

Result<LoginResult> AuthService::login(const QString& email, const QString& password)
{
    const QString normalised = normaliseEmail(email);
    std::optional<UserRow> user;
    if (isValidEmail(normalised)) {
        auto found = m_users.findByEmail(normalised);
        if (!found)
            return found.error();
        user = std::move(found.value());
    }

    if (!user) {
        // Same bcrypt work as for a known address, so the response time does not reveal
        // whether an account exists. The result is ignored: the login fails either way.
        (void)crypto::verifyPassword(password, m_context.secrets.passwordPepper, m_dummyHash);
        qCInfo(lcAuth) << "login failed: unknown e-mail address";
        return invalidCredentials();
    }

    auto verified =
        crypto::verifyPassword(password, m_context.secrets.passwordPepper, user->passwordHash);
    if (!verified) {
        qCWarning(lcAuth).noquote() << "login failed: the stored password hash of user" << user->id
                                    << "cannot be read:" << verified.error().message;
        return invalidCredentials();
    }
    if (!verified.value()) {
        qCInfo(lcAuth).noquote() << "login failed: wrong password for user" << user->id;
        return invalidCredentials();
    }

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    LoginResult result;
    result.accessToken = crypto::randomToken();
    result.userId = user->id;
    if (auto stored = m_sessions.create(tokenHash(result.accessToken), user->id, now,
                                        now + kSessionLifetimeMs);
        !stored) {
        return stored.error();
    }
    if (auto removed = m_sessions.deleteExpired(now); !removed)
        qCWarning(lcAuth).noquote()
            << "removing expired sessions failed:" << removed.error().message;

    // Hashes made with a lower cost than configured are upgraded while the password is known.
    if (crypto::bcryptCost(user->passwordHash) < m_context.bcryptCost) {
        auto rehashed =
            crypto::hashPassword(password, m_context.secrets.passwordPepper, m_context.bcryptCost);
        if (rehashed && m_users.updatePasswordHash(user->id, rehashed.value()).ok())
            qCInfo(lcAuth).noquote() << "raised the bcrypt cost of user" << user->id;
    }
    qCInfo(lcAuth).noquote() << "login succeeded for user" << user->id;
    return result;
}

Result<SessionUser> AuthService::authenticate(const QByteArray& authorizationHeader)
{
    const QByteArray header = authorizationHeader.trimmed();
    if (header.isEmpty()) {
        return unauthorized(QStringLiteral("This request needs a session: sign in, then send the "
                                           "access token as 'Authorization: Bearer TOKEN'."));
    }
    const qsizetype space = header.indexOf(' ');
    const QByteArray scheme = space > 0 ? header.left(space) : header;
    const QByteArray token = space > 0 ? header.mid(space + 1).trimmed() : QByteArray();
    static const QRegularExpression tokenCharacters(QStringLiteral("^[A-Za-z0-9._~+/=-]+$"));
    if (scheme.compare("Bearer", Qt::CaseInsensitive) != 0 || token.isEmpty() ||
        token.size() > kMaxTokenLength ||
        !tokenCharacters.match(QString::fromLatin1(token)).hasMatch()) {
        return unauthorized(QStringLiteral("The Authorization header is not of the form 'Bearer "
                                           "TOKEN'; sign in and send the access token."));
    }

    auto session = m_sessions.findValid(tokenHash(QString::fromLatin1(token)),
                                        QDateTime::currentMSecsSinceEpoch());
    if (!session)
        return session.error();
    if (!session.value()) {
        return unauthorized(QStringLiteral("The access token is unknown or has expired; sign in "
                                           "again."));
    }
    return std::move(session.value()).value();
}

Result<void> AuthService::revoke(const QByteArray& authorizationHeader)
{
    const QByteArray header = authorizationHeader.trimmed();
    const QByteArray token = header.mid(header.indexOf(' ') + 1).trimmed();
    return m_sessions.remove(tokenHash(QString::fromLatin1(token)));
}

} // namespace chartinsight::server
