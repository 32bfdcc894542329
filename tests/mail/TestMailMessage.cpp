#include "MailTestSupport.h"
#include "mail/MailErrors.h"
#include "mail/MailMessage.h"
#include "mail/MimeEncoding.h"

#include <QTest>

using namespace chartinsight;
using namespace chartinsight::mail;
using namespace chartinsight::test;

namespace {

const QString kMessageId = QStringLiteral("6f1c2a9e-3b7d-4c55-9e0a-1d2f3a4b5c6d");
// 2026-12-04T15:27:14Z
constexpr qint64 kDateMSecs = 1796398034000;

MailSettings settings()
{
    return {QStringLiteral("no-reply@clinic.example"), QStringLiteral("ChartInsight"),
            QStringLiteral("clinic.example")};
}

MailMessage sampleMessage()
{
    MailMessage message;
    message.to = QStringLiteral("dr.jones@clinic.example");
    message.subject = QStringLiteral("Your sign-in code");
    message.textBody = QStringLiteral("Your code is 123456.\nIt expires in 10 minutes.\n");
    message.htmlBody = QStringLiteral("<p>Your code is <b>123456</b>.</p>\n");
    return message;
}

QString normalizeLineEnds(QString text)
{
    return text.replace(QLatin1String("\r\n"), QLatin1String("\n"))
        .replace(u'\r', QLatin1String("\n"));
}

} // namespace

class TestMailMessage : public QObject
{
    Q_OBJECT
private slots:
    void rendersMultipartMessage();
    void rendersTextOnlyMessage();
    void unicodeRoundTrip_data();
    void unicodeRoundTrip();
    void headerInjectionRejected_data();
    void headerInjectionRejected();
    void invalidFieldRejected_data();
    void invalidFieldRejected();
    void validFieldAccepted_data();
    void validFieldAccepted();
    void quotedPrintable_data();
    void quotedPrintable();
    void dateFormat_data();
    void dateFormat();
};

void TestMailMessage::rendersMultipartMessage()
{
    auto rendered = sampleMessage().render(settings(), kMessageId, kDateMSecs);
    QVERIFY2(rendered.ok(), errorOf(rendered).constData());
    const ParsedMail parsed = parseMail(rendered.value());

    QVERIFY(parsed.parsed);
    QCOMPARE(parsed.defects, 0);
    QCOMPARE(parsed.contentType, QStringLiteral("multipart/alternative"));
    QCOMPARE(parsed.subject, QStringLiteral("Your sign-in code"));
    QCOMPARE(parsed.from, QStringLiteral("ChartInsight <no-reply@clinic.example>"));
    QCOMPARE(parsed.to, QStringLiteral("dr.jones@clinic.example"));
    QCOMPARE(parsed.messageId, QStringLiteral("<%1@clinic.example>").arg(kMessageId));
    QCOMPARE(parsed.dateSecsSinceEpoch, kDateMSecs / 1000);
    QCOMPARE(parsed.text, sampleMessage().textBody);
    QCOMPARE(parsed.html, sampleMessage().htmlBody);
    QVERIFY(!parsed.hasBareLineFeed);
    QVERIFY(!parsed.hasEightBitBytes);
    QVERIFY(parsed.maxLineLength <= mime::kMaxLineLength);
    QVERIFY(rendered->contains("\r\nMIME-Version: 1.0\r\n"));
    QVERIFY(rendered->contains("\r\nAuto-Submitted: auto-generated\r\n"));
}

void TestMailMessage::rendersTextOnlyMessage()
{
    MailMessage message = sampleMessage();
    message.htmlBody.clear();
    auto rendered = message.render(settings(), kMessageId, kDateMSecs);
    QVERIFY2(rendered.ok(), errorOf(rendered).constData());
    const ParsedMail parsed = parseMail(rendered.value());

    QVERIFY(parsed.parsed);
    QCOMPARE(parsed.defects, 0);
    QCOMPARE(parsed.contentType, QStringLiteral("text/plain"));
    QCOMPARE(parsed.text, message.textBody);
    QVERIFY(!parsed.hasHtml);
}

