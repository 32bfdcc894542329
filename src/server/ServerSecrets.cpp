#include "ServerSecrets.h"

#include "ServerLog.h"
#include "core/ErrorCodes.h"
#include "crypto/Random.h"
#include "storage/SqlDatabase.h"

namespace chartinsight::server {
namespace {

constexpr qsizetype kSecretSize = 32;

Result<QByteArray> loadOrCreateSecret(storage::SqlDatabase& db, const QString& name)
{
    auto select = db.prepare(QStringLiteral("SELECT value FROM server_secrets WHERE name = ?"));
    if (!select)
        return select.error();
    select->bind(1, name);
    auto row = select->step();
    if (!row)
        return row.error();
    if (row.value()) {
        const QByteArray value = select->columnBlob(0);
        if (value.size() != kSecretSize) {
            return makeError(QString::fromLatin1(errc::kIntegrity),
                             QStringLiteral("The server secret '%1' in the database has %2 bytes "
                                            "instead of %3; restore the database from a backup.")
                                 .arg(name)
                                 .arg(value.size())
                                 .arg(kSecretSize));
        }
        return value;
    }

    const QByteArray value = crypto::randomBytes(kSecretSize);
    auto insert =
        db.prepare(QStringLiteral("INSERT INTO server_secrets (name, value) VALUES (?, ?)"));
    if (!insert)
        return insert.error();
    insert->bind(1, name).bind(2, value);
    if (auto inserted = insert->exec(); !inserted)
        return inserted.error();
    qCInfo(lcDatabase).noquote() << "created the server secret" << name;
    return value;
}

} // namespace

Result<ServerSecrets> ServerSecrets::loadOrCreate(storage::SqlDatabase& database)
{
    return database.withLock([&](storage::SqlDatabase& db) -> Result<ServerSecrets> {
        ServerSecrets secrets;
        auto done = db.transaction([&]() -> Result<void> {
            auto master = loadOrCreateSecret(db, QStringLiteral("master_key"));
            if (!master)
                return master.error();
            auto pepper = loadOrCreateSecret(db, QStringLiteral("password_pepper"));
            if (!pepper)
                return pepper.error();
            // Any 32 random bytes are a valid Ed25519 private key (RFC 8032, section 5.1.5).
            auto receiptKey = loadOrCreateSecret(db, QStringLiteral("receipt_signing_key"));
            if (!receiptKey)
                return receiptKey.error();
            secrets.masterKey = master.value();
            secrets.passwordPepper = pepper.value();
            secrets.receiptSigningKey = receiptKey.value();
            return {};
        });
        if (!done)
            return done.error();
        return secrets;
    });
}

} // namespace chartinsight::server
