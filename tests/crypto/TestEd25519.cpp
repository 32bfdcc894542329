// Ed25519 through OpenSSL: the RFC 8032 test vectors, PEM round trips, key ids and changed
// messages or signatures.
#include "crypto/Ed25519.h"
#include "crypto/Random.h"

#include <QTest>

using namespace chartinsight;
using namespace chartinsight::crypto;

class TestEd25519 : public QObject
{
    Q_OBJECT
private slots:
    void rfc8032Vectors_data();
    void rfc8032Vectors();
    void pemRoundTrip();
    void changedMessageFails();
    void wrongKeySizesFail();
    void pemRejectsOtherKeys();
};

void TestEd25519::rfc8032Vectors_data()
{
    // RFC 8032, section 7.1, TEST 1 (empty message) and TEST 2 (one byte).
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("publicKey");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("signature");
    QTest::newRow("test 1")
        << QByteArray::fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        << QByteArray::fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        << QByteArray()
        << QByteArray::fromHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                               "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    QTest::newRow("test 2")
        << QByteArray::fromHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
        << QByteArray::fromHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
        << QByteArray::fromHex("72")
        << QByteArray::fromHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                               "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
}

void TestEd25519::rfc8032Vectors()
{
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, publicKey);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, signature);
    auto derived = ed25519PublicKey(secret);
    QVERIFY(derived.ok());
    QCOMPARE(derived->toHex(), publicKey.toHex());
    auto signedMessage = ed25519Sign(secret, message);
    QVERIFY(signedMessage.ok());
    QCOMPARE(signedMessage->toHex(), signature.toHex());
    auto valid = ed25519Verify(publicKey, message, signature);
    QVERIFY(valid.ok());
    QVERIFY(*valid);
}

void TestEd25519::pemRoundTrip()
{
    const QByteArray secret = randomBytes(kEd25519KeySize);
    const QByteArray publicKey = *ed25519PublicKey(secret);
    auto pem = ed25519PublicKeyToPem(publicKey);
    QVERIFY(pem.ok());
    QVERIFY(pem->startsWith("-----BEGIN PUBLIC KEY-----"));
    auto parsed = ed25519PublicKeyFromPem(*pem);
    QVERIFY(parsed.ok());
    QCOMPARE(*parsed, publicKey);
    QCOMPARE(ed25519KeyId(publicKey).size(), 64);
    QVERIFY(ed25519KeyId(publicKey) != ed25519KeyId(*ed25519PublicKey(randomBytes(32))));
}

void TestEd25519::changedMessageFails()
{
    const QByteArray secret = randomBytes(kEd25519KeySize);
    const QByteArray publicKey = *ed25519PublicKey(secret);
    const QByteArray message = "receipt of record 1";
    QByteArray signature = *ed25519Sign(secret, message);
    QVERIFY(*ed25519Verify(publicKey, message, signature));
    QVERIFY(!*ed25519Verify(publicKey, "receipt of record 2", signature));
    signature[0] = char(signature.at(0) ^ 0x01);
    QVERIFY(!*ed25519Verify(publicKey, message, signature));
    QVERIFY(!*ed25519Verify(publicKey, message, signature.left(63)));
    QVERIFY(!*ed25519Verify(*ed25519PublicKey(randomBytes(32)), message,
                            *ed25519Sign(secret, message)));
}

void TestEd25519::wrongKeySizesFail()
{
    QVERIFY(!ed25519Sign(randomBytes(31), "x").ok());
    QVERIFY(!ed25519PublicKey(randomBytes(33)).ok());
    QVERIFY(!ed25519Verify(randomBytes(16), "x", randomBytes(64)).ok());
}

void TestEd25519::pemRejectsOtherKeys()
{
    QVERIFY(!ed25519PublicKeyFromPem("not a key").ok());
    // An RSA public key (openssl genrsa 512 | openssl rsa -pubout), valid PEM of another kind.
    const QByteArray rsa = "-----BEGIN PUBLIC KEY-----\n"
                           "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMNj6wJr+4Ifd2Dj9qtEwBAvDoOwzMNq\n"
                           "U8JzXNKNz0cJWsTrdSDqHzRktGQbAl5Wp13Ay3jXqQVVBCXakgRpzzsCAwEAAQ==\n"
                           "-----END PUBLIC KEY-----\n";
    auto parsed = ed25519PublicKeyFromPem(rsa);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error().message.contains(QStringLiteral("Ed25519")) ||
                 parsed.error().message.contains(QStringLiteral("PEM")),
             qPrintable(parsed.error().message));
}

QTEST_GUILESS_MAIN(TestEd25519)
#include "TestEd25519.moc"