void TestMailMessage::unicodeRoundTrip_data()
{
    QTest::addColumn<QString>("subject");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("fromName");

    QTest::newRow("ascii") << QStringLiteral("Password reset") << QStringLiteral("Plain text.")
                           << QStringLiteral("ChartInsight");
    QTest::newRow("umlauts") << QStringLiteral("Ihr Anmeldecode für Praxis Müller")
                             << QStringLiteral("Grüße aus der Praxis Müller – bitte öffnen.")
                             << QStringLiteral("Praxis Müller");
    QTest::newRow("emoji") << QStringLiteral("Code 🔐 bereit ✅") << QStringLiteral("Schlüssel 🔑\n")
                           << QStringLiteral("Clinic 🏥");
    QTest::newRow("cjk long") << QString(60, QChar(0x8a3a)) << QString(300, QChar(0x6587))
                              << QStringLiteral("診療所");
    QTest::newRow("long ascii subject")
        << QStringLiteral("A very long subject line that goes well past the seventy-eight "
                          "characters a header line should keep to")
        << QStringLiteral("x") << QString();
    QTest::newRow("encoded-word lookalike")
        << QStringLiteral("=?UTF-8?B?SGk=?= is not a word") << QStringLiteral("=?x?= =3D =")
        << QStringLiteral("A \"quoted\" \\ name");
    QTest::newRow("dots and From lines")
        << QStringLiteral("Lines")
        << QStringLiteral(".\n.leading dot\nFrom the clinic\n..\nend with space \nend with tab\t")
        << QString();
    QTest::newRow("long line") << QStringLiteral("Wrap")
                               << QString(500, u'y') + QStringLiteral(" ä ") + QString(80, u'=')
                               << QString();
    QTest::newRow("mixed line ends")
        << QStringLiteral("Line ends") << QStringLiteral("one\r\ntwo\rthree\nfour") << QString();
}

void TestMailMessage::unicodeRoundTrip()
{
    QFETCH(QString, subject);
    QFETCH(QString, text);
    QFETCH(QString, fromName);

    MailSettings sender = settings();
    sender.fromName = fromName;
    MailMessage message = sampleMessage();
    message.subject = subject;
    message.textBody = text;
    message.htmlBody = QStringLiteral("<p>") + text + QStringLiteral("</p>");
    auto rendered = message.render(sender, kMessageId, kDateMSecs);
    QVERIFY2(rendered.ok(), errorOf(rendered).constData());
    const ParsedMail parsed = parseMail(rendered.value());

    QVERIFY(parsed.parsed);
    QCOMPARE(parsed.defects, 0);
    QCOMPARE(parsed.subject, subject);
    QCOMPARE(parsed.text, normalizeLineEnds(text));
    QCOMPARE(parsed.html, normalizeLineEnds(message.htmlBody));
    QCOMPARE(parsed.fromName, fromName);
    QCOMPARE(parsed.fromAddress, QStringLiteral("no-reply@clinic.example"));
    QVERIFY(!parsed.hasEightBitBytes);
    QVERIFY(!parsed.hasBareLineFeed);
    QVERIFY(parsed.maxLineLength <= mime::kMaxLineLength);
}

void TestMailMessage::headerInjectionRejected_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expectedCode");

    const QString invalidMail = QString::fromLatin1(errc::kInvalidMail);
    const QString invalidSettings = QString::fromLatin1(errc::kInvalidMailSettings);
    QTest::newRow("subject CRLF") << "subject"
                                  << "Hello\r\nBcc: victim@evil.example" << invalidMail;
    QTest::newRow("subject LF") << "subject"
                                << "Hello\nX-Evil: 1" << invalidMail;
    QTest::newRow("subject CR") << "subject"
                                << "Hello\rX-Evil: 1" << invalidMail;
    QTest::newRow("subject trailing LF") << "subject"
                                         << "Hello\n"
                                         << invalidMail;
    QTest::newRow("recipient CRLF") << "to"
                                    << "a@clinic.example\r\nBcc: b@evil.example" << invalidMail;
    QTest::newRow("sender name LF") << "fromName"
                                    << "Clinic\nBcc: b@evil.example" << invalidSettings;
    QTest::newRow("sender address CRLF") << "fromAddress"
                                         << "no-reply@clinic.example\r\nX: y" << invalidSettings;
    QTest::newRow("domain LF") << "messageIdDomain"
                               << "clinic.example\nX: y" << invalidSettings;
}

