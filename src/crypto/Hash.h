#pragma once

#include "core/Result.h"

#include <QByteArray>

#include <memory>

struct evp_md_ctx_st;

namespace chartinsight::crypto {

// Incremental SHA-256 over OpenSSL EVP.
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void addData(const char* data, qsizetype size);
    void addData(const QByteArray& data) { addData(data.constData(), data.size()); }
    QByteArray result(); // 32 raw bytes; the object then starts a new, empty hash

    static QByteArray hash(const QByteArray& data);

private:
    evp_md_ctx_st* m_context = nullptr;
};

// HMAC-SHA-256 of `data` under `key`: 32 raw bytes.
QByteArray hmacSha256(const QByteArray& key, const QByteArray& data);

// Compares two byte strings in time that depends only on their lengths (CRYPTO_memcmp).
bool constantTimeEquals(const QByteArray& a, const QByteArray& b);

} // namespace chartinsight::crypto
