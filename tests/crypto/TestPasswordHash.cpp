#include "core/ErrorCodes.h"
#include "crypto/PasswordHash.h"

#include <QTest>

using namespace chartinsight::crypto;

namespace {

constexpr int kTestCost = 4; // the lowest bcrypt cost keeps the tests fast
const QByteArray kPepper = QByteArrayLiteral("test pepper, 32 bytes long......");

bool verifies(const QString& attempt, const QString& storedHash)
{
    const auto verified = verifyPassword(attempt, kPepper, storedHash);
    return verified.ok() && verified.value();
}

// 81 ASCII bytes: longer than the 72 bytes bcrypt reads.
QString longAsciiPassword()
{
    return QStringLiteral(
        "correct horse battery staple, and several more words that run past byte 72 of it.");
}

// 76 bytes of UTF-8 (umlauts take two bytes each), so the last letter lies past byte 72.
QString germanPassword()
{
    return QStringLiteral("Überprüfung der Größenänderung für Kühlschränke in Düsseldorf Köln");
}

} // namespace

class TestPasswordHash : public QObject
{
    Q_OBJECT
private slots:
    void correctPasswordVerifies();
    void wrongPasswordFails();
    void c02BcryptTruncation_data();
    void c02BcryptTruncation();
    void unicodeNormalisation_data();
    void unicodeNormalisation();
    void pepperIsUsed();
    void saltDiffers();
    void costReadBack();
    void rejectsBadCost_data();
    void rejectsBadCost();
    void rejectsEmptyPepper();
    void rejectsMalformedHash_data();
    void rejectsMalformedHash();
};

void TestPasswordHash::correctPasswordVerifies()
{
    const auto hash = hashPassword(QStringLiteral("Tr0ub4dor&3 clinic"), kPepper, kTestCost);
    QVERIFY(hash.ok());
    QVERIFY(hash->startsWith(QLatin1String("$2b$04$")));
    QCOMPARE(hash->size(), 60);
    QVERIFY(verifies(QStringLiteral("Tr0ub4dor&3 clinic"), hash.value()));
}

void TestPasswordHash::wrongPasswordFails()
{
    const auto hash = hashPassword(QStringLiteral("Tr0ub4dor&3 clinic"), kPepper, kTestCost);
    QVERIFY(hash.ok());
    const auto verified = verifyPassword(QStringLiteral("Tr0ub4dor&3 clinix"), kPepper, *hash);
    QVERIFY(verified.ok());
    QVERIFY(!verified.value());
    QVERIFY(!verifies(QString(), hash.value()));
}

void TestPasswordHash::c02BcryptTruncation_data()
{
    // Plain bcrypt reads at most 72 bytes and stops at a NUL byte, so each wrong attempt
    // below would verify against a plain bcrypt hash. Only the exact password may verify.
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("attempt");
    QTest::addColumn<bool>("expected");

    const QString ascii = longAsciiPassword();
    QString asciiChangedLate = ascii;
    asciiChangedLate[78] = u'?';
    QTest::newRow("81 bytes exact") << ascii << ascii << true;
    QTest::newRow("81 bytes vs 72-byte prefix") << ascii << ascii.left(72) << false;
    QTest::newRow("81 bytes vs change after byte 72") << ascii << asciiChangedLate << false;

    const QString german = germanPassword();
    QString germanChanged = german;
    germanChanged[germanChanged.size() - 1] = u'm';
    QTest::newRow("76-byte UTF-8 exact") << german << german << true;
    QTest::newRow("76-byte UTF-8 vs last letter changed") << german << germanChanged << false;

    const QString withNul = QStringLiteral("before") + QChar(0) + QStringLiteral("after nul");
    const QString nulChanged = QStringLiteral("before") + QChar(0) + QStringLiteral("other tail");
    QTest::newRow("U+0000 exact") << withNul << withNul << true;
    QTest::newRow("U+0000 vs part before NUL") << withNul << QStringLiteral("before") << false;
    QTest::newRow("U+0000 vs changed suffix") << withNul << nulChanged << false;
}

void TestPasswordHash::c02BcryptTruncation()
{
    QFETCH(QString, password);
    QFETCH(QString, attempt);
    QFETCH(bool, expected);
    QCOMPARE(longAsciiPassword().toUtf8().size(), 81);
    QCOMPARE(germanPassword().toUtf8().size(), 76);

    const auto hash = hashPassword(password, kPepper, kTestCost);
    QVERIFY(hash.ok());
    const auto verified = verifyPassword(attempt, kPepper, hash.value());
    QVERIFY(verified.ok());
    QCOMPARE(verified.value(), expected);
}

