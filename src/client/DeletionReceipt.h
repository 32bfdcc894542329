#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace chartinsight::client {

// A deletion receipt whose signature checked out.
struct VerifiedReceipt
{
    QJsonObject receipt; // the signed fields: "record_id", "content_sha256", "removed", ...
    QString keyId;       // lower-case hex SHA-256 of the signing key
};

// Checks a deletion receipt as DELETE /api/v1/records/{id} returns it and `delete --receipt`
// saves it: {"receipt": {...}, "signature": base64, "key_id": hex}. The Ed25519 signature must
// match the receipt's fields (DeletionReceipt.h in core names the signed bytes) under the
// public key in `publicKeyPem`.
//
// Fails with "invalid_request" when the file is no receipt or the key is no Ed25519 PEM key,
// and with "invalid_signature" when the receipt was signed by another key or any of its fields
// changed after signing.
Result<VerifiedReceipt> verifyDeletionReceipt(const QByteArray& receiptFile,
                                              const QByteArray& publicKeyPem);

} // namespace chartinsight::client
