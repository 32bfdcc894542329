#include "Certificate.h"

#include "Random.h"
#include "core/ErrorCodes.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace chartinsight::crypto {
namespace {

constexpr qsizetype kSerialBytes = 16;  // 128 random bits
constexpr long kBackdateSeconds = 3600; // tolerates clients whose clock is up to an hour behind
constexpr qint64 kMaxCertificateFileSize = 1024 * 1024;
constexpr int kMaxDnsNameLength = 253;

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter
{
    void operator()(T* pointer) const { Free(pointer); }
};
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BIGNUM, BN_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using ExtensionPtr =
    std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION, X509_EXTENSION_free>>;
using GeneralNamesPtr =
    std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

// Builds a "crypto_error" with OpenSSL's reason for the latest failure, and clears OpenSSL's
// per-thread error queue so that the next caller does not see a stale entry.
Error openSslError(const QString& what)
{
    char reason[256] = "unknown reason";
    if (const unsigned long code = ERR_peek_last_error())
        ERR_error_string_n(code, reason, sizeof reason);
    ERR_clear_error();
    return makeError(QString::fromLatin1(errc::kCrypto),
                     QStringLiteral("%1 failed in OpenSSL: %2.").arg(what, QLatin1String(reason)));
}

Error fileError(const QString& action, const QString& path, int error)
{
    return makeError(QString::fromLatin1(errc::kIo),
                     QStringLiteral("%1 %2 failed: %3.")
                         .arg(action, path, QString::fromLocal8Bit(std::strerror(error))));
}

bool isValidDnsName(const QString& name)
{
    // Letters, digits, hyphens and dots, optionally one leading "*." wildcard label.
    static const QRegularExpression pattern(
        QStringLiteral("^(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
                       "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$"));
    return name.size() <= kMaxDnsNameLength && pattern.match(name).hasMatch();
}

Result<GeneralNamesPtr> makeSubjectAltNames(const QStringList& hostNames)
{
    GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    if (!names)
        return openSslError(QStringLiteral("Allocating the subject alternative names"));

    for (const QString& host : hostNames) {
        const QByteArray ascii = host.toLatin1();
        GENERAL_NAME* name = GENERAL_NAME_new();
        if (name == nullptr)
            return openSslError(QStringLiteral("Allocating a subject alternative name"));
        if (ASN1_OCTET_STRING* address = a2i_IPADDRESS(ascii.constData())) {
            GENERAL_NAME_set0_value(name, GEN_IPADD, address);
        } else if (isValidDnsName(host)) {
            ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
            if (dns == nullptr || ASN1_STRING_set(dns, ascii.constData(), int(ascii.size())) != 1) {
                ASN1_IA5STRING_free(dns);
                GENERAL_NAME_free(name);
                return openSslError(QStringLiteral("Encoding the DNS name %1").arg(host));
            }
            GENERAL_NAME_set0_value(name, GEN_DNS, dns);
        } else {
            GENERAL_NAME_free(name);
            ERR_clear_error(); // a2i_IPADDRESS queued an error for the non-address
            return makeError(QString::fromLatin1(errc::kInvalidRequest),
                             QStringLiteral("The host name \"%1\" is neither an IP address nor a "
                                            "valid DNS name. Use names like 127.0.0.1, ::1 or "
                                            "records.example.org.")
                                 .arg(host));
        }
        if (sk_GENERAL_NAME_push(names.get(), name) == 0) {
            GENERAL_NAME_free(name);
            return openSslError(QStringLiteral("Adding a subject alternative name"));
        }
    }
    return names;
}

Result<void> addExtension(X509* certificate, X509V3_CTX* context, int nid, const char* value)
{
    ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, context, nid, value));
    if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1)
        return openSslError(
            QStringLiteral("Adding the %1 extension").arg(QLatin1String(OBJ_nid2sn(nid))));
    return {};
}

Result<void> addExtensions(X509* certificate, const QStringList& hostNames)
{
    auto names = makeSubjectAltNames(hostNames);
    if (!names)
        return names.error();
    if (X509_add1_ext_i2d(certificate, NID_subject_alt_name, names->get(), 0, X509V3_ADD_DEFAULT) !=
        1) {
        return openSslError(QStringLiteral("Adding the subjectAltName extension"));
    }

    X509V3_CTX context;
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    // A server certificate only: it may not sign other certificates.
    const std::pair<int, const char*> extensions[] = {
        {NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature"},
        {NID_ext_key_usage, "serverAuth"},
        {NID_subject_key_identifier, "hash"},
        {NID_authority_key_identifier, "keyid:always"},
    };
    for (const auto& [nid, value] : extensions) {
        if (auto added = addExtension(certificate, &context, nid, value); !added)
            return added;
    }
    return {};
}

Result<X509Ptr> buildCertificate(EVP_PKEY* key, const QStringList& hostNames, int validDays)
{
    X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1)
        return openSslError(QStringLiteral("Creating the certificate"));

    const QByteArray serialBytes = randomBytes(kSerialBytes);
    BignumPtr serial(BN_bin2bn(reinterpret_cast<const unsigned char*>(serialBytes.constData()),
                               int(serialBytes.size()), nullptr));
    if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
        return openSslError(QStringLiteral("Setting the serial number"));

    if (!X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -kBackdateSeconds) ||
        !X509_time_adj_ex(X509_getm_notAfter(certificate.get()), validDays, 0, nullptr)) {
        return openSslError(
            QStringLiteral("Setting the validity period of %1 days").arg(validDays));
    }

    X509_NAME* subject = X509_get_subject_name(certificate.get());
    const QByteArray commonName = hostNames.first().toUtf8();
    if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(commonName.constData()),
                                   int(commonName.size()), -1, 0) != 1 ||
        X509_set_issuer_name(certificate.get(), subject) != 1) {
        return openSslError(QStringLiteral("Setting the common name %1").arg(hostNames.first()));
    }
    if (X509_set_pubkey(certificate.get(), key) != 1)
        return openSslError(QStringLiteral("Setting the public key"));

    if (auto added = addExtensions(certificate.get(), hostNames); !added)
        return added.error();

    if (X509_sign(certificate.get(), key, EVP_sha256()) <= 0)
        return openSslError(QStringLiteral("Signing the certificate"));
    return certificate;
}

