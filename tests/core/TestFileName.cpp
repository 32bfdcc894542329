#include "core/FileName.h"
#include "core/RecordInfo.h"

#include <QTest>

using chartinsight::sanitizeFileName;

class TestFileName : public QObject
{
    Q_OBJECT
private slots:
    void keepsOrdinaryNames_data();
    void keepsOrdinaryNames();
    void neutralisesHostileNames_data();
    void neutralisesHostileNames();
    void rejectsEmptyNames_data();
    void rejectsEmptyNames();
    void shortensOverlongNamesKeepingExtension();
    void validatesRecordIds();
};

void TestFileName::keepsOrdinaryNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("pdf") << QStringLiteral("Lab results 2026-11.pdf");
    QTest::newRow("umlauts") << QStringLiteral("Befund Müller.pdf");
    QTest::newRow("no extension") << QStringLiteral("README");
    QTest::newRow("emoji") << QStringLiteral("x-ray 🦴.png");
}

void TestFileName::keepsOrdinaryNames()
{
    QFETCH(QString, name);
    const auto result = sanitizeFileName(name);
    QVERIFY(result.ok());
    QCOMPARE(result.value(), name);
}

void TestFileName::neutralisesHostileNames_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unix traversal") << QStringLiteral("../../etc/passwd") << QStringLiteral("passwd");
    QTest::newRow("windows traversal") << QStringLiteral("..\\..\\boot.ini") << QStringLiteral("boot.ini");
    QTest::newRow("absolute") << QStringLiteral("/var/lib/x.pdf") << QStringLiteral("x.pdf");
    QTest::newRow("newline") << QStringLiteral("a\nb.pdf") << QStringLiteral("ab.pdf");
    QTest::newRow("nul") << QStringLiteral("a") + QChar(0) + QStringLiteral("b.pdf") << QStringLiteral("ab.pdf");
    QTest::newRow("bidi override") << QStringLiteral("invoice\u202Efdp.exe") << QStringLiteral("invoicefdp.exe");
    QTest::newRow("reserved CON") << QStringLiteral("CON") << QStringLiteral("_CON");
    QTest::newRow("reserved nul.txt") << QStringLiteral("nul.txt") << QStringLiteral("_nul.txt");
    QTest::newRow("reserved com1") << QStringLiteral("com1.pdf") << QStringLiteral("_com1.pdf");
    QTest::newRow("trailing dots") << QStringLiteral("scan.pdf. . ") << QStringLiteral("scan.pdf");
    QTest::newRow("windows forbidden") << QStringLiteral("a<b>:c?.pdf") << QStringLiteral("a_b__c_.pdf");
}

void TestFileName::neutralisesHostileNames()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    const auto result = sanitizeFileName(input);
    QVERIFY(result.ok());
    QCOMPARE(result.value(), expected);
}

void TestFileName::rejectsEmptyNames_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("empty") << QString();
    QTest::newRow("dot") << QStringLiteral(".");
    QTest::newRow("dotdot") << QStringLiteral("..");
    QTest::newRow("trailing slash") << QStringLiteral("folder/");
    QTest::newRow("controls only") << QStringLiteral("\r\n\t");
}

void TestFileName::rejectsEmptyNames()
{
    QFETCH(QString, input);
    const auto result = sanitizeFileName(input);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, QStringLiteral("invalid_filename"));
}

void TestFileName::shortensOverlongNamesKeepingExtension()
{
    const QString longName = QString(300, u'ü') + QStringLiteral(".pdf");
    const auto result = sanitizeFileName(longName);
    QVERIFY(result.ok());
    QVERIFY(result.value().toUtf8().size() <= chartinsight::kMaxFileNameBytes);
    QVERIFY(result.value().endsWith(QStringLiteral(".pdf")));
}

void TestFileName::validatesRecordIds()
{
    QVERIFY(chartinsight::isValidRecordId(QStringLiteral("0f8e7a52-3c1d-4b9a-9e21-5d6c7b8a9f00")));
    QVERIFY(!chartinsight::isValidRecordId(QStringLiteral("1")));
    QVERIFY(!chartinsight::isValidRecordId(QStringLiteral("../0f8e7a52-3c1d-4b9a-9e21-5d6c7b8a9f0")));
    QVERIFY(!chartinsight::isValidRecordId(QStringLiteral("{0f8e7a52-3c1d-4b9a-9e21-5d6c7b8a9f00}")));
    QVERIFY(!chartinsight::isValidRecordId(QStringLiteral("0f8e7a52-3c1d-4b9a-9e21-5d6c7b8a9f00\n")));
}

QTEST_GUILESS_MAIN(TestFileName)
#include "TestFileName.moc"
