#include "core/ErrorCodes.h"
#include "ui/DisplayFormat.h"

#include <QTest>

using chartinsight::Error;
using chartinsight::ui::DisplayFormat;

namespace {

const QString kFingerprint = QStringLiteral(
    "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:"
    "E8:F9");

} // namespace

class TestDisplayFormat : public QObject
{
    Q_OBJECT

private slots:
    void fileSize_data();
    void fileSize();
    void localDateTime();
    void groupFingerprint();
    void groupFingerprintKeepsOtherText();
    void findFingerprint_data();
    void findFingerprint();
    void findSignatureName_data();
    void findSignatureName();
    void uploadFailure_data();
    void uploadFailure();
};

void TestDisplayFormat::fileSize_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("expected");
    QTest::newRow("zero") << qint64(0) << QStringLiteral("0 bytes");
    QTest::newRow("one") << qint64(1) << QStringLiteral("1 byte");
    QTest::newRow("below a kilobyte") << qint64(999) << QStringLiteral("999 bytes");
    QTest::newRow("one kilobyte") << qint64(1000) << QStringLiteral("1.0 kB");
    QTest::newRow("one decimal") << qint64(1500) << QStringLiteral("1.5 kB");
    QTest::newRow("rounds down below ten") << qint64(9949) << QStringLiteral("9.9 kB");
    QTest::newRow("no decimal from ten") << qint64(9950) << QStringLiteral("10 kB");
    QTest::newRow("largest kilobytes") << qint64(999499) << QStringLiteral("999 kB");
    QTest::newRow("rounds up to megabyte") << qint64(999500) << QStringLiteral("1.0 MB");
    QTest::newRow("megabytes") << qint64(23400000) << QStringLiteral("23 MB");
    QTest::newRow("gigabytes") << qint64(5000000000) << QStringLiteral("5.0 GB");
}

void TestDisplayFormat::fileSize()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, expected);
    QCOMPARE(DisplayFormat::fileSize(bytes, QLocale::c()), expected);
}

void TestDisplayFormat::localDateTime()
{
    const QDateTime utc(QDate(2026, 12, 4), QTime(15, 27, 42), Qt::UTC);
    const QList<QLocale> locales = {QLocale::c(), QLocale(QLocale::English, QLocale::UnitedStates),
                                    QLocale(QLocale::German, QLocale::Germany)};
    for (const QLocale& locale : locales) {
        const QString text = DisplayFormat::localDateTime(utc, locale);
        QVERIFY2(text.contains(QStringLiteral("2026")), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("42")), qPrintable(text));
    }
    QVERIFY(DisplayFormat::localDateTime(QDateTime()).isEmpty());
}

void TestDisplayFormat::groupFingerprint()
{
    const QString grouped = DisplayFormat::groupFingerprint(kFingerprint.toLower());
    const QStringList lines = grouped.split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines.at(0), QStringLiteral("0A:1B:2C:3D:4E:5F:60:71"));
    QCOMPARE(lines.at(3), QStringLiteral("82:93:A4:B5:C6:D7:E8:F9"));
    QCOMPARE(lines.join(QLatin1Char(':')), kFingerprint);
}

void TestDisplayFormat::groupFingerprintKeepsOtherText()
{
    const QString shortValue = kFingerprint.left(92);
    QCOMPARE(DisplayFormat::groupFingerprint(shortValue), shortValue);
    const QString sentence = QStringLiteral("fingerprint ") + kFingerprint;
    QCOMPARE(DisplayFormat::groupFingerprint(sentence), sentence);
}

void TestDisplayFormat::findFingerprint_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("in a sentence")
        << QStringLiteral("The certificate (SHA-256 %1) is not trusted.").arg(kFingerprint)
        << kFingerprint;
    QTest::newRow("lower case") << kFingerprint.toLower() << kFingerprint;
    QTest::newRow("31 pairs") << kFingerprint.left(92) << QString();
    QTest::newRow("33 pairs") << kFingerprint + QStringLiteral(":AA") << QString();
    QTest::newRow("none") << QStringLiteral("connection refused") << QString();
}

void TestDisplayFormat::findFingerprint()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(DisplayFormat::findFingerprint(text), expected);
}

void TestDisplayFormat::findSignatureName_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("expected");
    QTest::newRow("after a colon") << QStringLiteral("Malware found: Win.Test.EICAR_HDB-1")
                                   << QStringLiteral("Win.Test.EICAR_HDB-1");
    QTest::newRow("unofficial in brackets")
        << QStringLiteral("The file contains malware (ChartInsight-Test-Eicar.UNOFFICIAL).")
        << QStringLiteral("ChartInsight-Test-Eicar.UNOFFICIAL");
    QTest::newRow("scanner wording")
        << QStringLiteral("\"scan.tar.gz\" was rejected: malware found: Eicar-Test.UNOFFICIAL. "
                          "The file was not uploaded.")
        << QStringLiteral("Eicar-Test.UNOFFICIAL");
    QTest::newRow("none") << QStringLiteral("malware detected") << QString();
}

void TestDisplayFormat::findSignatureName()
{
    QFETCH(QString, message);
    QFETCH(QString, expected);
    QCOMPARE(DisplayFormat::findSignatureName(message), expected);
}

void TestDisplayFormat::uploadFailure_data()
{
    namespace errc = chartinsight::errc;
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("expected");
    QTest::newRow("malware")
        << QString::fromLatin1(errc::kMalwareDetected)
        << QStringLiteral("Malware found in the upload: Eicar-Test.UNOFFICIAL.")
        << QStringLiteral("Malware found: Eicar-Test.UNOFFICIAL — the file was not uploaded");
    QTest::newRow("malware without name")
        << QString::fromLatin1(errc::kMalwareDetected) << QStringLiteral("infected")
        << QStringLiteral("Malware found — the file was not uploaded");
    QTest::newRow("scan incomplete") << QString::fromLatin1(errc::kScanIncomplete) << QString()
                                     << QStringLiteral("could not be fully scanned");
    QTest::newRow("encrypted") << QString::fromLatin1(errc::kEncryptedContent) << QString()
                               << QStringLiteral("password-protected");
    QTest::newRow("scanner unavailable") << QString::fromLatin1(errc::kScannerUnavailable)
                                         << QString() << QStringLiteral("scanner is not available");
    QTest::newRow("other code keeps message")
        << QStringLiteral("io_error") << QStringLiteral("The file could not be opened.")
        << QStringLiteral("The file could not be opened.");
}

void TestDisplayFormat::uploadFailure()
{
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QString, expected);
    const QString text = DisplayFormat::uploadFailure(Error{code, message});
    QVERIFY2(text.contains(expected), qPrintable(text));
}

QTEST_GUILESS_MAIN(TestDisplayFormat)
#include "TestDisplayFormat.moc"
