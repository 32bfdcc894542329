// The redaction step of every log line: each kind of secret, control characters, long
// messages, and the message handler that applies them with the request id.

#include "core/Logging.h"

#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight;

namespace {

Q_LOGGING_CATEGORY(lcTestRedaction, "chartinsight.test.redaction", QtInfoMsg)

const QString kToken = QStringLiteral("q9Zk3LmP0xYvB7nR2sTw8uJdE5fHa1cG4iKoQ6lMpNr");
const QString kJwt = QStringLiteral(
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U");

} // namespace

class TestLogRedaction : public QObject
{
    Q_OBJECT

private slots:
    void masksSecret_data();
    void masksSecret();
    void keepsHarmlessText_data();
    void keepsHarmlessText();
    void escapesControlCharacters();
    void cutsLongMessages();
    void handlerWritesOneRedactedLine();
    void handlerTagsRequestId();
    void rejectsUnknownLogLevel();
    void logLevelFiltersDebug();
};

void TestLogRedaction::masksSecret_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("expected");

    QTest::newRow("url query values")
        << QStringLiteral("GET https://127.0.0.1:8443/api/v1/records?filename=smith.pdf&x=1 failed")
        << QStringLiteral("smith")
        << QStringLiteral("GET https://127.0.0.1:8443/api/v1/records?filename=***&x=*** failed");
    QTest::newRow("url userinfo")
        << QStringLiteral("connecting to smtps://mailer:Hunter2!@smtp.example.test:465/")
        << QStringLiteral("Hunter2")
        << QStringLiteral("connecting to smtps://***@smtp.example.test:465/");
    QTest::newRow("url fragment")
        << QStringLiteral("open https://app.example.test/cb#access_token=abc")
        << QStringLiteral("abc") << QStringLiteral("open https://app.example.test/cb#***");
    QTest::newRow("reset link")
        << QStringLiteral("link chartinsight://reset-password?token=") + kToken
        << kToken << QStringLiteral("link chartinsight://reset-password?token=***");
    QTest::newRow("file url")
        << QStringLiteral("dropped file:///home/nurse/Jane%20Roe%20MRI.pdf")
        << QStringLiteral("Roe") << QStringLiteral("dropped file:///***");
    QTest::newRow("relative path with query")
        << QStringLiteral("POST /api/v1/records?filename=roe.pdf&team=7 -> 500")
        << QStringLiteral("roe") << QStringLiteral("POST /api/v1/records?filename=***&team=*** -> 500");
    QTest::newRow("password pair")
        << QStringLiteral("retrying with password=Tulip-Harbor-2718! now")
        << QStringLiteral("Tulip") << QStringLiteral("retrying with password=*** now");
    QTest::newRow("token pair")
        << QStringLiteral("refresh_token=") + kToken + QStringLiteral("; expires soon")
        << kToken << QStringLiteral("refresh_token=***; expires soon");
    QTest::newRow("code pair")
        << QStringLiteral("state=xyz123 code=482913") << QStringLiteral("482913")
        << QStringLiteral("state=*** code=***");
    QTest::newRow("quoted pair")
        << QStringLiteral("new_password = \"two words\" rejected")
        << QStringLiteral("two words") << QStringLiteral("new_password = *** rejected");
    QTest::newRow("json members")
        << QStringLiteral("body {\"email\":\"x\",\"password\":\"Tulip\\\"Harbor\",\"code\":482913}")
        << QStringLiteral("Tulip")
        << QStringLiteral("body {\"email\":\"x\",\"password\":\"***\",\"code\":\"***\"}");
    QTest::newRow("authorization header")
        << QStringLiteral("header Authorization: Basic dXNlcjpwYXNz") << QStringLiteral("dXNl")
        << QStringLiteral("header Authorization: ***");
    QTest::newRow("cookie header")
        << QStringLiteral("Cookie: sid=abc; theme=dark") << QStringLiteral("abc")
        << QStringLiteral("Cookie: ***");
    QTest::newRow("bearer token")
        << QStringLiteral("sent Bearer ") + kToken + QStringLiteral(" to the server") << kToken
        << QStringLiteral("sent Bearer *** to the server");
    QTest::newRow("jwt") << QStringLiteral("token ") + kJwt + QStringLiteral(" expired")
                         << QStringLiteral("eyJzdWIi") << QStringLiteral("token *** expired");
    QTest::newRow("email address")
        << QStringLiteral("no user nurse.jones+ward@clinic.example.test found")
        << QStringLiteral("jones") << QStringLiteral("no user ***@*** found");
    QTest::newRow("percent-encoded email")
        << QStringLiteral("path /users/nurse%40clinic.test/x") << QStringLiteral("nurse")
        << QStringLiteral("path /users/***@***/x");
    QTest::newRow("hex key")
        << QStringLiteral("key 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
        << QStringLiteral("00112233") << QStringLiteral("key ***");
    QTest::newRow("base64url token") << QStringLiteral("token ") + kToken
                                     << kToken.left(12) << QStringLiteral("token ***");
    QTest::newRow("base64 with slashes")
        << QStringLiteral("key q9Zk3LmP0xYvB7nR2sTw8uJd/E5fHa1cG4iKoQ6lMpNr+a==")
        << QStringLiteral("q9Zk3") << QStringLiteral("key ***");
    QTest::newRow("file name")
        << QStringLiteral("could not open /tmp/upload/Jane_Roe-MRI.2026.PDF: denied")
        << QStringLiteral("Jane_Roe") << QStringLiteral("could not open /tmp/upload/***.PDF: denied");
    QTest::newRow("qnetworkreply error string")
        << QStringLiteral("Error transferring https://127.0.0.1:9/api/v1/records/"
                          "5d1c0c8e-6b6f-4c55-9a4e-2f1f3c1f9a10/content?purpose=view - server "
                          "replied: Internal Server Error")
        << QStringLiteral("purpose=view")
        << QStringLiteral("Error transferring https://127.0.0.1:9/api/v1/records/"
                          "5d1c0c8e-6b6f-4c55-9a4e-2f1f3c1f9a10/content?purpose=*** - server "
                          "replied: Internal Server Error");
    QTest::newRow("smtp error with recipient")
        << QStringLiteral("550 5.1.1 <dr.roe@clinic.example>: Recipient address rejected")
        << QStringLiteral("dr.roe") << QStringLiteral("550 5.1.1 <***@***>: Recipient address rejected");
}

void TestLogRedaction::masksSecret()
{
    QFETCH(QString, message);
    QFETCH(QString, secret);
    QFETCH(QString, expected);

    const QString redacted = redactLogMessage(message);
    QVERIFY2(!redacted.contains(secret), qPrintable(redacted));
    QCOMPARE(redacted, expected);
    QCOMPARE(redactLogMessage(redacted), redacted);
}

void TestLogRedaction::keepsHarmlessText_data()
{
    QTest::addColumn<QString>("message");

    QTest::newRow("ids") << QStringLiteral("user 5d1c0c8e-6b6f-4c55-9a4e-2f1f3c1f9a10 created "
                                           "team 0b7e5c1a-1111-4c55-9a4e-2f1f3c1f9a10");
    QTest::newRow("request id") << QStringLiteral("request 3fa2c1d4e5f6a7b8 failed: internal");
    QTest::newRow("path without query")
        << QStringLiteral("GET /api/v1/records/5d1c0c8e-6b6f-4c55-9a4e-2f1f3c1f9a10/content -> 200");
    QTest::newRow("fingerprint")
        << QStringLiteral("TLS certificate SHA-256 fingerprint: AB:CD:EF:01:23:45:67:89:AB:CD:EF:"
                          "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89");
    QTest::newRow("data folder")
        << QStringLiteral("the data folder /srv/chartinsight-server/data/ can be opened");
    QTest::newRow("question") << QStringLiteral("is the server up? yes");
    QTest::newRow("counts") << QStringLiteral("sync: 12 records on the server, 3 to fetch");
    QTest::newRow("qt enum") << QStringLiteral("error QNetworkReply::RemoteHostClosedError");
    QTest::newRow("token word") << QStringLiteral("refresh token reused: revoked session 7");
}

void TestLogRedaction::keepsHarmlessText()
{
    QFETCH(QString, message);
    QCOMPARE(redactLogMessage(message), message);
}

void TestLogRedaction::escapesControlCharacters()
{
    const QString forged = QStringLiteral(
        "title\n2026-12-04T15:27:14.123Z info chartinsight.server.auth: login succeeded\r\x1b[2J"
        "\u2028end");
    const QString escaped = escapeForLog(forged);
    QVERIFY(!escaped.contains(u'\n'));
    QVERIFY(!escaped.contains(u'\r'));
    QVERIFY(!escaped.contains(QChar(0x1b)));
    QVERIFY(!escaped.contains(QChar(0x2028)));
    QVERIFY(escaped.startsWith(QStringLiteral("title\\x0a2026")));
    QVERIFY(escaped.contains(QStringLiteral("\\x0d\\x1b[2J")));
    QVERIFY(escaped.endsWith(QStringLiteral("\\x2028end")));
}

void TestLogRedaction::cutsLongMessages()
{
    QString message;
    while (message.size() < 3 * kMaxLogMessageChars)
        message += QStringLiteral("chunk ");
    const QString redacted = redactLogMessage(message);
    QVERIFY(redacted.size() < kMaxLogMessageChars + 40);
    QVERIFY2(redacted.endsWith(QStringLiteral("more characters)")), qPrintable(redacted.right(60)));

    // A token that straddles the cut is masked, not left half in the line.
    QString straddling = QString(kMaxLogMessageChars - 10, u'a') + u' ' + kToken + kToken;
    const QString cut = redactLogMessage(straddling);
    QVERIFY(!cut.contains(kToken.left(10)));
}

void TestLogRedaction::handlerWritesOneRedactedLine()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("log.txt"));
    qputenv(kLogFileVariable, path.toLocal8Bit());
    installLogHandler();

    qCInfo(lcTestRedaction).noquote()
        << "login for nurse@clinic.test\ninfo chartinsight.server.auth: forged password=hunter2";
    qCDebug(lcTestRedaction) << "a debug line is off by default";
    qWarning().noquote() << "a Qt warning with https://x.test/?code=123456";

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray log = file.readAll();
    const QList<QByteArray> lines = log.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines.at(0).contains(" info chartinsight.test.redaction: login for ***@***\\x0a"));
    QVERIFY(lines.at(0).endsWith("forged password=***"));
    QVERIFY(!log.contains("nurse"));
    QVERIFY(!log.contains("hunter2"));
    QVERIFY(!log.contains("123456"));
    QVERIFY(lines.at(1).contains(" warning default: a Qt warning with https://x.test/?code=***"));
}

