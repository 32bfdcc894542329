#include "UserRepository.h"

#include "crypto/Random.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>

namespace chartinsight::server {

Result<std::optional<UserRow>> UserRepository::findByEmail(const QString& normalisedEmail)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<std::optional<UserRow>> {
        auto statement = db.prepare(
            QStringLiteral("SELECT id, organization_id, email, password_hash, is_admin, created_at "
                           "FROM users WHERE email = ?"));
        if (!statement)
            return statement.error();
        statement->bind(1, normalisedEmail);
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<UserRow>();
        UserRow user;
        user.id = statement->columnText(0);
        user.organizationId = statement->columnText(1);
        user.email = statement->columnText(2);
        user.passwordHash = statement->columnText(3);
        user.isAdmin = statement->columnInt64(4) != 0;
        user.createdAt = statement->columnInt64(5);
        return std::optional<UserRow>(std::move(user));
    });
}

Result<QString> UserRepository::findOrCreateOrganization(const QString& name)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<QString> {
        QString id;
        auto done = db.transaction([&]() -> Result<void> {
            auto select = db.prepare(QStringLiteral("SELECT id FROM organizations WHERE name = ?"));
            if (!select)
                return select.error();
            select->bind(1, name);
            auto row = select->step();
            if (!row)
                return row.error();
            if (row.value()) {
                id = select->columnText(0);
                return {};
            }
            id = crypto::randomUuid();
            auto insert = db.prepare(QStringLiteral(
                "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)"));
            if (!insert)
                return insert.error();
            insert->bind(1, id).bind(2, name).bind(3, QDateTime::currentMSecsSinceEpoch());
            return insert->exec();
        });
        if (!done)
            return done.error();
        return id;
    });
}

Result<UserRow> UserRepository::create(const QString& organizationId,
                                       const QString& normalisedEmail, const QString& passwordHash,
                                       bool isAdmin)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<UserRow> {
        UserRow user;
        user.id = crypto::randomUuid();
        user.organizationId = organizationId;
        user.email = normalisedEmail;
        user.passwordHash = passwordHash;
        user.isAdmin = isAdmin;
        user.createdAt = QDateTime::currentMSecsSinceEpoch();

        // Checked inside the transaction, so two processes adding one address cannot both pass.
        auto done = db.transaction([&]() -> Result<void> {
            auto existing = findByEmail(normalisedEmail);
            if (!existing)
                return existing.error();
            if (existing.value()) {
                return makeError(QString::fromLatin1(kEmailTaken),
                                 QStringLiteral("A user with this e-mail address already exists."));
            }
            auto insert = db.prepare(QStringLiteral("INSERT INTO users (id, organization_id, "
                                                    "email, password_hash, is_admin, created_at) "
                                                    "VALUES (?, ?, ?, ?, ?, ?)"));
            if (!insert)
                return insert.error();
            insert->bind(1, user.id)
                .bind(2, user.organizationId)
                .bind(3, user.email)
                .bind(4, user.passwordHash)
                .bind(5, qint64(user.isAdmin ? 1 : 0))
                .bind(6, user.createdAt);
            return insert->exec();
        });
        if (!done)
            return done.error();
        return user;
    });
}

Result<void> UserRepository::updatePasswordHash(const QString& userId, const QString& passwordHash)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto update = db.prepare(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"));
        if (!update)
            return update.error();
        update->bind(1, passwordHash).bind(2, userId);
        return update->exec();
    });
}

} // namespace chartinsight::server
