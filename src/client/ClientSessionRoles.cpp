// ClientSession: changes to the organization's roles (named permission presets).

#include "ClientLogging.h"
#include "ClientSessionImpl.h"
#include "core/ErrorCodes.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace chartinsight::client {
namespace {

// Maximum length of a role name in characters after trimming, as for team names.
constexpr qsizetype kMaxRoleNameChars = 64;

Error invalidRoleInput(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kInvalidRequest), message);
}

std::optional<Error> checkRoleName(const QString& trimmed)
{
    if (trimmed.isEmpty())
        return invalidRoleInput(QStringLiteral("Enter the role name."));
    if (trimmed.size() > kMaxRoleNameChars) {
        return invalidRoleInput(QStringLiteral("The role name has %1 characters; use at most %2.")
                                    .arg(trimmed.size())
                                    .arg(kMaxRoleNameChars));
    }
    return std::nullopt;
}

// Returns an error when `id` cannot be a server id, so that it never changes the request path.
std::optional<Error> checkRoleId(const QString& id)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9A-Za-z_-]{1,64}\\z"));
    if (pattern.match(id).hasMatch())
        return std::nullopt;
    return invalidRoleInput(QStringLiteral("The role id is not valid: use an id from the role "
                                           "list."));
}

QString rolePath(const QString& roleId)
{
    return QStringLiteral("/api/v1/roles/%1")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(roleId)));
}

} // namespace

ClientTask* ClientSession::createRole(const QString& name, const QStringList& permissions)
{
    const QString trimmed = name.trimmed();
    if (auto invalid = checkRoleName(trimmed))
        return d->failedTask(*invalid);
    const QJsonObject body{
        {QStringLiteral("name"), trimmed},
        {QStringLiteral("permissions"), QJsonArray::fromStringList(permissions)}};
    return d->startRequest(
        Impl::Verb::Post, QStringLiteral("/api/v1/roles"), body, [](const QJsonObject& role) {
            qCInfo(lcSession) << "created role" << role.value(QStringLiteral("id")).toString();
            return QJsonValue(role);
        });
}

ClientTask* ClientSession::updateRole(const QString& roleId, const QString& name,
                                      const QStringList& permissions)
{
    const QString trimmed = name.trimmed();
    std::optional<Error> invalid = checkRoleId(roleId);
    if (!invalid)
        invalid = checkRoleName(trimmed);
    if (invalid)
        return d->failedTask(*invalid);
    const QJsonObject body{
        {QStringLiteral("name"), trimmed},
        {QStringLiteral("permissions"), QJsonArray::fromStringList(permissions)}};
    return d->startRequest(Impl::Verb::Put, rolePath(roleId), body,
                           [roleId](const QJsonObject& role) {
                               qCInfo(lcSession) << "changed role" << roleId;
                               return QJsonValue(role);
                           });
}

ClientTask* ClientSession::deleteRole(const QString& roleId)
{
    if (auto invalid = checkRoleId(roleId))
        return d->failedTask(*invalid);
    return d->startRequest(Impl::Verb::Delete, rolePath(roleId), {}, [roleId](const QJsonObject&) {
        qCInfo(lcSession) << "deleted role" << roleId;
        return QJsonValue(QJsonObject{});
    });
}

} // namespace chartinsight::client