void TestLogRedaction::handlerTagsRequestId()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("log.txt"));
    qputenv(kLogFileVariable, path.toLocal8Bit());
    installLogHandler();

    {
        const LogRequestScope outer(QStringLiteral("3fa2c1d4e5f6a7b8"));
        qCInfo(lcTestRedaction) << "outer";
        {
            const LogRequestScope inner(QStringLiteral("00000000000000aa"));
            qCInfo(lcTestRedaction) << "inner";
        }
        qCInfo(lcTestRedaction) << "outer again";
    }
    qCInfo(lcTestRedaction) << "no request";

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 4);
    QVERIFY(lines.at(0).contains("chartinsight.test.redaction [request 3fa2c1d4e5f6a7b8]: outer"));
    QVERIFY(lines.at(1).contains("[request 00000000000000aa]: inner"));
    QVERIFY(lines.at(2).contains("[request 3fa2c1d4e5f6a7b8]: outer again"));
    QVERIFY(lines.at(3).contains("chartinsight.test.redaction: no request"));
}

void TestLogRedaction::rejectsUnknownLogLevel()
{
    const Result<QtMsgType> parsed = parseLogLevel(QStringLiteral("verbose\n"));
    QVERIFY(!parsed.ok());
    QVERIFY(parsed.error().message.contains(QStringLiteral("\"verbose\\x0a\"")));
    QVERIFY(parsed.error().message.contains(QStringLiteral("debug, info, warning, critical")));
}

void TestLogRedaction::logLevelFiltersDebug()
{
    const Result<QtMsgType> debug = parseLogLevel(QStringLiteral("debug"));
    QVERIFY(debug.ok());
    setLogLevel(debug.value());
    QVERIFY(lcTestRedaction().isDebugEnabled());

    const Result<QtMsgType> warning = parseLogLevel(QStringLiteral(" WARNING"));
    QVERIFY(warning.ok());
    QCOMPARE(warning.value(), QtWarningMsg);
    setLogLevel(warning.value());
    QVERIFY(!lcTestRedaction().isDebugEnabled());
    QVERIFY(!lcTestRedaction().isInfoEnabled());
    QVERIFY(lcTestRedaction().isWarningEnabled());
    QVERIFY(lcTestRedaction().isCriticalEnabled());

    setLogLevel(QtInfoMsg);
    QVERIFY(lcTestRedaction().isInfoEnabled());
    QVERIFY(!lcTestRedaction().isDebugEnabled());
}

QTEST_GUILESS_MAIN(TestLogRedaction)
#include "TestLogRedaction.moc"
