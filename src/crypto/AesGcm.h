#pragma once

#include <QByteArray>

struct evp_cipher_ctx_st;

namespace chartinsight::crypto {

inline constexpr qsizetype kGcmNonceSize = 12;
inline constexpr qsizetype kGcmTagSize = 16;

// AES-256-GCM over one reusable OpenSSL EVP context, for the key wrap and the segmented file
// format. Internal to the crypto library. Each call takes the 32-byte key, a 12-byte nonce,
// the additional authenticated data and a message of at most INT_MAX bytes.
class AesGcm
{
public:
    AesGcm();
    ~AesGcm();
    AesGcm(const AesGcm&) = delete;
    AesGcm& operator=(const AesGcm&) = delete;

    // False when OpenSSL could not allocate the context. Every call then fails.
    bool isValid() const { return m_context != nullptr; }

    // Encrypts `size` bytes of `in` into `out` (the same size) and writes the 16-byte tag.
    // Returns false only when OpenSSL fails.
    bool encrypt(const QByteArray& key, const unsigned char* nonce, const QByteArray& aad,
                 const unsigned char* in, qsizetype size, unsigned char* out, unsigned char* tag);

    // Decrypts `size` bytes of `in` into `out` and checks the tag. Returns false when the tag,
    // the key, the nonce or the additional data does not match; `out` is then wiped.
    bool decrypt(const QByteArray& key, const unsigned char* nonce, const QByteArray& aad,
                 const unsigned char* in, qsizetype size, unsigned char* out,
                 const unsigned char* tag);

private:
    evp_cipher_ctx_st* m_context;
};

} // namespace chartinsight::crypto
