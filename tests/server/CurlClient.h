#pragma once

#include "support/TestSupport.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace chartinsight::test {

// One HTTP exchange made with curl: the final response's status, headers and body.
struct CurlResult
{
    int curlExitCode = -1;
    int status = 0;                               // 0 when no response arrived
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-case
    QByteArray body;
    QByteArray curlError;

    bool hasHeader(const QByteArray& lowerCaseName) const;
    QByteArray header(const QByteArray& lowerCaseName) const;
    QJsonObject json() const;
    QString errorCode() const; // "code" of an {"error": {...}} body
};

// Sends requests to a running ServerProcess with the curl command-line tool, over TLS 1.3 and
// trusting the server's certificate.
class CurlClient
{
public:
    explicit CurlClient(const ServerProcess& server);

    CurlResult request(const QString& method, const QString& path, const QByteArray& body = {},
                       const QString& token = {}, const QStringList& extraArguments = {});
    // POST /api/v1/records?filename=... with the file streamed from disk.
    CurlResult upload(const QString& token, const QString& filePath, const QString& filename,
                      const QStringList& extraArguments = {});
    // GET /api/v1/records/{id}/content into `outputPath`.
    CurlResult download(const QString& token, const QString& recordId, const QString& outputPath);
    // Returns the access token, or an empty string when the login fails.
    QString login(const QString& email, const QString& password);
    // Polls GET /api/v1/records/{id} until "derived" is no longer "pending", because deriving
    // writes new objects into the file store after the upload. Returns the record JSON, or an
    // empty object when the record disappears or `timeoutMs` pass. The default is a generous
    // bound for the derive worker on a busy machine, not a performance check.
    QJsonObject waitUntilDerived(const QString& token, const QString& recordId,
                                 int timeoutMs = 120000);

private:
    CurlResult run(QStringList arguments, const QByteArray& standardInput, const QString& bodyPath);

    const ServerProcess& m_server;
    QTemporaryDir m_dir;
    int m_counter = 0;
};

} // namespace chartinsight::test
