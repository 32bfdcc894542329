#include "AesGcm.h"

#include "KeyWrap.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>

namespace chartinsight::crypto {
namespace {

const unsigned char* bytes(const QByteArray& array)
{
    return reinterpret_cast<const unsigned char*>(array.constData());
}

bool isUsable(const QByteArray& key, qsizetype size)
{
    return key.size() == kKeySize && size >= 0 && size <= INT_MAX;
}

} // namespace

AesGcm::AesGcm() : m_context(EVP_CIPHER_CTX_new()) {}

AesGcm::~AesGcm()
{
    EVP_CIPHER_CTX_free(m_context);
}

bool AesGcm::encrypt(const QByteArray& key, const unsigned char* nonce, const QByteArray& aad,
                     const unsigned char* in, qsizetype size, unsigned char* out,
                     unsigned char* tag)
{
    if (!isValid() || !isUsable(key, size) || aad.size() > INT_MAX)
        return false;

    int length = 0;
    if (EVP_EncryptInit_ex(m_context, EVP_aes_256_gcm(), nullptr, bytes(key), nonce) != 1)
        return false;
    if (!aad.isEmpty() &&
        EVP_EncryptUpdate(m_context, nullptr, &length, bytes(aad), int(aad.size())) != 1) {
        return false;
    }
    if (size > 0 && EVP_EncryptUpdate(m_context, out, &length, in, int(size)) != 1)
        return false;
    if (EVP_EncryptFinal_ex(m_context, out + size, &length) != 1)
        return false;
    return EVP_CIPHER_CTX_ctrl(m_context, EVP_CTRL_GCM_GET_TAG, int(kGcmTagSize), tag) == 1;
}

bool AesGcm::decrypt(const QByteArray& key, const unsigned char* nonce, const QByteArray& aad,
                     const unsigned char* in, qsizetype size, unsigned char* out,
                     const unsigned char* tag)
{
    if (!isValid() || !isUsable(key, size) || aad.size() > INT_MAX)
        return false;

    int length = 0;
    bool authentic =
        EVP_DecryptInit_ex(m_context, EVP_aes_256_gcm(), nullptr, bytes(key), nonce) == 1;
    if (authentic && !aad.isEmpty())
        authentic =
            EVP_DecryptUpdate(m_context, nullptr, &length, bytes(aad), int(aad.size())) == 1;
    if (authentic && size > 0)
        authentic = EVP_DecryptUpdate(m_context, out, &length, in, int(size)) == 1;
    if (authentic) {
        // EVP_CIPHER_CTX_ctrl takes a non-const pointer but only reads the expected tag.
        authentic = EVP_CIPHER_CTX_ctrl(m_context, EVP_CTRL_GCM_SET_TAG, int(kGcmTagSize),
                                        const_cast<unsigned char*>(tag)) == 1;
    }
    if (authentic)
        authentic = EVP_DecryptFinal_ex(m_context, out + size, &length) == 1;

    // GCM decrypts before it verifies, so plaintext that failed the tag must not stay around.
    if (!authentic && size > 0)
        OPENSSL_cleanse(out, size_t(size));
    return authentic;
}

} // namespace chartinsight::crypto
