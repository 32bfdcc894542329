#include "Hash.h"

#include <QLoggingCategory>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>

namespace chartinsight::crypto {
namespace {

Q_LOGGING_CATEGORY(lcHash, "chartinsight.crypto.hash")

constexpr int kSha256Size = 32;

// SHA-256 and HMAC-SHA-256 fail only when OpenSSL cannot allocate memory or its default
// provider is missing. No caller could recover from that, so the process stops.
[[noreturn]] void abortOnDigestFailure(const char* what)
{
    qCCritical(lcHash, "OpenSSL %s failed; stopping because hashes cannot be computed", what);
    std::abort();
}

} // namespace

Sha256::Sha256() : m_context(EVP_MD_CTX_new())
{
    if (m_context == nullptr || EVP_DigestInit_ex(m_context, EVP_sha256(), nullptr) != 1)
        abortOnDigestFailure("SHA-256 initialisation");
}

Sha256::~Sha256()
{
    EVP_MD_CTX_free(m_context);
}

void Sha256::addData(const char* data, qsizetype size)
{
    if (size <= 0)
        return;
    if (EVP_DigestUpdate(m_context, data, size_t(size)) != 1)
        abortOnDigestFailure("SHA-256 update");
}

QByteArray Sha256::result()
{
    QByteArray digest(kSha256Size, Qt::Uninitialized);
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(m_context, reinterpret_cast<unsigned char*>(digest.data()), &length) !=
            1 ||
        length != kSha256Size) {
        abortOnDigestFailure("SHA-256 finalisation");
    }
    // Start over, so that a second result() returns the hash of the empty input, not garbage.
    if (EVP_DigestInit_ex(m_context, EVP_sha256(), nullptr) != 1)
        abortOnDigestFailure("SHA-256 initialisation");
    return digest;
}

QByteArray Sha256::hash(const QByteArray& data)
{
    Sha256 sha;
    sha.addData(data);
    return sha.result();
}

QByteArray hmacSha256(const QByteArray& key, const QByteArray& data)
{
    QByteArray mac(kSha256Size, Qt::Uninitialized);
    size_t length = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.constData(), size_t(key.size()),
                  reinterpret_cast<const unsigned char*>(data.constData()), size_t(data.size()),
                  reinterpret_cast<unsigned char*>(mac.data()), size_t(mac.size()),
                  &length) == nullptr ||
        length != kSha256Size) {
        abortOnDigestFailure("HMAC-SHA-256");
    }
    return mac;
}

bool constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return false;
    if (a.isEmpty())
        return true;
    return CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

} // namespace chartinsight::crypto
