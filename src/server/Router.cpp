#include "Router.h"

#include "core/RecordInfo.h"

namespace chartinsight::server {
namespace {

constexpr char kRecordsPrefix[] = "/api/v1/records/";
constexpr char kContentSuffix[] = "/content";

} // namespace

RouteMatch Router::match(const QByteArray& method, const QByteArray& path)
{
    RouteMatch match;
    if (path == "/api/v1/health") {
        match.route = RouteId::Health;
        match.allowedMethods = "GET";
    } else if (path == "/api/v1/auth/login") {
        match.route = RouteId::Login;
        match.allowedMethods = "POST";
    } else if (path == "/api/v1/auth/logout") {
        match.route = RouteId::Logout;
        match.allowedMethods = "POST";
    } else if (path == "/api/v1/records") {
        match.route = RouteId::Records;
        match.allowedMethods = "GET, POST";
    } else if (path.startsWith(kRecordsPrefix) && path.endsWith(kContentSuffix)) {
        const qsizetype idStart = qsizetype(sizeof kRecordsPrefix - 1);
        const qsizetype idLength = path.size() - idStart - qsizetype(sizeof kContentSuffix - 1);
        if (idLength <= 0)
            return match;
        match.route = RouteId::RecordContent;
        match.allowedMethods = "GET";
        match.recordId = QString::fromLatin1(path.mid(idStart, idLength));
        match.validRecordId = isValidRecordId(match.recordId);
    } else {
        return match;
    }
    for (const QByteArray& allowed : match.allowedMethods.split(',')) {
        if (allowed.trimmed() == method)
            match.methodAllowed = true;
    }
    match.isUpload = match.route == RouteId::Records && method == "POST";
    return match;
}

QByteArray Router::pathForLog(const RouteMatch& match, const QByteArray& path)
{
    if (match.route == RouteId::None)
        return QByteArrayLiteral("(unknown path)");
    if (match.route == RouteId::RecordContent && !match.validRecordId)
        return QByteArrayLiteral("/api/v1/records/(invalid id)/content");
    return path;
}

} // namespace chartinsight::server