void TestMailMessage::headerInjectionRejected()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, expectedCode);

    MailSettings sender = settings();
    MailMessage message = sampleMessage();
    if (field == QLatin1String("subject"))
        message.subject = value;
    else if (field == QLatin1String("to"))
        message.to = value;
    else if (field == QLatin1String("fromName"))
        sender.fromName = value;
    else if (field == QLatin1String("fromAddress"))
        sender.fromAddress = value;
    else
        sender.messageIdDomain = value;

    auto rendered = message.render(sender, kMessageId, kDateMSecs);
    QVERIFY(!rendered.ok());
    QCOMPARE(rendered.error().code, expectedCode);
    QVERIFY2(rendered.error().message.contains(QLatin1String("line break (CR or LF)")),
             errorOf(rendered).constData());
    // The error names the field, never the value, which may be an address.
    QVERIFY(!rendered.error().message.contains(QLatin1String("evil")));
}

void TestMailMessage::invalidFieldRejected_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expectedWords");

    QTest::newRow("recipient without @") << "to"
                                         << "nobody"
                                         << "not a valid e-mail address";
    QTest::newRow("recipient empty local") << "to"
                                           << "@clinic.example"
                                           << "not a valid e-mail address";
    QTest::newRow("recipient empty domain") << "to"
                                            << "a@"
                                            << "not a valid e-mail address";
    QTest::newRow("recipient space") << "to"
                                     << "a b@clinic.example"
                                     << "not a valid e-mail address";
    QTest::newRow("recipient double dot") << "to"
                                          << "a..b@clinic.example"
                                          << "not a valid e-mail address";
    QTest::newRow("recipient angle") << "to"
                                     << "<a@clinic.example>"
                                     << "not a valid e-mail address";
    QTest::newRow("recipient two addresses") << "to"
                                             << "a@clinic.example,b@clinic.example"
                                             << "not a valid e-mail address";
    QTest::newRow("recipient non-ascii") << "to"
                                         << "jürgen@clinic.example"
                                         << "not a valid e-mail address";
    QTest::newRow("recipient domain label") << "to"
                                            << "a@-clinic.example"
                                            << "not a valid e-mail address";
    QTest::newRow("recipient missing") << "to"
                                       << ""
                                       << "missing";
    QTest::newRow("recipient too long") << "to" << QString(250, u'a') + "@x.example"
                                        << "more than the 254";
    QTest::newRow("subject empty") << "subject"
                                   << "  "
                                   << "subject is missing";
    QTest::newRow("subject too long") << "subject" << QString(201, u's') << "more than the 200";
    QTest::newRow("subject NUL") << "subject" << QString(QChar(0)) + "x"
                                 << "control character";
    QTest::newRow("subject line separator") << "subject" << QString(QChar(0x2028)) + "x"
                                            << "control character";
    QTest::newRow("text body empty") << "textBody"
                                     << "\n"
                                     << "plain-text body is missing";
    QTest::newRow("text body too large")
        << "textBody" << QString(256 * 1024 + 1, u't') << "more than the 262144";
    QTest::newRow("html body too large")
        << "htmlBody" << QString(256 * 1024 + 1, u'h') << "more than the 262144";
    QTest::newRow("message id path") << "messageId"
                                     << "../../etc/passwd"
                                     << "message id";
    QTest::newRow("message id empty") << "messageId"
                                      << ""
                                      << "message id";
    QTest::newRow("domain empty") << "messageIdDomain"
                                  << ""
                                  << "not a valid host name";
    QTest::newRow("domain underscore") << "messageIdDomain"
                                       << "my_clinic.example"
                                       << "not a valid host name";
    QTest::newRow("sender invalid") << "fromAddress"
                                    << "no-reply"
                                    << "sender address";
    QTest::newRow("sender name too long")
        << "fromName" << QString(101, u'n') << "more than the 100";
}

