#pragma once

#include "AccessPolicy.h"
#include "AuthService.h"
#include "ExportService.h"
#include "HttpMessage.h"
#include "DerivativeService.h"
#include "InvitationService.h"
#include "RecordService.h"
#include "RetentionService.h"
#include "ReportService.h"
#include "Router.h"
#include "TeamService.h"

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

    // Checks the route table (every route declares an access rule) and prepares the sign-in
    // timing guard (one bcrypt hash). Call once before serving; serve no request when it fails.
    Result<void> initialize();

    // Builds the responses that need no database or cryptography: health, unknown paths, wrong
    // methods and CORS preflights. Returns nothing when the request belongs on the worker pool.
    std::optional<HttpResponse> answerDirectly(const HttpRequest& request,
                                               const RouteMatch& match) const;

    // Applies the route's declared access rule, then runs its handler. Blocks: run on the worker
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
    // The outcome of a route's access rule: the signed-in caller (none for Public routes), or
    // the response that rejects the request.
    struct AccessCheck
    {
        std::optional<SessionUser> caller;
        std::optional<HttpResponse> rejection;
    };
    AccessCheck checkAccess(const HttpRequest& request, const RouteMatch& match);
    // Routes for which the caller is known; `caller` passed the route's rule.
    HttpResponse handleSignedIn(const HttpRequest& request, const RouteMatch& match,
                                const SessionUser& caller);

    HttpResponse listRecords(const HttpRequest& request, const SessionUser& caller);
    HttpResponse downloadRecord(const HttpRequest& request, const RouteMatch& match,
                                const SessionUser& caller);
    HttpResponse getRecord(const HttpRequest& request, const RouteMatch& match,
                           const SessionUser& caller);
    HttpResponse patchRecord(const HttpRequest& request, const RouteMatch& match,
                             const SessionUser& caller);
    HttpResponse putSharing(const HttpRequest& request, const RouteMatch& match,
                            const SessionUser& caller);
    HttpResponse recordAccess(const HttpRequest& request, const RouteMatch& match,
                              const SessionUser& caller);
    HttpResponse organizationUsers(const HttpRequest& request, const SessionUser& caller);
    // GET /api/v1/export/organization and /api/v1/export/personal: the streamed tar archive.
    HttpResponse exportArchive(const HttpRequest& request, const SessionUser& caller,
                               ExportScope scope);
    // PATCH /api/v1/account {"display_name"}; returns the account as GET does.
    HttpResponse patchAccount(const HttpRequest& request, const SessionUser& caller);
    HttpResponse handleReports(const HttpRequest& request, const RouteMatch& match,
                               const SessionUser& caller);
    // Adds "display_name" and "teams" (the caller's memberships) to a successful
    // GET /api/v1/account body.
    void addAccountTeams(const HttpRequest& request, HttpResponse& response,
                         const SessionUser& caller);
    // The record JSON, or the failure as a response.
    HttpResponse recordResponse(const HttpRequest& request, const Result<RecordInfo>& record,
                                const SessionUser& caller) const;
    // The response of a DerivativeService call, or its server-side failure as a response.
    HttpResponse derivativeResponse(const HttpRequest& request, Result<HttpResponse> response,
                                    const SessionUser& caller);
    // The response of a RetentionService call, or its server-side failure as a response.
    HttpResponse retentionResponse(const HttpRequest& request, Result<HttpResponse> response,
                                   const SessionUser& caller);
    HttpResponse handleTeams(const HttpRequest& request, const RouteMatch& match,
                             const SessionUser& caller);
    HttpResponse health() const;
    HttpResponse preflight(const HttpRequest& request, const RouteMatch& match) const;
    bool isAllowedOrigin(const QByteArray& origin) const;

    ServerContext& m_context;
    AuthService m_auth;
    RecordService m_records;
    AccessPolicy m_policy;
    TeamService m_teams;
    InvitationService m_invitations;
    RetentionService m_retention;
    DerivativeService m_derivatives;
    ReportService m_reportService;
    ExportService m_exports;
};

} // namespace chartinsight::server