// Returns a copy of the bytes a memory BIO contains.
QByteArray bioContents(BIO* bio)
{
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(length));
}

// Creates `path` with O_EXCL (never replacing a file), writes `contents` and fsyncs it.
// Returns 0 or an errno value. A file it created but could not fill is removed again.
int writeNewFile(const QString& path, const QByteArray& contents, mode_t mode)
{
    const QByteArray encoded = QFile::encodeName(path);
    const int fd = ::open(encoded.constData(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0)
        return errno;

    int error = 0;
    const char* data = contents.constData();
    qsizetype left = contents.size();
    while (left > 0 && error == 0) {
        const ssize_t n = ::write(fd, data, size_t(left));
        if (n < 0 && errno != EINTR)
            error = errno;
        if (n > 0) {
            data += n;
            left -= n;
        }
    }
    if (error == 0 && ::fsync(fd) != 0)
        error = errno;
    if (::close(fd) != 0 && error == 0)
        error = errno;
    if (error != 0)
        ::unlink(encoded.constData());
    return error;
}

Result<void> checkRequest(const QString& certificatePath, const QString& keyPath,
                          const QStringList& hostNames, int validDays)
{
    if (hostNames.isEmpty()) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("A certificate needs at least one host name or IP "
                                        "address."));
    }
    if (validDays < 1) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The certificate validity of %1 days is invalid: use at "
                                        "least 1 day.")
                             .arg(validDays));
    }
    if (QFileInfo(certificatePath).absoluteFilePath() == QFileInfo(keyPath).absoluteFilePath()) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The certificate and the key need two different files, "
                                        "but both are %1.")
                             .arg(certificatePath));
    }
    for (const QString& path : {certificatePath, keyPath}) {
        // A dangling symbolic link counts as existing: O_EXCL would reject it too.
        if (QFileInfo(path).exists() || QFileInfo(path).isSymLink()) {
            return makeError(QString::fromLatin1(errc::kIo),
                             QStringLiteral("%1 already exists and is never overwritten. Move it "
                                            "away to create a new certificate.")
                                 .arg(path));
        }
    }
    return {};
}

} // namespace

Result<void> createSelfSignedCertificate(const QString& certificatePath, const QString& keyPath,
                                         const QStringList& hostNames, int validDays)
{
    if (auto checked = checkRequest(certificatePath, keyPath, hostNames, validDays); !checked)
        return checked;

    KeyPtr key(EVP_EC_gen("P-256"));
    if (!key)
        return openSslError(QStringLiteral("Generating an ECDSA P-256 key"));
    auto certificate = buildCertificate(key.get(), hostNames, validDays);
    if (!certificate)
        return certificate.error();

    // A BIO_s_secmem buffer is wiped when freed, so the key's PEM text does not linger.
    BioPtr keyBio(BIO_new(BIO_s_secmem()));
    BioPtr certificateBio(BIO_new(BIO_s_mem()));
    if (!keyBio || !certificateBio ||
        PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1 ||
        PEM_write_bio_X509(certificateBio.get(), certificate->get()) != 1) {
        return openSslError(QStringLiteral("Encoding the certificate and key as PEM"));
    }

    QByteArray keyPem = bioContents(keyBio.get());
    const int keyError = writeNewFile(keyPath, keyPem, S_IRUSR | S_IWUSR);
    OPENSSL_cleanse(keyPem.data(), size_t(keyPem.size()));
    if (keyError != 0)
        return fileError(QStringLiteral("Creating the private key file"), keyPath, keyError);

    const int certificateError = writeNewFile(certificatePath, bioContents(certificateBio.get()),
                                              S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH);
    if (certificateError != 0) {
        // The key file is new and belongs to no certificate, so it is removed too.
        ::unlink(QFile::encodeName(keyPath).constData());
        return fileError(QStringLiteral("Creating the certificate file"), certificatePath,
                         certificateError);
    }
    return {};
}

Result<QString> certificateSha256Fingerprint(const QString& certificatePath)
{
    QFile file(certificatePath);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(QString::fromLatin1(errc::kIo),
                         QStringLiteral("Opening the certificate file %1 failed: %2.")
                             .arg(certificatePath, file.errorString()));
    }
    const QByteArray pem = file.read(kMaxCertificateFileSize + 1);
    if (pem.size() > kMaxCertificateFileSize) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The certificate file %1 is larger than %2 bytes; expected "
                                        "one PEM certificate.")
                             .arg(certificatePath)
                             .arg(kMaxCertificateFileSize));
    }

    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    X509Ptr certificate(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!certificate) {
        ERR_clear_error();
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The file %1 contains no PEM certificate (expected "
                                        "\"-----BEGIN CERTIFICATE-----\").")
                             .arg(certificatePath));
    }

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(certificate.get(), EVP_sha256(), digest, &length) != 1)
        return openSslError(QStringLiteral("Hashing the certificate %1").arg(certificatePath));
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(digest), int(length)).toHex(':').toUpper());
}

} // namespace chartinsight::crypto
