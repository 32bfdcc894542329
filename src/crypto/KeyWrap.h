#pragma once

#include "core/Result.h"

#include <QByteArray>

namespace chartinsight::crypto {

inline constexpr qsizetype kKeySize = 32; // AES-256

// Wraps a 32-byte data key under a 32-byte master key with AES-256-GCM:
// output = 12-byte random nonce || ciphertext || 16-byte tag. `context` is authenticated but
// not stored (for example the record id), so a wrapped key moved to another record fails to
// unwrap.
Result<QByteArray> wrapKey(const QByteArray& masterKey, const QByteArray& dataKey,
                           const QByteArray& context);

// Reverses wrapKey. A changed byte, a wrong master key or a wrong context returns an
// "integrity_error".
Result<QByteArray> unwrapKey(const QByteArray& masterKey, const QByteArray& wrapped,
                             const QByteArray& context);

// Derives a 32-byte key from a 32-byte key with HKDF-SHA-256 (RFC 5869, no salt). Different
// `info` values give independent keys, so each object encrypted under a record's data key can
// have a key of its own, and the segment nonces of two objects never meet under one key.
Result<QByteArray> deriveSubkey(const QByteArray& key, const QByteArray& info);

} // namespace chartinsight::crypto