void TestPasswordHash::unicodeNormalisation_data()
{
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("attempt");
    const QString composed = QStringLiteral("M\u00fcller-L\u00fcdenscheid 2026");
    const QString decomposed = QStringLiteral("Mu\u0308ller-Lu\u0308denscheid 2026");
    QTest::newRow("NFC stored, NFD typed") << composed << decomposed;
    QTest::newRow("NFD stored, NFC typed") << decomposed << composed;
}

void TestPasswordHash::unicodeNormalisation()
{
    QFETCH(QString, stored);
    QFETCH(QString, attempt);
    QVERIFY(stored != attempt);
    const auto hash = hashPassword(stored, kPepper, kTestCost);
    QVERIFY(hash.ok());
    QVERIFY(verifies(attempt, hash.value()));
}

void TestPasswordHash::pepperIsUsed()
{
    const QString password = QStringLiteral("same password");
    const auto hash = hashPassword(password, kPepper, kTestCost);
    QVERIFY(hash.ok());
    const auto verified = verifyPassword(password, QByteArrayLiteral("other pepper"), *hash);
    QVERIFY(verified.ok());
    QVERIFY(!verified.value());
}

void TestPasswordHash::saltDiffers()
{
    const auto first = hashPassword(QStringLiteral("same password"), kPepper, kTestCost);
    const auto second = hashPassword(QStringLiteral("same password"), kPepper, kTestCost);
    QVERIFY(first.ok());
    QVERIFY(second.ok());
    QVERIFY(first.value() != second.value());
}

void TestPasswordHash::costReadBack()
{
    const auto hash = hashPassword(QStringLiteral("cost"), kPepper, kTestCost);
    QVERIFY(hash.ok());
    QCOMPARE(bcryptCost(hash.value()), kTestCost);
    const auto five = hashPassword(QStringLiteral("cost"), kPepper, 5);
    QVERIFY(five.ok());
    QCOMPARE(bcryptCost(five.value()), 5);
}

void TestPasswordHash::rejectsBadCost_data()
{
    QTest::addColumn<int>("cost");
    QTest::newRow("3") << 3;
    QTest::newRow("32") << 32;
    QTest::newRow("negative") << -1;
}

void TestPasswordHash::rejectsBadCost()
{
    QFETCH(int, cost);
    const auto hash = hashPassword(QStringLiteral("password"), kPepper, cost);
    QVERIFY(!hash.ok());
    QCOMPARE(hash.error().code, QString::fromLatin1(chartinsight::errc::kCrypto));
}

void TestPasswordHash::rejectsEmptyPepper()
{
    QVERIFY(!hashPassword(QStringLiteral("password"), QByteArray(), kTestCost).ok());
    const auto hash = hashPassword(QStringLiteral("password"), kPepper, kTestCost);
    QVERIFY(hash.ok());
    QVERIFY(!verifyPassword(QStringLiteral("password"), QByteArray(), *hash).ok());
}

void TestPasswordHash::rejectsMalformedHash_data()
{
    QTest::addColumn<QString>("storedHash");
    QTest::newRow("empty") << QString();
    QTest::newRow("sha512crypt") << QStringLiteral("$6$salt$abcdefghijklmnopqrstuvwxyz");
    QTest::newRow("cost 03") << QStringLiteral("$2b$03$") + QString(53, u'a');
    QTest::newRow("cost 99") << QStringLiteral("$2b$99$") + QString(53, u'a');
    QTest::newRow("too short") << QStringLiteral("$2b$04$") + QString(52, u'a');
    QTest::newRow("bad alphabet") << QStringLiteral("$2b$04$") + QString(52, u'a') + u'!';
}

void TestPasswordHash::rejectsMalformedHash()
{
    QFETCH(QString, storedHash);
    QCOMPARE(bcryptCost(storedHash), -1);
    const auto verified = verifyPassword(QStringLiteral("password"), kPepper, storedHash);
    QVERIFY(!verified.ok());
    QCOMPARE(verified.error().code, QString::fromLatin1(chartinsight::errc::kCrypto));
}

QTEST_GUILESS_MAIN(TestPasswordHash)
#include "TestPasswordHash.moc"
