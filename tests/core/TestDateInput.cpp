// parseDateInput: the ISO 8601 forms it accepts, UTC offsets, dates in a zone with daylight
// saving time (Europe/Berlin, from the system's tz database) and the inputs it rejects.
#include "core/DateInput.h"
#include "core/ErrorCodes.h"

#include <QTest>
#include <QTimeZone>

using namespace chartinsight;

class TestDateInput : public QObject
{
    Q_OBJECT
private slots:
    void acceptedForms_data();
    void acceptedForms();
    void rejectedForms_data();
    void rejectedForms();
    void skippedWallClockRejected();
    void repeatedWallClockAccepted();
    void utcRuleNeedsOffset();
};

void TestDateInput::acceptedForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("rule");
    QTest::addColumn<QString>("utc");
    const int inZone = int(LocalTimeRule::InZone);
    const int utcOnly = int(LocalTimeRule::UtcDatesOnly);
    // Berlin switches to +02:00 at 02:00 on 2027-03-28 and back to +01:00 at 03:00 on
    // 2027-10-31.
    QTest::newRow("offset inside the skipped hour")
        << QStringLiteral("2027-03-28T02:30:00+01:00") << utcOnly
        << QStringLiteral("2027-03-28T01:30:00.000Z");
    QTest::newRow("zulu") << QStringLiteral("2027-03-28T01:30Z") << utcOnly
                          << QStringLiteral("2027-03-28T01:30:00.000Z");
    QTest::newRow("offset without colon") << QStringLiteral("2027-03-28T12:00:00-0530") << utcOnly
                                          << QStringLiteral("2027-03-28T17:30:00.000Z");
    QTest::newRow("milliseconds") << QStringLiteral("2027-01-02T03:04:05.6Z") << utcOnly
                                  << QStringLiteral("2027-01-02T03:04:05.600Z");
    QTest::newRow("date in UTC") << QStringLiteral("2027-03-28") << utcOnly
                                 << QStringLiteral("2027-03-28T00:00:00.000Z");
    QTest::newRow("Berlin winter date")
        << QStringLiteral("2027-03-28") << inZone << QStringLiteral("2027-03-27T23:00:00.000Z");
    QTest::newRow("Berlin summer date")
        << QStringLiteral("2027-03-29") << inZone << QStringLiteral("2027-03-28T22:00:00.000Z");
    QTest::newRow("Berlin date clocks go back")
        << QStringLiteral("2027-10-31") << inZone << QStringLiteral("2027-10-30T22:00:00.000Z");
    QTest::newRow("Berlin after the change")
        << QStringLiteral("2027-11-01") << inZone << QStringLiteral("2027-10-31T23:00:00.000Z");
    QTest::newRow("Berlin wall clock after the gap") << QStringLiteral("2027-03-28T03:00") << inZone
                                                     << QStringLiteral("2027-03-28T01:00:00.000Z");
    QTest::newRow("Berlin wall clock before the gap")
        << QStringLiteral("2027-03-28 01:59:59") << inZone
        << QStringLiteral("2027-03-28T00:59:59.000Z");
    QTest::newRow("offset wins over the zone")
        << QStringLiteral("2027-03-28T02:30:00+01:00") << inZone
        << QStringLiteral("2027-03-28T01:30:00.000Z");
    QTest::newRow("spaces around") << QStringLiteral("  2027-03-28  ") << utcOnly
                                   << QStringLiteral("2027-03-28T00:00:00.000Z");
}

void TestDateInput::acceptedForms()
{
    QFETCH(QString, text);
    QFETCH(int, rule);
    QFETCH(QString, utc);
    const QTimeZone berlin("Europe/Berlin");
    QVERIFY(berlin.isValid());
    auto parsed = parseDateInput(text, LocalTimeRule(rule), berlin);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
    QCOMPARE(parsed->timeSpec(), Qt::UTC);
    QCOMPARE(parsed->toString(Qt::ISODateWithMs), utc);
}

void TestDateInput::rejectedForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("words") << QStringLiteral("next tuesday");
    QTest::newRow("no such day") << QStringLiteral("2027-02-29");
    QTest::newRow("no such month") << QStringLiteral("2027-13-01");
    QTest::newRow("no such hour") << QStringLiteral("2027-01-01T24:30Z");
    QTest::newRow("offset too large") << QStringLiteral("2027-01-01T10:00+19:00");
    QTest::newRow("offset minutes") << QStringLiteral("2027-01-01T10:00+01:75");
    QTest::newRow("trailing text") << QStringLiteral("2027-01-01Tomorrow");
    QTest::newRow("two digit year") << QStringLiteral("27-01-01");
}

void TestDateInput::rejectedForms()
{
    QFETCH(QString, text);
    auto parsed = parseDateInput(text, LocalTimeRule::UtcDatesOnly);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QString::fromLatin1(errc::kInvalidRequest));
    QVERIFY2(parsed.error().message.contains(text.trimmed().left(64)),
             qPrintable(parsed.error().message));
}

void TestDateInput::skippedWallClockRejected()
{
    auto parsed = parseDateInput(QStringLiteral("2027-03-28T02:30"), LocalTimeRule::InZone,
                                 QTimeZone("Europe/Berlin"));
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error().message.contains(QStringLiteral("does not exist")),
             qPrintable(parsed.error().message));
    QVERIFY(parsed.error().message.contains(QStringLiteral("Europe/Berlin")));
}

void TestDateInput::repeatedWallClockAccepted()
{
    // 02:30 on 2027-10-31 happens twice in Berlin; either instant is 02:30 local time.
    auto parsed = parseDateInput(QStringLiteral("2027-10-31T02:30"), LocalTimeRule::InZone,
                                 QTimeZone("Europe/Berlin"));
    QVERIFY(parsed.ok());
    const QString utc = parsed->toString(Qt::ISODate);
    QVERIFY2(utc == QLatin1String("2027-10-31T00:30:00Z") ||
                 utc == QLatin1String("2027-10-31T01:30:00Z"),
             qPrintable(utc));
}

void TestDateInput::utcRuleNeedsOffset()
{
    auto parsed = parseDateInput(QStringLiteral("2027-03-28T10:00"), LocalTimeRule::UtcDatesOnly);
    QVERIFY(!parsed.ok());
    QVERIFY(parsed.error().message.contains(QStringLiteral("UTC offset")));
}

QTEST_GUILESS_MAIN(TestDateInput)
#include "TestDateInput.moc"
