#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace chartinsight::crypto {

inline constexpr int kDefaultBcryptCost = 12; // about 200 ms on one core of the CI machine

// Hashes a password with bcrypt ($2b$, libxcrypt crypt_rn). bcrypt reads at most 72 bytes and
// stops at a NUL byte, so the password is first normalised to Unicode NFC and pre-hashed:
// base64(HMAC-SHA-256(pepper, UTF-8(password))), 44 ASCII bytes with no NUL. Two passwords that
// differ anywhere, even past byte 72 or after a U+0000, therefore get different hashes.
// `pepper` is a server-wide secret kept in the database, not beside the hash. A cost outside
// 4..31 or an empty pepper returns a "crypto_error".
Result<QString> hashPassword(const QString& password, const QByteArray& pepper, int cost);

// Verifies `password` against a stored hash from hashPassword, in constant time.
// Returns false for a wrong password and an error only for a malformed stored hash.
Result<bool> verifyPassword(const QString& password, const QByteArray& pepper,
                            const QString& storedHash);

// Returns the bcrypt cost recorded in a stored hash, or -1 when it cannot be read. A caller
// rehashes at the next successful login when this is lower than the configured cost.
int bcryptCost(const QString& storedHash);

} // namespace chartinsight::crypto
