#pragma once

#include "CurlClient.h"
#include "server/Permissions.h"
#include "storage/SqlDatabase.h"
#include "support/TestSupport.h"

#include <QString>

#include <memory>

namespace chartinsight::test {

// Direct access to a running test server's database, for setting up teams and memberships
// that no route creates yet. The server and this connection share the SQLCipher file in WAL
// mode, so rows written here apply to the server's next request.
class AccessFixture
{
public:
    explicit AccessFixture(ServerProcess& server);
    bool isOpen() const { return m_db != nullptr; }

    // Runs `add-user` with an organization; returns the new user's id or an empty string.
    QString addUser(const QString& email, const QString& password, const QString& organization,
                    bool admin = false);
    QString organizationOf(const QString& userId);
    QString homeTeamOf(const QString& organizationId);
    QString createTeam(const QString& organizationId, const QString& name);
    // Inserts or replaces a membership.
    bool setMembership(const QString& teamId, const QString& userId,
                       server::PermissionSet permissions);
    bool removeMembership(const QString& teamId, const QString& userId);
    // The value of one column of the first row, as text; an empty string when there is none.
    QString queryValue(const QString& query, const QVariantList& values);

private:
    ServerProcess& m_server;
    std::unique_ptr<storage::SqlDatabase> m_db;
};

} // namespace chartinsight::test