void TestMailMessage::invalidFieldRejected()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, expectedWords);

    MailSettings sender = settings();
    MailMessage message = sampleMessage();
    QString messageId = kMessageId;
    if (field == QLatin1String("to"))
        message.to = value;
    else if (field == QLatin1String("subject"))
        message.subject = value;
    else if (field == QLatin1String("textBody"))
        message.textBody = value;
    else if (field == QLatin1String("htmlBody"))
        message.htmlBody = value;
    else if (field == QLatin1String("messageId"))
        messageId = value;
    else if (field == QLatin1String("messageIdDomain"))
        sender.messageIdDomain = value;
    else if (field == QLatin1String("fromAddress"))
        sender.fromAddress = value;
    else
        sender.fromName = value;

    auto rendered = message.render(sender, messageId, kDateMSecs);
    QVERIFY(!rendered.ok());
    QVERIFY2(rendered.error().message.contains(expectedWords), errorOf(rendered).constData());
}

void TestMailMessage::validFieldAccepted_data()
{
    QTest::addColumn<QString>("to");

    QTest::newRow("plain") << "a@b.example";
    QTest::newRow("dots and plus") << "first.last+tag@mail.clinic.example";
    QTest::newRow("atext symbols") << "o'brien!#$%&*/=?^_`{|}~-x@clinic.example";
    QTest::newRow("max local part") << QString(64, u'l') + "@clinic.example";
    QTest::newRow("digits and hyphen domain") << "x@1-2.example";
}

void TestMailMessage::validFieldAccepted()
{
    QFETCH(QString, to);

    MailMessage message = sampleMessage();
    message.to = to;
    auto rendered = message.render(settings(), kMessageId, kDateMSecs);
    QVERIFY2(rendered.ok(), errorOf(rendered).constData());
    QCOMPARE(parseMail(rendered.value()).to, to);
}

void TestMailMessage::quotedPrintable_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("plain") << QByteArray("abc") << QByteArray("abc");
    QTest::newRow("equals sign") << QByteArray("a=b") << QByteArray("a=3Db");
    QTest::newRow("utf-8") << QByteArray("\xc3\xa4") << QByteArray("=C3=A4");
    QTest::newRow("trailing space") << QByteArray("a \nb\t") << QByteArray("a=20\r\nb=09");
    QTest::newRow("inner space") << QByteArray("a b") << QByteArray("a b");
    QTest::newRow("leading dot") << QByteArray(".\n.x") << QByteArray("=2E\r\n=2Ex");
    QTest::newRow("From line") << QByteArray("From me\nFromage")
                               << QByteArray("=46rom me\r\nFromage");
    QTest::newRow("line ends") << QByteArray("a\r\nb\rc\nd\n")
                               << QByteArray("a\r\nb\r\nc\r\nd\r\n");
    QTest::newRow("soft break") << QByteArray(80, 'a')
                                << QByteArray(75, 'a') + "=\r\n" + QByteArray(5, 'a');
    QTest::newRow("76 fit on last line") << QByteArray(76, 'a') << QByteArray(76, 'a');
    QTest::newRow("escape not split")
        << QByteArray(74, 'a') + "=" + "b" << QByteArray(74, 'a') + "=\r\n=3Db";
    QTest::newRow("dot after soft break")
        << QByteArray(75, 'a') + ".b" << QByteArray(75, 'a') + "=\r\n=2Eb";
}

void TestMailMessage::quotedPrintable()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);

    QCOMPARE(mime::encodeQuotedPrintable(input), expected);
}

void TestMailMessage::dateFormat_data()
{
    QTest::addColumn<qint64>("msecs");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("epoch") << qint64(0) << QByteArray("Thu, 01 Jan 1970 00:00:00 +0000");
    QTest::newRow("sample") << kDateMSecs << QByteArray("Fri, 04 Dec 2026 15:27:14 +0000");
    QTest::newRow("leap day") << qint64(1709164800123)
                              << QByteArray("Thu, 29 Feb 2024 00:00:00 +0000");
}

void TestMailMessage::dateFormat()
{
    QFETCH(qint64, msecs);
    QFETCH(QByteArray, expected);

    QCOMPARE(mime::formatDate(msecs), expected);
}

QTEST_GUILESS_MAIN(TestMailMessage)
#include "TestMailMessage.moc"
