#include "core/RecordInfo.h"
#include "crypto/Hash.h"
#include "crypto/Random.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace chartinsight::crypto;

// SHA-256, HMAC-SHA-256, constant-time comparison and the random helpers.
class TestHash : public QObject
{
    Q_OBJECT
private slots:
    void sha256Vectors_data();
    void sha256Vectors();
    void sha256Incremental();
    void sha256Reusable();
    void hmacVectors_data();
    void hmacVectors();
    void constantTimeEquals_data();
    void constantTimeEquals();
    void randomBytesSize();
    void randomUuidFormat();
    void randomTokenFormat();
};

void TestHash::sha256Vectors_data()
{
    // FIPS 180-2 appendix B and the well-known hash of the empty string.
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expectedHex");
    QTest::newRow("empty") << QByteArray()
                           << QByteArray("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca4959"
                                         "91b7852b855");
    QTest::newRow("abc") << QByteArray("abc")
                         << QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff6"
                                       "1f20015ad");
    QTest::newRow("two blocks")
        << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        << QByteArray("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

void TestHash::sha256Vectors()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expectedHex);
    QCOMPARE(Sha256::hash(input).toHex(), expectedHex);
}

void TestHash::sha256Incremental()
{
    const QByteArray data = QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    Sha256 sha;
    for (qsizetype i = 0; i < data.size(); i += 5)
        sha.addData(data.mid(i, 5));
    QCOMPARE(sha.result(), Sha256::hash(data));
}

void TestHash::sha256Reusable()
{
    Sha256 sha;
    sha.addData(QByteArray("abc"));
    QCOMPARE(sha.result(), Sha256::hash("abc"));
    QCOMPARE(sha.result(), Sha256::hash(QByteArray()));
}

void TestHash::hmacVectors_data()
{
    // RFC 4231 test cases 1 and 2, and the widely published HMAC-SHA-256 of empty key and data.
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expectedHex");
    QTest::newRow("rfc4231 case 1")
        << QByteArray(20, '\x0b') << QByteArray("Hi There")
        << QByteArray("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    QTest::newRow("rfc4231 case 2")
        << QByteArray("Jefe") << QByteArray("what do ya want for nothing?")
        << QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    QTest::newRow("empty key and data")
        << QByteArray() << QByteArray()
        << QByteArray("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

void TestHash::hmacVectors()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expectedHex);
    QCOMPARE(hmacSha256(key, data).toHex(), expectedHex);
}

void TestHash::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("expected");
    QTest::newRow("both empty") << QByteArray() << QByteArray("") << true;
    QTest::newRow("equal") << QByteArray("token") << QByteArray("token") << true;
    QTest::newRow("last byte differs") << QByteArray("token") << QByteArray("tokeN") << false;
    QTest::newRow("prefix") << QByteArray("tok") << QByteArray("token") << false;
    QTest::newRow("embedded nul") << QByteArray("a\0b", 3) << QByteArray("a\0c", 3) << false;
}

void TestHash::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, expected);
    QCOMPARE(chartinsight::crypto::constantTimeEquals(a, b), expected);
}

void TestHash::randomBytesSize()
{
    QCOMPARE(randomBytes(0).size(), 0);
    QCOMPARE(randomBytes(1000).size(), 1000);
    QVERIFY(randomBytes(32) != randomBytes(32));
}

void TestHash::randomUuidFormat()
{
    static const QRegularExpression version4(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    QSet<QString> seen;
    for (int i = 0; i < 100; ++i) {
        const QString uuid = randomUuid();
        QVERIFY2(version4.match(uuid).hasMatch(), qPrintable(uuid));
        QVERIFY(chartinsight::isValidRecordId(uuid));
        seen.insert(uuid);
    }
    QCOMPARE(seen.size(), 100);
}

void TestHash::randomTokenFormat()
{
    static const QRegularExpression base64url(QStringLiteral("^[A-Za-z0-9_-]{43}$"));
    const QString token = randomToken();
    QVERIFY2(base64url.match(token).hasMatch(), qPrintable(token));
    const QByteArray decoded = QByteArray::fromBase64(
        token.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QCOMPARE(decoded.size(), 32);
    QVERIFY(randomToken() != token);
}

QTEST_GUILESS_MAIN(TestHash)
#include "TestHash.moc"
