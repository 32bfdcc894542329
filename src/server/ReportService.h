#pragma once

#include "AccessPolicy.h"
#include "AuthService.h"
#include "HttpMessage.h"
#include "ReportRepository.h"
#include "Router.h"
#include "core/Result.h"

#include <QString>

namespace chartinsight::server {

struct ServerContext;

// The access reports over the audit trail (GET /api/v1/reports/...) and the account's display
// name (PATCH /api/v1/account), which reports show in place of the e-mail address.
//
// Scope: a holder of manage_organization in the home team reads every entry of the
// organization. Anyone else reads only the entries whose target is a record they uploaded;
// the login and invitation reports need manage_organization (the route table enforces it).
// Names are looked up when a report is read (NameResolver). Every method blocks on the
// database, so callers run it on the worker pool.
class ReportService
{
public:
    static constexpr int kDefaultPageSize = 100;
    static constexpr int kMaxPageSize = 1000;
    static constexpr int kMaxDisplayNameLength = 100; // characters, after trimming
    static constexpr int kMaxChartBuckets = 400;

    explicit ReportService(ServerContext& context);

    // Whether `route` is one of the report routes.
    static bool handles(RouteId route);

    // Builds the response of a report route: a JSON page, a streamed CSV export (format=csv)
    // or the chart.
    Result<HttpResponse> handle(const HttpRequest& request, const RouteMatch& match,
                                const SessionUser& caller);

    // PATCH /api/v1/account {"display_name"}: trims and checks the name, stores it and
    // appends account.display_name_changed in the same transaction. Returns the new name.
    Result<QString> setDisplayName(const SessionUser& caller, const QJsonValue& displayName);

private:
    // The validated filters of a request, or "invalid_request" naming the bad value.
    struct Parameters;
    Result<Parameters> parseParameters(const HttpRequest& request, RouteId route,
                                       const SessionUser& caller);
    Result<HttpResponse> jsonPage(const Parameters& parameters, const SessionUser& caller);
    Result<HttpResponse> csvExport(const Parameters& parameters, const SessionUser& caller);
    Result<HttpResponse> chart(const Parameters& parameters);
    // Checks that a caller without manage_organization uploaded the record of an access
    // report: "forbidden" when they can see it otherwise, "not_found" when they cannot.
    Result<void> requireAccessReport(const SessionUser& caller, const QString& recordId);

    ServerContext& m_context;
    AccessPolicy m_policy;
    ReportRepository m_reports;
};

} // namespace chartinsight::server
