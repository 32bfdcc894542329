#pragma once

#include "core/Result.h"

#include <QByteArray>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// Server-wide secrets kept in the (encrypted) database, table server_secrets.
struct ServerSecrets
{
    QByteArray masterKey;      // 32 bytes; wraps every object's data key
    QByteArray passwordPepper; // 32 bytes; HMAC key applied to passwords before bcrypt
    // 32 bytes; the raw Ed25519 private key that signs deletion receipts. Its public half is
    // served at GET /api/v1/receipt-key.
    QByteArray receiptSigningKey;

    // Reads the secrets, creating the missing ones with random bytes. Safe when two processes
    // start at once: the check and the insert run in one write transaction.
    static Result<ServerSecrets> loadOrCreate(storage::SqlDatabase& database);
};

} // namespace chartinsight::server
