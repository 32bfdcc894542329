#pragma once

#include "AccessPolicy.h"
#include "AuthService.h"
#include "HttpMessage.h"
#include "core/Result.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>

namespace chartinsight::server {

struct ServerContext;

// Whose data an export contains.
enum class ExportScope
{
    Organization, // every record of the caller's organization (manage_organization)
    Personal,     // the records the caller may see
};

// What an export contains, fixed when the request arrives. Records listed here but erased or
// hidden from the caller before the archive reaches them are left out and named in the
// manifest. Audit entries are read up to `lastAuditSequence` only; the trail is append-only, so
// that part never changes while the archive streams.
struct ExportPlan
{
    ExportScope scope = ExportScope::Personal;
    SessionUser user; // who exports
    QString userEmail;
    qint64 createdAt = 0; // milliseconds since the epoch, UTC
    QStringList recordIds;
    // audit.json contains an entry when its actor is in `auditActorIds`, its target in
    // `auditTargetIds`, or (organization export) its organization is the caller's.
    QSet<QString> auditActorIds;
    QSet<QString> auditTargetIds;
    qint64 lastAuditSequence = 0;
};

// The export routes: GET /api/v1/export/organization and GET /api/v1/export/personal. Each
// returns a tar archive streamed piece by piece (ExportArchive); docs/export-format.md
// describes its members and JSON fields.
class ExportService
{
public:
    // Version of the archive layout, written to manifest.json. Raised when a member or field
    // changes meaning or disappears; new fields do not raise it.
    static constexpr int kFormatVersion = 1;

    explicit ExportService(ServerContext& context);

    struct Started
    {
        std::shared_ptr<BodySource> body;
        QString fileName; // for Content-Disposition
    };
    // Takes the snapshot of what the export contains, appends the audit entry
    // ("export.organization" or "export.personal") and returns the archive stream. The
    // organization scope needs manage_organization in the home team; the route checks it and
    // this method checks it again.
    Result<Started> begin(const SessionUser& user, ExportScope scope);

private:
    Result<ExportPlan> plan(const SessionUser& user, ExportScope scope);

    ServerContext& m_context;
    AccessPolicy m_policy;
};

} // namespace chartinsight::server
