#include "crypto/Certificate.h"
#include "support/TestSupport.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace chartinsight::crypto;
using chartinsight::test::runProcess;

namespace {

const QStringList kHosts{QStringLiteral("127.0.0.1"), QStringLiteral("localhost"),
                         QStringLiteral("::1")};

QByteArray readBytes(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// Runs the openssl command-line tool and returns its standard output, or an empty array when
// it fails.
QByteArray openssl(const QStringList& arguments)
{
    const auto output = runProcess(QStringLiteral("openssl"), arguments);
    return output.exitCode == 0 ? output.standardOutput : QByteArray();
}

} // namespace

class TestCertificate : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void createsCertificateAndKey();
    void fingerprintMatchesOpenssl();
    void subjectAndAltNames();
    void verifiesAsServerCertificate();
    void keyMatchesCertificate();
    void refusesToOverwriteCertificate();
    void refusesToOverwriteKey();
    void rejectsInvalidRequests_data();
    void rejectsInvalidRequests();
    void fingerprintRejectsBadFiles();

private:
    QString m_certificate;
    QString m_key;
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCertificate::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_certificate = m_dir->filePath(QStringLiteral("server.crt"));
    m_key = m_dir->filePath(QStringLiteral("server.key"));
}

void TestCertificate::createsCertificateAndKey()
{
    const mode_t previous = ::umask(0);
    const auto created = createSelfSignedCertificate(m_certificate, m_key, kHosts, 30);
    ::umask(previous);
    QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().message));

    QVERIFY(readBytes(m_certificate).startsWith("-----BEGIN CERTIFICATE-----"));
    QVERIFY(readBytes(m_key).startsWith("-----BEGIN PRIVATE KEY-----"));
    struct stat status = {};
    QCOMPARE(::stat(QFile::encodeName(m_key).constData(), &status), 0);
    QCOMPARE(status.st_mode & 0777, mode_t(0600));
}

void TestCertificate::fingerprintMatchesOpenssl()
{
    QVERIFY(createSelfSignedCertificate(m_certificate, m_key, kHosts, 30).ok());
    const auto fingerprint = certificateSha256Fingerprint(m_certificate);
    QVERIFY(fingerprint.ok());
    static const QRegularExpression format(QStringLiteral("^([0-9A-F]{2}:){31}[0-9A-F]{2}$"));
    QVERIFY2(format.match(fingerprint.value()).hasMatch(), qPrintable(fingerprint.value()));
    QCOMPARE(fingerprint->size(), 95);

    // openssl prints "SHA256 Fingerprint=AB:CD:...".
    const QByteArray output =
        openssl({QStringLiteral("x509"), QStringLiteral("-noout"), QStringLiteral("-fingerprint"),
                 QStringLiteral("-sha256"), QStringLiteral("-in"), m_certificate});
    QVERIFY(output.contains('='));
    QCOMPARE(fingerprint.value(),
             QString::fromLatin1(output.mid(output.indexOf('=') + 1).trimmed()));
}

void TestCertificate::subjectAndAltNames()
{
    QVERIFY(createSelfSignedCertificate(m_certificate, m_key, kHosts, 30).ok());
    const QByteArray text =
        openssl({QStringLiteral("x509"), QStringLiteral("-noout"), QStringLiteral("-text"),
                 QStringLiteral("-in"), m_certificate});
    QVERIFY(text.contains("Subject: CN = 127.0.0.1"));
    QVERIFY(text.contains("IP Address:127.0.0.1"));
    QVERIFY(text.contains("DNS:localhost"));
    QVERIFY(text.contains("IP Address:0:0:0:0:0:0:0:1"));
    QVERIFY(text.contains("ecdsa-with-SHA256"));
    QVERIFY(text.contains("prime256v1"));
    QVERIFY(text.contains("CA:FALSE"));
    QVERIFY(text.contains("TLS Web Server Authentication"));
}

