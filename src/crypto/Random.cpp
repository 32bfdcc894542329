#include "Random.h"

#include <QLoggingCategory>
#include <QUuid>

#include <openssl/rand.h>

#include <climits>
#include <cstdlib>

namespace chartinsight::crypto {
namespace {

Q_LOGGING_CATEGORY(lcRandom, "chartinsight.crypto.random")

constexpr qsizetype kTokenBytes = 32; // 256 bits

} // namespace

QByteArray randomBytes(qsizetype count)
{
    if (count <= 0)
        return {};

    QByteArray bytes(count, Qt::Uninitialized);
    auto* out = reinterpret_cast<unsigned char*>(bytes.data());
    qsizetype done = 0;
    while (done < count) {
        // RAND_bytes takes an int length, so larger requests are filled in chunks.
        const int chunk = int(std::min<qsizetype>(count - done, INT_MAX));
        if (RAND_bytes(out + done, chunk) != 1) {
            qCCritical(lcRandom, "OpenSSL RAND_bytes failed; stopping because no key, id or "
                                 "token can be made safely without a working random generator");
            std::abort();
        }
        done += chunk;
    }
    return bytes;
}

QString randomUuid()
{
    QByteArray bytes = randomBytes(16);
    // RFC 4122 section 4.4: version 4 in the high nibble of byte 6, variant 10 in byte 8.
    bytes[6] = char((uchar(bytes[6]) & 0x0f) | 0x40);
    bytes[8] = char((uchar(bytes[8]) & 0x3f) | 0x80);
    return QUuid::fromRfc4122(bytes).toString(QUuid::WithoutBraces);
}

QString randomToken()
{
    return QString::fromLatin1(
        randomBytes(kTokenBytes)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace chartinsight::crypto
