#pragma once

#include "AccessPolicy.h"
#include "AuthService.h"
#include "HttpMessage.h"
#include "RecordEraser.h"
#include "RecordService.h"
#include "Router.h"
#include "TemplateRepository.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace chartinsight::server {

struct ServerContext;
class TeamService;

// Maximum retention period of a template or team: 100 years, in days of 24 hours.
inline constexpr int kMaxRetentionDays = 36525;

// The retention routes: permanent deletion of a record with its signed receipt, a record's
// expiration and legal hold, record templates, a team's default retention and the receipt
// key. Also computes the expiration of a new upload. Every decision on a record goes through
// AccessPolicy, and each change is audited in the transaction that makes it. Every method
// blocks, so callers run them on the worker pool.
class RetentionService
{
public:
    explicit RetentionService(ServerContext& context);

    // Whether `route` is one of the routes handle() serves (expiry, hold, templates).
    static bool handles(RouteId route);
    // Serves the expiry, hold and template routes. Client errors come back as responses, and
    // server-side failures as errors for ApiHandler::failure().
    Result<HttpResponse> handle(const HttpRequest& request, const RouteMatch& match,
                                const SessionUser& caller);

    // DELETE /api/v1/records/{id}: 200 with the signed receipt. A DELETE repeated by the same
    // user after the erasure finished returns the same receipt, so a lost response can be
    // fetched again. 202 when a step failed: the erasure then finishes on a later scheduler
    // pass.
    Result<HttpResponse> deleteRecord(const HttpRequest& request, const RouteMatch& match,
                                      const SessionUser& caller);

    // PUT /api/v1/teams/{id} with "retention_days" (and maybe "name", which `teams` applies
    // first). The route's rule has checked manage_organization in the home team.
    Result<HttpResponse> updateTeam(const HttpRequest& request, const RouteMatch& match,
                                    const SessionUser& caller, TeamService& teams);

    // GET /api/v1/receipt-key: {"algorithm": "Ed25519", "key_id", "public_key"} (PEM). Needs
    // no database, so it is handled on the I/O thread.
    HttpResponse receiptKey() const;

    // The template an upload names with ?template=ID, or none when `templateId` is empty.
    // Fails with "invalid_template" for an id that is no template of the caller's organization.
    Result<std::optional<TemplateRow>> uploadTemplate(const SessionUser& user,
                                                      const QString& templateId);
    // Sets the retention of an upload: `expiresAtText` (?expires_at=) when given, which must be
    // a valid future time ("invalid_expiry" otherwise), else the template's retention, else
    // the team's default. Records the template in `target`.
    Result<void> applyUploadRetention(const std::optional<TemplateRow>& chosenTemplate,
                                      const QString& expiresAtText, UploadTarget& target);

private:
    Result<HttpResponse> setExpiry(const HttpRequest& request, const SessionUser& caller,
                                   const QString& recordId);
    Result<HttpResponse> setHold(const HttpRequest& request, const SessionUser& caller,
                                 const QString& recordId);
    Result<HttpResponse> listTemplates(const SessionUser& caller);
    Result<HttpResponse> saveTemplate(const HttpRequest& request, const SessionUser& caller,
                                      const QString& templateId);
    Result<HttpResponse> deleteTemplate(const SessionUser& caller, const QString& templateId);
    // The record JSON for the caller after a change, as GET /api/v1/records/{id} returns it.
    Result<HttpResponse> recordReply(const SessionUser& caller, const QString& recordId);
    // Parses an expiration sent by a client and checks that it lies in the future.
    Result<qint64> parseExpiry(const QString& text) const;
    // Appends an audit entry; a failed write is logged, because the change is committed or
    // rejected already.
    void audit(const SessionUser& caller, const QString& action, const QString& targetKind,
               const QString& targetId, const QString& outcome, const QJsonObject& details = {});
    qint64 now() const;

    ServerContext& m_context;
    AccessPolicy m_policy;
    RecordService m_records;
    TemplateRepository m_templates;
    RecordEraser m_eraser;
};

} // namespace chartinsight::server
