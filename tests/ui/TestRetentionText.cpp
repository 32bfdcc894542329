#include "ui/RetentionText.h"

#include <QLocale>
#include <QTest>

using chartinsight::ui::RetentionText;

namespace {

// Berlin changes to summer time on 2026-03-29 at 02:00 local time (01:00 UTC).
const QTimeZone kBerlin("Europe/Berlin");

QDateTime berlin(int year, int month, int day, int hour, int minute)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute), kBerlin);
}

} // namespace

// The erasure countdown and the expiration parser, in a fixed time zone across a
// daylight-saving change.
class TestRetentionText : public QObject
{
    Q_OBJECT

private slots:
    // British English writes short times as HH:mm.
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom)); }

    void countdown_data()
    {
        QTest::addColumn<QDateTime>("now");
        QTest::addColumn<QDateTime>("expiresAt");
        QTest::addColumn<QString>("expected");

        const QDateTime now = berlin(2026, 3, 23, 10, 0);
        QTest::newRow("later today") << now << berlin(2026, 3, 23, 23, 0)
                                     << QStringLiteral("Erased today at 23:00");
        QTest::newRow("tomorrow early") << now << berlin(2026, 3, 24, 0, 30)
                                        << QStringLiteral("Erased tomorrow at 00:30");
        QTest::newRow("six days") << now << berlin(2026, 3, 29, 9, 0)
                                  << QStringLiteral("Erased in 6 days");
        // Across the change to summer time the day is 23 hours long; the count stays in
        // calendar days.
        QTest::newRow("across summer time") << berlin(2026, 3, 28, 23, 30)
                                            << berlin(2026, 3, 30, 0, 15)
                                            << QStringLiteral("Erased in 2 days");
        QTest::newRow("passed") << now << berlin(2026, 3, 23, 9, 59)
                                << QStringLiteral("Erasure due");
    }
    void countdown()
    {
        QFETCH(QDateTime, now);
        QFETCH(QDateTime, expiresAt);
        QFETCH(QString, expected);
        QCOMPARE(RetentionText::countdown(expiresAt.toUTC(), false, now.toUTC(), kBerlin),
                 expected);
    }

    void countdownWithoutExpiry()
    {
        QCOMPARE(RetentionText::countdown(QDateTime(), false, QDateTime::currentDateTimeUtc(),
                                          kBerlin),
                 QString());
    }

    void countdownUnderHold()
    {
        QCOMPARE(RetentionText::countdown(berlin(2026, 3, 24, 9, 0).toUTC(), true,
                                          berlin(2026, 3, 23, 9, 0).toUTC(), kBerlin),
                 QStringLiteral("On legal hold"));
    }

    void parseExpiryInZone()
    {
        QString error;
        const QDateTime parsed = RetentionText::parseExpiry(
            QStringLiteral("2026-03-30 08:00"), berlin(2026, 3, 23, 10, 0).toUTC(), error, kBerlin);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // Summer time: 08:00 in Berlin is 06:00 UTC.
        QCOMPARE(parsed, QDateTime(QDate(2026, 3, 30), QTime(6, 0), Qt::UTC));
    }

    void parseExpiryDateOnly()
    {
        QString error;
        const QDateTime parsed = RetentionText::parseExpiry(
            QStringLiteral("2026-01-10"), berlin(2026, 1, 1, 10, 0).toUTC(), error, kBerlin);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(parsed, berlin(2026, 1, 10, 23, 59).toUTC());
    }

    void parseExpiryRejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("past") << QStringLiteral("2026-01-01") << QStringLiteral("already passed");
        QTest::newRow("not a date") << QStringLiteral("next week")
                                    << QStringLiteral("\"next week\" is not a date");
        QTest::newRow("no such day") << QStringLiteral("2026-02-30")
                                     << QStringLiteral("is not a date");
        QTest::newRow("no such time") << QStringLiteral("2026-12-01 25:00")
                                      << QStringLiteral("25:00 is not a time");
    }
    void parseExpiryRejects()
    {
        QFETCH(QString, text);
        QFETCH(QString, fragment);
        QString error;
        const QDateTime parsed =
            RetentionText::parseExpiry(text, berlin(2026, 3, 1, 10, 0).toUTC(), error, kBerlin);
        QVERIFY(!parsed.isValid());
        QVERIFY2(error.contains(fragment), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestRetentionText)
#include "TestRetentionText.moc"
