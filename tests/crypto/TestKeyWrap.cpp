#include "core/ErrorCodes.h"
#include "crypto/KeyWrap.h"
#include "crypto/Random.h"

#include <QTest>

using namespace chartinsight::crypto;

class TestKeyWrap : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip();
    void layout();
    void freshNoncePerWrap();
    void rejectsWrongContext();
    void rejectsWrongMasterKey();
    void rejectsTamperedByte_data();
    void rejectsTamperedByte();
    void rejectsWrongLength();
    void rejectsBadKeySizes();
};

namespace {
const QByteArray kContext = QByteArrayLiteral("6f1c2b9e-3d4a-4c5b-8e7f-0a1b2c3d4e5f");
} // namespace

void TestKeyWrap::roundTrip()
{
    const QByteArray master = randomBytes(kKeySize);
    const QByteArray data = randomBytes(kKeySize);
    const auto wrapped = wrapKey(master, data, kContext);
    QVERIFY(wrapped.ok());
    const auto unwrapped = unwrapKey(master, wrapped.value(), kContext);
    QVERIFY(unwrapped.ok());
    QCOMPARE(unwrapped.value(), data);
}

void TestKeyWrap::layout()
{
    const QByteArray data = randomBytes(kKeySize);
    const auto wrapped = wrapKey(randomBytes(kKeySize), data, kContext);
    QVERIFY(wrapped.ok());
    QCOMPARE(wrapped->size(), 12 + kKeySize + 16);
    QVERIFY(!wrapped->contains(data));
}

void TestKeyWrap::freshNoncePerWrap()
{
    const QByteArray master = randomBytes(kKeySize);
    const QByteArray data = randomBytes(kKeySize);
    const auto first = wrapKey(master, data, kContext);
    const auto second = wrapKey(master, data, kContext);
    QVERIFY(first.ok());
    QVERIFY(second.ok());
    QVERIFY(first->left(12) != second->left(12));
}

void TestKeyWrap::rejectsWrongContext()
{
    const QByteArray master = randomBytes(kKeySize);
    const auto wrapped = wrapKey(master, randomBytes(kKeySize), kContext);
    QVERIFY(wrapped.ok());
    const auto unwrapped = unwrapKey(master, wrapped.value(), "another-record");
    QVERIFY(!unwrapped.ok());
    QCOMPARE(unwrapped.error().code, QString::fromLatin1(chartinsight::errc::kIntegrity));
}

void TestKeyWrap::rejectsWrongMasterKey()
{
    const auto wrapped = wrapKey(randomBytes(kKeySize), randomBytes(kKeySize), kContext);
    QVERIFY(wrapped.ok());
    const auto unwrapped = unwrapKey(randomBytes(kKeySize), wrapped.value(), kContext);
    QVERIFY(!unwrapped.ok());
    QCOMPARE(unwrapped.error().code, QString::fromLatin1(chartinsight::errc::kIntegrity));
}

void TestKeyWrap::rejectsTamperedByte_data()
{
    QTest::addColumn<int>("offset");
    QTest::newRow("nonce") << 0;
    QTest::newRow("ciphertext") << 12 + 5;
    QTest::newRow("tag") << 12 + 32 + 15;
}

void TestKeyWrap::rejectsTamperedByte()
{
    QFETCH(int, offset);
    const QByteArray master = randomBytes(kKeySize);
    auto wrapped = wrapKey(master, randomBytes(kKeySize), kContext);
    QVERIFY(wrapped.ok());
    QByteArray tampered = wrapped.value();
    tampered[offset] = char(tampered[offset] ^ 0x01);
    const auto unwrapped = unwrapKey(master, tampered, kContext);
    QVERIFY(!unwrapped.ok());
    QCOMPARE(unwrapped.error().code, QString::fromLatin1(chartinsight::errc::kIntegrity));
}

void TestKeyWrap::rejectsWrongLength()
{
    const QByteArray master = randomBytes(kKeySize);
    const auto wrapped = wrapKey(master, randomBytes(kKeySize), kContext);
    QVERIFY(wrapped.ok());
    QVERIFY(!unwrapKey(master, wrapped->chopped(1), kContext).ok());
    QVERIFY(!unwrapKey(master, wrapped.value() + 'x', kContext).ok());
    QVERIFY(!unwrapKey(master, QByteArray(), kContext).ok());
}

void TestKeyWrap::rejectsBadKeySizes()
{
    const auto shortMaster = wrapKey(randomBytes(16), randomBytes(kKeySize), kContext);
    QVERIFY(!shortMaster.ok());
    QCOMPARE(shortMaster.error().code, QString::fromLatin1(chartinsight::errc::kCrypto));
    QVERIFY(!wrapKey(randomBytes(kKeySize), randomBytes(31), kContext).ok());
    QVERIFY(!unwrapKey(randomBytes(33), randomBytes(60), kContext).ok());
}

QTEST_GUILESS_MAIN(TestKeyWrap)
#include "TestKeyWrap.moc"
