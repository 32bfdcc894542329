#include "CurlClient.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>
#include <QThread>
#include <QUrl>

namespace chartinsight::test {

bool CurlResult::hasHeader(const QByteArray& lowerCaseName) const
{
    for (const auto& field : headers) {
        if (field.first == lowerCaseName)
            return true;
    }
    return false;
}

QByteArray CurlResult::header(const QByteArray& lowerCaseName) const
{
    for (const auto& field : headers) {
        if (field.first == lowerCaseName)
            return field.second;
    }
    return {};
}

QJsonObject CurlResult::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString CurlResult::errorCode() const
{
    return json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

CurlClient::CurlClient(const ServerProcess& server) : m_server(server) {}

CurlResult CurlClient::request(const QString& method, const QString& path, const QByteArray& body,
                               const QString& token, const QStringList& extraArguments)
{
    QStringList arguments{QStringLiteral("-X"), method};
    if (!token.isEmpty())
        arguments << QStringLiteral("-H") << QStringLiteral("Authorization: Bearer ") + token;
    if (!body.isEmpty()) {
        arguments << QStringLiteral("-H") << QStringLiteral("Content-Type: application/json")
                  << QStringLiteral("--data-binary") << QStringLiteral("@-");
    }
    arguments << extraArguments << m_server.url().toString() + path;
    return run(arguments, body, {});
}

CurlResult CurlClient::upload(const QString& token, const QString& filePath,
                              const QString& filename, const QStringList& extraArguments)
{
    recordTestSecret(filename);
    const QString url = m_server.url().toString() + QStringLiteral("/api/v1/records?filename=") +
                        QString::fromLatin1(QUrl::toPercentEncoding(filename));
    QStringList arguments{QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
                          QStringLiteral("Content-Type: application/octet-stream")};
    if (!token.isEmpty())
        arguments << QStringLiteral("-H") << QStringLiteral("Authorization: Bearer ") + token;
    // -T streams the file instead of reading it into memory first.
    arguments << QStringLiteral("-T") << filePath << extraArguments << url;
    return run(arguments, {}, {});
}

CurlResult CurlClient::download(const QString& token, const QString& recordId,
                                const QString& outputPath)
{
    const QStringList arguments{QStringLiteral("-H"),
                                QStringLiteral("Authorization: Bearer ") + token,
                                m_server.url().toString() + QStringLiteral("/api/v1/records/") +
                                    recordId + QStringLiteral("/content")};
    return run(arguments, {}, outputPath);
}

QString CurlClient::login(const QString& email, const QString& password)
{
    const QJsonObject credentials{{QStringLiteral("email"), email},
                                  {QStringLiteral("password"), password}};
    const CurlResult result = request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/login"),
                                      QJsonDocument(credentials).toJson(QJsonDocument::Compact));
    if (result.status != 200)
        return {};
    return result.json().value(QStringLiteral("access_token")).toString();
}

CurlResult CurlClient::run(QStringList arguments, const QByteArray& standardInput,
                           const QString& bodyPath)
{
    const QString prefix = m_dir.filePath(QString::number(++m_counter));
    const QString headerFile = prefix + QStringLiteral(".headers");
    const QString bodyFile = bodyPath.isEmpty() ? prefix + QStringLiteral(".body") : bodyPath;
    arguments = curlArguments(m_server) +
                QStringList{QStringLiteral("-D"), headerFile, QStringLiteral("-o"), bodyFile} +
                arguments;
    const ProcessOutput output = runProcess(QStringLiteral("curl"), arguments, standardInput);
    recordTestSecrets(QJsonDocument::fromJson(standardInput).object());

    CurlResult result;
    result.curlExitCode = output.exitCode;
    result.curlError = output.standardError;
    QFile headers(headerFile);
    if (headers.open(QIODevice::ReadOnly)) {
        // -D writes every response, including "100 Continue"; the last block is the final response.
        for (const QByteArray& rawLine : headers.readAll().split('\n')) {
            const QByteArray line = rawLine.trimmed();
            if (line.startsWith("HTTP/")) {
                result.headers.clear();
                result.status = line.split(' ').value(1).toInt();
            } else if (const qsizetype colon = line.indexOf(':'); colon > 0) {
                result.headers.append(
                    {line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
            }
        }
    }
    if (bodyPath.isEmpty()) {
        QFile body(bodyFile);
        if (body.open(QIODevice::ReadOnly))
            result.body = body.readAll();
    }
    recordTestSecrets(result.json());
    return result;
}

QJsonObject CurlClient::waitUntilDerived(const QString& token, const QString& recordId,
                                         int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        const CurlResult result = request(QStringLiteral("GET"),
                                          QStringLiteral("/api/v1/records/") + recordId, {}, token);
        if (result.status != 200)
            return {};
        const QJsonObject record = result.json();
        if (record.value(QStringLiteral("derived")).toString() != QLatin1String("pending"))
            return record;
        QThread::msleep(100);
    }
    return {};
}

} // namespace chartinsight::test
