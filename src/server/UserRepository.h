#pragma once

#include "core/Result.h"

#include <QString>

#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// Error code of UserRepository::create when the e-mail address is taken.
inline constexpr char kEmailTaken[] = "email_taken";

struct UserRow
{
    QString id; // random UUID
    QString organizationId;
    QString email; // normalised: trimmed, lower-case
    QString passwordHash;
    bool isAdmin = false;
    qint64 createdAt = 0; // milliseconds since the Unix epoch, UTC
};

// Users and their organizations in the server database. The SQL is portable; a PostgreSQL
// backend replaces this class with one of the same interface.
class UserRepository
{
public:
    explicit UserRepository(storage::SqlDatabase& database) : m_database(database) {}

    Result<std::optional<UserRow>> findByEmail(const QString& normalisedEmail);

    // Returns the id of the organization named `name`, creating it when missing.
    Result<QString> findOrCreateOrganization(const QString& name);

    // Inserts a user with a new random id. Fails with kEmailTaken when the address exists.
    Result<UserRow> create(const QString& organizationId, const QString& normalisedEmail,
                           const QString& passwordHash, bool isAdmin);

    Result<void> updatePasswordHash(const QString& userId, const QString& passwordHash);

private:
    storage::SqlDatabase& m_database;
};

} // namespace chartinsight::server
