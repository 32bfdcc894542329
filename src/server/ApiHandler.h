#pragma once

#include "AuthService.h"
#include "HttpMessage.h"
#include "RecordService.h"
#include "Router.h"

#include <memory>
#include <optional>

namespace chartinsight::server {

struct ServerContext;
class UploadSession;

// Error code of a CORS preflight from an origin that is not allowed.
inline constexpr char kOriginNotAllowed[] = "origin_not_allowed";

// The API's request logic, free of any HTTP library. HttpServer parses a request into an
// HttpRequest, gets the HttpResponse from this class, and streams bodies in and out.
class ApiHandler
{
public:
    explicit ApiHandler(ServerContext& context);

    // Prepares the sign-in timing guard (one bcrypt hash). Call once before serving.
    Result<void> initialize();

    // Builds the responses that need no database or cryptography: health, unknown paths, wrong
    // methods and CORS preflights. Returns nothing when the request belongs on the worker pool.
    std::optional<HttpResponse> answerDirectly(const HttpRequest& request,
                                               const RouteMatch& match) const;

    // Handles the authentication routes, record list and record download. Blocks: run on the worker
    // pool.
    HttpResponse handle(const HttpRequest& request, const RouteMatch& match);

    // First step of POST /api/v1/records, after the headers and before the body: checks the
    // token, the filename and the declared size, and starts the encrypted pending object.
    // Blocks: run on the worker pool.
    struct UploadStart
    {
        std::unique_ptr<UploadSession> session; // set when the body may be sent
        HttpResponse rejection;                 // otherwise the response to send
        QString userId;
    };
    UploadStart beginUpload(const HttpRequest& request);
    // Scans and stores a fully received upload and returns 201 or the rejection. Blocks.
    HttpResponse finishUpload(const HttpRequest& request, UploadSession& session);

    // Builds the response for a failed step: the error as JSON. Server-side failures are logged
    // with the request id instead, and the client gets a generic message.
    HttpResponse failure(const HttpRequest& request, const Error& error) const;

    // Adds the security headers, the request id and, for an allowed Origin, the CORS headers.
    // Every response passes through here; `request` is null when the request could not be
    // parsed.
    void finalize(const HttpRequest* request, HttpResponse& response) const;

    static HttpResponse serverBusy();
    HttpResponse payloadTooLarge() const;

private:
    HttpResponse listRecords(const HttpRequest& request);
    HttpResponse downloadRecord(const HttpRequest& request, const RouteMatch& match);
    HttpResponse health() const;
    HttpResponse preflight(const HttpRequest& request, const RouteMatch& match) const;
    bool isAllowedOrigin(const QByteArray& origin) const;

    ServerContext& m_context;
    AuthService m_auth;
    RecordService m_records;
};

} // namespace chartinsight::server
