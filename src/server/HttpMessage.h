#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace chartinsight::server {

// One HTTP header field. Request header names are stored in lower case.
struct HttpHeader
{
    QByteArray name;
    QByteArray value;
};

// A request as the handlers see it, independent of Boost.Beast. The body is filled only for
// routes with small bodies; uploads are streamed into an UploadSession instead.
struct HttpRequest
{
    QByteArray method; // "GET", "POST", ...
    QByteArray path;   // target before '?', not percent-decoded
    QByteArray query;  // target after '?', not percent-decoded
    std::vector<HttpHeader> headers;
    std::optional<qint64> contentLength; // absent for chunked bodies and bodiless requests
    QByteArray body;
    QString requestId;   // random, for the log and the X-Request-Id response header
    QString peerAddress; // IP address of the TCP peer (a proxy when one is in front)

    // Returns the first value of the header `lowerCaseName`, or an empty array.
    QByteArray header(const QByteArray& lowerCaseName) const
    {
        for (const HttpHeader& field : headers) {
            if (field.name == lowerCaseName)
                return field.value;
        }
        return {};
    }
    bool hasHeader(const QByteArray& lowerCaseName) const
    {
        for (const HttpHeader& field : headers) {
            if (field.name == lowerCaseName)
                return true;
        }
        return false;
    }
};

// A response body produced piece by piece (a record's decrypted content), so a large file never
// sits in memory. read() runs on the worker pool.
class BodySource
{
public:
    virtual ~BodySource() = default;
    // Total bytes read() returns, sent as Content-Length before the first byte, or
    // kUnknownSize for a body whose length is known only at its end (an export archive). Such a
    // body is sent with chunked transfer coding, so a read() that fails ends the connection
    // without the last chunk and the client sees an incomplete body.
    virtual qint64 size() const = 0;
    // Fills `buffer` with up to `capacity` bytes; returns the count, 0 at the end.
    virtual Result<qsizetype> read(char* buffer, qsizetype capacity) = 0;

    static constexpr qint64 kUnknownSize = -1;
};

struct HttpResponse
{
    int status = 200;
    std::vector<HttpHeader> headers;
    QByteArray body;
    std::shared_ptr<BodySource> bodySource; // when set, streamed instead of `body`
    bool closeConnection = false; // the request body was left unread, so the connection ends
    QString userId;               // the authenticated user, for the log line only

    void setHeader(const QByteArray& name, const QByteArray& value)
    {
        for (HttpHeader& field : headers) {
            if (field.name.compare(name, Qt::CaseInsensitive) == 0) {
                field.value = value;
                return;
            }
        }
        headers.push_back({name, value});
    }
};

} // namespace chartinsight::server
