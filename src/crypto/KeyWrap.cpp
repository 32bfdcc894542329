#include "KeyWrap.h"

#include "AesGcm.h"
#include "Random.h"
#include "core/ErrorCodes.h"

namespace chartinsight::crypto {
namespace {

constexpr qsizetype kWrappedSize = kGcmNonceSize + kKeySize + kGcmTagSize;

Error keySizeError(const char* keyName, qsizetype size)
{
    return makeError(QString::fromLatin1(errc::kCrypto),
                     QStringLiteral("The %1 has %2 bytes, but AES-256 key wrapping needs exactly "
                                    "%3 bytes. Pass a raw 256-bit key.")
                         .arg(QLatin1String(keyName))
                         .arg(size)
                         .arg(kKeySize));
}

} // namespace

Result<QByteArray> wrapKey(const QByteArray& masterKey, const QByteArray& dataKey,
                           const QByteArray& context)
{
    if (masterKey.size() != kKeySize)
        return keySizeError("master key", masterKey.size());
    if (dataKey.size() != kKeySize)
        return keySizeError("data key", dataKey.size());

    QByteArray wrapped = randomBytes(kGcmNonceSize);
    wrapped.resize(kWrappedSize);
    auto* out = reinterpret_cast<unsigned char*>(wrapped.data());
    AesGcm gcm;
    if (!gcm.encrypt(masterKey, out, context,
                     reinterpret_cast<const unsigned char*>(dataKey.constData()), kKeySize,
                     out + kGcmNonceSize, out + kGcmNonceSize + kKeySize)) {
        return makeError(QString::fromLatin1(errc::kCrypto),
                         QStringLiteral("AES-256-GCM encryption of a data key failed in OpenSSL."));
    }
    return wrapped;
}

Result<QByteArray> unwrapKey(const QByteArray& masterKey, const QByteArray& wrapped,
                             const QByteArray& context)
{
    if (masterKey.size() != kKeySize)
        return keySizeError("master key", masterKey.size());
    if (wrapped.size() != kWrappedSize) {
        return makeError(QString::fromLatin1(errc::kIntegrity),
                         QStringLiteral("A wrapped data key has %1 bytes instead of %2: the stored "
                                        "value is damaged.")
                             .arg(wrapped.size())
                             .arg(kWrappedSize));
    }

    const auto* in = reinterpret_cast<const unsigned char*>(wrapped.constData());
    QByteArray dataKey(kKeySize, Qt::Uninitialized);
    AesGcm gcm;
    if (!gcm.decrypt(masterKey, in, context, in + kGcmNonceSize, kKeySize,
                     reinterpret_cast<unsigned char*>(dataKey.data()),
                     in + kGcmNonceSize + kKeySize)) {
        return makeError(QString::fromLatin1(errc::kIntegrity),
                         QStringLiteral("A wrapped data key failed authentication: it was changed, "
                                        "belongs to another record or was wrapped under a "
                                        "different master key."));
    }
    return dataKey;
}

} // namespace chartinsight::crypto
