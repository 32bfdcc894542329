#include "KeyWrap.h"

#include "AesGcm.h"
#include "Random.h"
#include "core/ErrorCodes.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

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

Result<QByteArray> deriveSubkey(const QByteArray& key, const QByteArray& info)
{
    if (key.size() != kKeySize)
        return keySizeError("key to derive from", key.size());
    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr);
    EVP_KDF_CTX* context = kdf ? EVP_KDF_CTX_new(kdf) : nullptr;
    EVP_KDF_free(kdf);
    if (!context) {
        return makeError(QString::fromLatin1(errc::kCrypto),
                         QStringLiteral("OpenSSL has no HKDF implementation; check that its "
                                        "default provider is installed."));
    }
    QByteArray keyCopy = key;
    QByteArray infoCopy = info;
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, keyCopy.data(),
                                          size_t(keyCopy.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, infoCopy.data(),
                                          size_t(infoCopy.size())),
        OSSL_PARAM_construct_end(),
    };
    QByteArray derived(kKeySize, Qt::Uninitialized);
    const int done = EVP_KDF_derive(context, reinterpret_cast<unsigned char*>(derived.data()),
                                    size_t(derived.size()), params);
    EVP_KDF_CTX_free(context);
    keyCopy.fill('\0');
    if (done != 1) {
        return makeError(QString::fromLatin1(errc::kCrypto),
                         QStringLiteral("Deriving a key with HKDF-SHA-256 failed in OpenSSL."));
    }
    return derived;
}

} // namespace chartinsight::crypto
