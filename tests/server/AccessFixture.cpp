#include "AccessFixture.h"

#include "server/SqlHelpers.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QUuid>

namespace chartinsight::test {

AccessFixture::AccessFixture(ServerProcess& server) : m_server(server)
{
    QFile keyFile(QDir(server.dataDir()).filePath(QStringLiteral("db.key")));
    if (!keyFile.open(QIODevice::ReadOnly))
        return;
    const QByteArray key = QByteArray::fromHex(keyFile.readAll().trimmed());
    auto opened = storage::SqlDatabase::open(
        QDir(server.dataDir()).filePath(QStringLiteral("chartinsight.db")), key,
        storage::SqlDatabase::OpenMode::ExistingOnly);
    if (opened)
        m_db = std::move(opened).value();
}

QString AccessFixture::addUser(const QString& email, const QString& password,
                               const QString& organization, bool admin)
{
    QStringList arguments{QStringLiteral("add-user"),
                          QStringLiteral("--data-dir"),
                          m_server.dataDir(),
                          QStringLiteral("--email"),
                          email,
                          QStringLiteral("--organization"),
                          organization};
    if (admin)
        arguments << QStringLiteral("--admin");
    const ProcessOutput output = runProcess(serverExecutable(), arguments, password.toUtf8() + '\n',
                                            60000, {QStringLiteral("CHARTINSIGHT_BCRYPT_COST=4")});
    if (output.exitCode != 0)
        return QString();
    return queryValue(QStringLiteral("SELECT id FROM users WHERE email = ?"), {email});
}

QString AccessFixture::organizationOf(const QString& userId)
{
    return queryValue(QStringLiteral("SELECT organization_id FROM users WHERE id = ?"), {userId});
}

QString AccessFixture::homeTeamOf(const QString& organizationId)
{
    return queryValue(QStringLiteral("SELECT id FROM teams WHERE organization_id = ? AND "
                                     "is_home = 1"),
                      {organizationId});
}

QString AccessFixture::createTeam(const QString& organizationId, const QString& name)
{
    if (!m_db)
        return QString();
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto done = m_db->withLock([&](storage::SqlDatabase& db) {
        return server::sql::run(db,
                                QStringLiteral("INSERT INTO teams (id, organization_id, name, "
                                               "is_home, created_at) VALUES (?, ?, ?, 0, ?)"),
                                {id, organizationId, name, QDateTime::currentMSecsSinceEpoch()});
    });
    return done ? id : QString();
}

bool AccessFixture::setMembership(const QString& teamId, const QString& userId,
                                  server::PermissionSet permissions)
{
    if (!m_db)
        return false;
    auto done = m_db->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto removed = server::sql::run(
                db, QStringLiteral("DELETE FROM team_members WHERE team_id = ? AND user_id = ?"),
                {teamId, userId});
            if (!removed)
                return removed.error();
            auto added = server::sql::run(
                db,
                QStringLiteral("INSERT INTO team_members (team_id, user_id, permissions, "
                               "added_at) VALUES (?, ?, ?, ?)"),
                {teamId, userId, qint64(permissions), QDateTime::currentMSecsSinceEpoch()});
            if (!added)
                return added.error();
            return {};
        });
    });
    return done.ok();
}

bool AccessFixture::removeMembership(const QString& teamId, const QString& userId)
{
    if (!m_db)
        return false;
    auto done = m_db->withLock([&](storage::SqlDatabase& db) {
        return server::sql::run(
            db, QStringLiteral("DELETE FROM team_members WHERE team_id = ? AND user_id = ?"),
            {teamId, userId});
    });
    return done.ok();
}

QString AccessFixture::queryValue(const QString& query, const QVariantList& values)
{
    if (!m_db)
        return QString();
    auto row = m_db->withLock(
        [&](storage::SqlDatabase& db) { return server::sql::firstRow(db, query, values, 1); });
    if (!row || !row.value())
        return QString();
    return row.value()->at(0).toString();
}

} // namespace chartinsight::test
