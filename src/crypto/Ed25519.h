#pragma once

#include "core/Result.h"

#include <QByteArray>

namespace chartinsight::crypto {

// Ed25519 signatures (RFC 8032) through OpenSSL EVP. Keys are passed in their raw form: a
// 32-byte private key (the seed, any 32 random bytes) and a 32-byte public key.
inline constexpr qsizetype kEd25519KeySize = 32;
inline constexpr qsizetype kEd25519SignatureSize = 64;

// Returns the raw public key of a raw private key.
Result<QByteArray> ed25519PublicKey(const QByteArray& privateKey);

// Signs `message` with a raw private key. Returns the 64-byte signature.
Result<QByteArray> ed25519Sign(const QByteArray& privateKey, const QByteArray& message);

// Returns whether `signature` is a valid signature of `message` under the raw `publicKey`.
// Fails only when the key cannot be used; a wrong or damaged signature returns false.
Result<bool> ed25519Verify(const QByteArray& publicKey, const QByteArray& message,
                           const QByteArray& signature);

// Returns a raw public key as PEM ("-----BEGIN PUBLIC KEY-----", SubjectPublicKeyInfo), the
// form `openssl pkey -pubin` reads.
Result<QByteArray> ed25519PublicKeyToPem(const QByteArray& publicKey);

// Returns the id of a raw public key: the lower-case hex SHA-256 of its 32 bytes.
QByteArray ed25519KeyId(const QByteArray& publicKey);

// Reads the raw public key from PEM. Fails with "invalid_request" when the text is not a PEM
// public key or the key is not Ed25519.
Result<QByteArray> ed25519PublicKeyFromPem(const QByteArray& pem);

} // namespace chartinsight::crypto