void TestCertificate::verifiesAsServerCertificate()
{
    QVERIFY(createSelfSignedCertificate(m_certificate, m_key, kHosts, 30).ok());
    const QByteArray byAddress =
        openssl({QStringLiteral("verify"), QStringLiteral("-purpose"), QStringLiteral("sslserver"),
                 QStringLiteral("-verify_ip"), QStringLiteral("127.0.0.1"),
                 QStringLiteral("-CAfile"), m_certificate, m_certificate});
    QVERIFY2(byAddress.trimmed().endsWith(": OK"), byAddress.constData());
    const QByteArray byName =
        openssl({QStringLiteral("verify"), QStringLiteral("-purpose"), QStringLiteral("sslserver"),
                 QStringLiteral("-verify_hostname"), QStringLiteral("localhost"),
                 QStringLiteral("-CAfile"), m_certificate, m_certificate});
    QVERIFY2(byName.trimmed().endsWith(": OK"), byName.constData());
    const auto wrongName = runProcess(QStringLiteral("openssl"),
                                      {QStringLiteral("verify"), QStringLiteral("-verify_hostname"),
                                       QStringLiteral("example.org"), QStringLiteral("-CAfile"),
                                       m_certificate, m_certificate});
    QVERIFY(wrongName.exitCode != 0);
}

void TestCertificate::keyMatchesCertificate()
{
    QVERIFY(createSelfSignedCertificate(m_certificate, m_key, kHosts, 30).ok());
    const QByteArray fromCertificate =
        openssl({QStringLiteral("x509"), QStringLiteral("-noout"), QStringLiteral("-pubkey"),
                 QStringLiteral("-in"), m_certificate});
    const QByteArray fromKey =
        openssl({QStringLiteral("pkey"), QStringLiteral("-pubout"), QStringLiteral("-in"), m_key});
    QVERIFY(!fromKey.isEmpty());
    QCOMPARE(fromCertificate, fromKey);
}

void TestCertificate::refusesToOverwriteCertificate()
{
    QVERIFY(writeBytes(m_certificate, "existing certificate"));
    const auto created = createSelfSignedCertificate(m_certificate, m_key, kHosts, 30);
    QVERIFY(!created.ok());
    QVERIFY(created.error().message.contains(m_certificate));
    QCOMPARE(readBytes(m_certificate), QByteArray("existing certificate"));
    QVERIFY(!QFile::exists(m_key));
}

void TestCertificate::refusesToOverwriteKey()
{
    QVERIFY(createSelfSignedCertificate(m_certificate, m_key, kHosts, 30).ok());
    const QByteArray key = readBytes(m_key);
    QVERIFY(QFile::remove(m_certificate));
    const auto created = createSelfSignedCertificate(m_certificate, m_key, kHosts, 30);
    QVERIFY(!created.ok());
    QVERIFY(created.error().message.contains(m_key));
    QCOMPARE(readBytes(m_key), key);
    QVERIFY(!QFile::exists(m_certificate));
}

void TestCertificate::rejectsInvalidRequests_data()
{
    QTest::addColumn<QStringList>("hosts");
    QTest::addColumn<int>("validDays");
    QTest::newRow("no hosts") << QStringList() << 30;
    QTest::newRow("zero days") << kHosts << 0;
    QTest::newRow("comma injection")
        << QStringList{QStringLiteral("a.example,DNS:evil.example")} << 30;
    QTest::newRow("space") << QStringList{QStringLiteral("bad host")} << 30;
    QTest::newRow("empty name") << QStringList{QString()} << 30;
}

void TestCertificate::rejectsInvalidRequests()
{
    QFETCH(QStringList, hosts);
    QFETCH(int, validDays);
    QVERIFY(!createSelfSignedCertificate(m_certificate, m_key, hosts, validDays).ok());
    QVERIFY(!QFile::exists(m_certificate));
    QVERIFY(!QFile::exists(m_key));
}

void TestCertificate::fingerprintRejectsBadFiles()
{
    QVERIFY(!certificateSha256Fingerprint(m_dir->filePath(QStringLiteral("missing.crt"))).ok());
    const QString garbage = m_dir->filePath(QStringLiteral("garbage.crt"));
    QVERIFY(writeBytes(garbage, "not a certificate"));
    QVERIFY(!certificateSha256Fingerprint(garbage).ok());
}

QTEST_GUILESS_MAIN(TestCertificate)
#include "TestCertificate.moc"
