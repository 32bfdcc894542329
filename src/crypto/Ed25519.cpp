#include "Ed25519.h"

#include "Hash.h"
#include "core/ErrorCodes.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace chartinsight::crypto {
namespace {

// Maximum size of a PEM public key; an Ed25519 key in PEM has 113 bytes.
constexpr qsizetype kMaxPemBytes = 4096;

struct KeyDeleter
{
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct ContextDeleter
{
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
struct BioDeleter
{
    void operator()(BIO* bio) const { BIO_free(bio); }
};
using KeyPointer = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using ContextPointer = std::unique_ptr<EVP_MD_CTX, ContextDeleter>;
using BioPointer = std::unique_ptr<BIO, BioDeleter>;

const unsigned char* bytes(const QByteArray& data)
{
    return reinterpret_cast<const unsigned char*>(data.constData());
}

Error cryptoError(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kCrypto), message);
}

Error keySizeError(const char* what, qsizetype size)
{
    return cryptoError(QStringLiteral("The Ed25519 %1 has %2 bytes instead of %3.")
                           .arg(QLatin1String(what))
                           .arg(size)
                           .arg(kEd25519KeySize));
}

Result<KeyPointer> privateKeyOf(const QByteArray& privateKey)
{
    if (privateKey.size() != kEd25519KeySize)
        return keySizeError("private key", privateKey.size());
    KeyPointer key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(privateKey),
                                                size_t(privateKey.size())));
    if (!key)
        return cryptoError(QStringLiteral("OpenSSL could not load an Ed25519 private key."));
    return key;
}

Result<KeyPointer> publicKeyOf(const QByteArray& publicKey)
{
    if (publicKey.size() != kEd25519KeySize)
        return keySizeError("public key", publicKey.size());
    KeyPointer key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(publicKey),
                                               size_t(publicKey.size())));
    if (!key)
        return cryptoError(QStringLiteral("OpenSSL could not load an Ed25519 public key."));
    return key;
}

Result<QByteArray> rawPublicKey(EVP_PKEY* key)
{
    QByteArray raw(kEd25519KeySize, '\0');
    size_t length = size_t(raw.size());
    if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &length) !=
            1 ||
        length != size_t(kEd25519KeySize)) {
        return cryptoError(QStringLiteral("OpenSSL could not export an Ed25519 public key."));
    }
    return raw;
}

} // namespace

Result<QByteArray> ed25519PublicKey(const QByteArray& privateKey)
{
    auto key = privateKeyOf(privateKey);
    if (!key)
        return key.error();
    return rawPublicKey(key->get());
}

Result<QByteArray> ed25519Sign(const QByteArray& privateKey, const QByteArray& message)
{
    auto key = privateKeyOf(privateKey);
    if (!key)
        return key.error();
    ContextPointer context(EVP_MD_CTX_new());
    // Ed25519 hashes internally, so the digest argument is null and the message is signed in
    // one call.
    if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key->get()) != 1)
        return cryptoError(QStringLiteral("OpenSSL could not start an Ed25519 signature."));
    QByteArray signature(kEd25519SignatureSize, '\0');
    size_t length = size_t(signature.size());
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       bytes(message), size_t(message.size())) != 1 ||
        length != size_t(kEd25519SignatureSize)) {
        return cryptoError(QStringLiteral("OpenSSL could not compute an Ed25519 signature."));
    }
    return signature;
}

Result<bool> ed25519Verify(const QByteArray& publicKey, const QByteArray& message,
                           const QByteArray& signature)
{
    auto key = publicKeyOf(publicKey);
    if (!key)
        return key.error();
    if (signature.size() != kEd25519SignatureSize)
        return false;
    ContextPointer context(EVP_MD_CTX_new());
    if (!context || EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key->get()) != 1)
        return cryptoError(QStringLiteral("OpenSSL could not start an Ed25519 verification."));
    return EVP_DigestVerify(context.get(), bytes(signature), size_t(signature.size()),
                            bytes(message), size_t(message.size())) == 1;
}

Result<QByteArray> ed25519PublicKeyToPem(const QByteArray& publicKey)
{
    auto key = publicKeyOf(publicKey);
    if (!key)
        return key.error();
    BioPointer bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key->get()) != 1)
        return cryptoError(QStringLiteral("OpenSSL could not write an Ed25519 public key as "
                                          "PEM."));
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, qsizetype(length));
}

QByteArray ed25519KeyId(const QByteArray& publicKey)
{
    return Sha256::hash(publicKey).toHex();
}

Result<QByteArray> ed25519PublicKeyFromPem(const QByteArray& pem)
{
    const auto invalid = [](const QString& reason) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The public key is not usable: %1. Give the PEM text "
                                        "that GET /api/v1/receipt-key returns.")
                             .arg(reason));
    };
    if (pem.size() > kMaxPemBytes)
        return invalid(QStringLiteral("it has more than %1 bytes").arg(kMaxPemBytes));
    BioPointer bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    if (!bio)
        return cryptoError(QStringLiteral("OpenSSL could not read a PEM text."));
    KeyPointer key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key)
        return invalid(QStringLiteral("it is not a PEM public key (BEGIN PUBLIC KEY)"));
    if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
        return invalid(QStringLiteral("it is not an Ed25519 key"));
    return rawPublicKey(key.get());
}

} // namespace chartinsight::crypto
