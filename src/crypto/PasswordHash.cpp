#include "PasswordHash.h"

#include "Hash.h"
#include "core/ErrorCodes.h"

#include <QRegularExpression>

#include <crypt.h>
#include <openssl/crypto.h>

#include <memory>

namespace chartinsight::crypto {
namespace {

// bcrypt accepts work factors 2^4 to 2^31 rounds.
constexpr int kMinBcryptCost = 4;
constexpr int kMaxBcryptCost = 31;

// "$2b$" (or the older "$2a$"/"$2y$"), a two-digit cost, "$", then 22 characters of salt and
// 31 of hash in bcrypt's base64 alphabet.
const QRegularExpression& bcryptPattern()
{
    static const QRegularExpression pattern(
        QStringLiteral("^\\$2[aby]\\$([0-9]{2})\\$[./A-Za-z0-9]{53}$"));
    return pattern;
}

// Returns base64(HMAC-SHA-256(pepper, UTF-8(NFC(password)))): 44 ASCII bytes with no NUL, so
// neither bcrypt's 72-byte limit nor its stop at a NUL byte can cut the password short.
QByteArray preHash(const QString& password, const QByteArray& pepper)
{
    QByteArray utf8 = password.normalized(QString::NormalizationForm_C).toUtf8();
    QByteArray mac = hmacSha256(pepper, utf8);
    OPENSSL_cleanse(utf8.data(), size_t(utf8.size()));
    QByteArray encoded = mac.toBase64();
    OPENSSL_cleanse(mac.data(), size_t(mac.size()));
    return encoded;
}

// struct crypt_data is 32 KiB in libxcrypt 4.4, so it goes on the heap rather than on a worker
// thread's stack. It is wiped when freed because it contains the pre-hashed password.
struct CryptDataDeleter
{
    void operator()(crypt_data* data) const
    {
        OPENSSL_cleanse(data, sizeof *data);
        delete data;
    }
};
using CryptData = std::unique_ptr<crypt_data, CryptDataDeleter>;

CryptData newCryptData()
{
    return CryptData(new crypt_data());
} // value-initialised: zeroed

Error costError(int cost)
{
    return makeError(QString::fromLatin1(errc::kCrypto),
                     QStringLiteral("The bcrypt cost %1 is invalid: use %2 to %3 (the default "
                                    "is %4).")
                         .arg(cost)
                         .arg(kMinBcryptCost)
                         .arg(kMaxBcryptCost)
                         .arg(kDefaultBcryptCost));
}

Error emptyPepperError()
{
    return makeError(QString::fromLatin1(errc::kCrypto),
                     QStringLiteral("The password pepper is empty. Load the server's pepper from "
                                    "the database before hashing or verifying passwords."));
}

} // namespace

Result<QString> hashPassword(const QString& password, const QByteArray& pepper, int cost)
{
    if (cost < kMinBcryptCost || cost > kMaxBcryptCost)
        return costError(cost);
    if (pepper.isEmpty())
        return emptyPepperError();

    char salt[CRYPT_GENSALT_OUTPUT_SIZE] = {};
    // A null random buffer makes libxcrypt draw the salt from the operating system's CSPRNG.
    if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, salt,
                         int(sizeof salt)) == nullptr) {
        return makeError(
            QString::fromLatin1(errc::kCrypto),
            QStringLiteral("libxcrypt could not make a bcrypt salt with cost %1.").arg(cost));
    }

    QByteArray input = preHash(password, pepper);
    CryptData data = newCryptData();
    const char* hashed = crypt_rn(input.constData(), salt, data.get(), int(sizeof *data));
    OPENSSL_cleanse(input.data(), size_t(input.size()));

    const QString result = hashed ? QString::fromLatin1(hashed) : QString();
    if (!bcryptPattern().match(result).hasMatch()) {
        return makeError(
            QString::fromLatin1(errc::kCrypto),
            QStringLiteral("libxcrypt failed to compute a bcrypt hash with cost %1.").arg(cost));
    }
    return result;
}

Result<bool> verifyPassword(const QString& password, const QByteArray& pepper,
                            const QString& storedHash)
{
    if (pepper.isEmpty())
        return emptyPepperError();
    const int cost = bcryptCost(storedHash);
    if (cost < 0) {
        return makeError(QString::fromLatin1(errc::kCrypto),
                         QStringLiteral("A stored password hash is not a bcrypt hash "
                                        "($2b$NN$ and 53 characters). The user needs a password "
                                        "reset."));
    }

    const QByteArray setting = storedHash.toLatin1();
    QByteArray input = preHash(password, pepper);
    CryptData data = newCryptData();
    const char* hashed =
        crypt_rn(input.constData(), setting.constData(), data.get(), int(sizeof *data));
    OPENSSL_cleanse(input.data(), size_t(input.size()));
    if (hashed == nullptr) {
        return makeError(QString::fromLatin1(errc::kCrypto),
                         QStringLiteral("libxcrypt rejected a stored bcrypt hash with cost %1. "
                                        "The user needs a password reset.")
                             .arg(cost));
    }
    return constantTimeEquals(QByteArray(hashed), setting);
}

int bcryptCost(const QString& storedHash)
{
    const QRegularExpressionMatch match = bcryptPattern().match(storedHash);
    if (!match.hasMatch())
        return -1;
    const int cost = match.captured(1).toInt();
    return cost >= kMinBcryptCost && cost <= kMaxBcryptCost ? cost : -1;
}

} // namespace chartinsight::crypto
