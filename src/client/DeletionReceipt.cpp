#include "DeletionReceipt.h"

#include "core/DeletionReceipt.h"
#include "core/ErrorCodes.h"
#include "crypto/Ed25519.h"

#include <QJsonDocument>

namespace chartinsight::client {
namespace {

// Maximum size of a receipt file; a receipt has well under 2 KiB.
constexpr qsizetype kMaxReceiptBytes = 64 * 1024;

Error notAReceipt(const QString& reason)
{
    return makeError(QString::fromLatin1(errc::kInvalidRequest),
                     QStringLiteral("The file is not a deletion receipt: %1. Give the file that "
                                    "'delete ID --receipt FILE' wrote.")
                         .arg(reason));
}

Error invalidSignature(const QString& reason)
{
    return makeError(
        QString::fromLatin1(errc::kInvalidSignature),
        QStringLiteral("The deletion receipt is NOT valid: %1. Do not rely on it.").arg(reason));
}

} // namespace

Result<VerifiedReceipt> verifyDeletionReceipt(const QByteArray& receiptFile,
                                              const QByteArray& publicKeyPem)
{
    if (receiptFile.size() > kMaxReceiptBytes)
        return notAReceipt(QStringLiteral("it has more than %1 bytes").arg(kMaxReceiptBytes));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(receiptFile, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return notAReceipt(QStringLiteral("it is not a JSON object"));
    const QJsonObject file = document.object();
    const QJsonValue receipt = file.value(QStringLiteral("receipt"));
    const QJsonValue signature = file.value(QStringLiteral("signature"));
    const QJsonValue keyId = file.value(QStringLiteral("key_id"));
    if (!receipt.isObject() || !signature.isString() || !keyId.isString())
        return notAReceipt(QStringLiteral("it lacks the \"receipt\" object or the \"signature\" "
                                          "or \"key_id\" string"));
    const auto decoded = QByteArray::fromBase64Encoding(signature.toString().toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return notAReceipt(QStringLiteral("the signature is not base64"));

    auto publicKey = crypto::ed25519PublicKeyFromPem(publicKeyPem);
    if (!publicKey)
        return publicKey.error();
    const QString serverKeyId = QString::fromLatin1(crypto::ed25519KeyId(*publicKey));
    if (keyId.toString() != serverKeyId) {
        return invalidSignature(QStringLiteral("it names the signing key %1, but the key given "
                                               "is %2, so another server or key signed it")
                                    .arg(keyId.toString().left(64), serverKeyId));
    }
    auto valid =
        crypto::ed25519Verify(*publicKey, receiptSigningBytes(receipt.toObject()), *decoded);
    if (!valid)
        return valid.error();
    if (!*valid) {
        return invalidSignature(QStringLiteral("its signature does not match its fields, so the "
                                               "receipt was changed after the server signed it"));
    }
    return VerifiedReceipt{receipt.toObject(), serverKeyId};
}

} // namespace chartinsight::client
