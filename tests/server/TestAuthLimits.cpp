// Limits of the sign-in routes against a real chartinsight-server. An e-mail code sign-in ends
// after 5 wrong codes, and resends have a minimum interval and a maximum count. Behind a trusted
// proxy, the rate limit per client address holds even when clients put their own entries into
// X-Forwarded-For. Time moves through the server's test clock, and codes are read from
// DATA_DIR/outbox.
#include "CurlClient.h"
#include "client/ClientTestSupport.h"
#include "support/TestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>

using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Tulip-Harbor-2718!");
// Server rules that these tests check, as the authentication API defines them.
constexpr int kMaxWrongCodes = 5;
constexpr int kMaxResends = 5;
constexpr qint64 kResendIntervalSeconds = 60;
// Time the server's mail worker gets to write a message to the outbox, in milliseconds.
constexpr int kMailWaitMs = 30000;

QByteArray json(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// A six-digit code that differs from `code`.
QString otherCode(const QString& code)
{
    return QStringLiteral("%1").arg((code.toInt() + 1) % 1000000, 6, 10, QLatin1Char('0'));
}

} // namespace

class TestAuthLimits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void fiveWrongCodesEndSignIn();
    void resendWaitsInterval();
    void resendCountLimited();
    void forwardedForSpoofBehindProxy();

private:
    // Adds a user with e-mail codes on; returns the address, or empty on failure.
    QString newMfaUser();
    // Starts a sign-in and returns its mfa_token (empty on failure).
    QString startSignIn(const QString& email);
    // Waits for the next mail to `email` after `seen` earlier ones and returns its code.
    QString nextCode(const QString& email, int seen);
    CurlResult verify(const QString& mfaToken, const QString& code);
    CurlResult resend(const QString& mfaToken);
    int mailCount(const QString& email) const;

    TestClock m_clock;
    qint64 m_offsetSeconds = 0;
    ServerProcess m_server;
    std::unique_ptr<CurlClient> m_curl;
    int m_userCount = 0;
};

void TestAuthLimits::initTestCase()
{
    m_clock.exportToEnvironment();
    QVERIFY(m_server.start());
    m_curl = std::make_unique<CurlClient>(m_server);
}

void TestAuthLimits::init()
{
    // Each test starts a fresh hour later, so no earlier challenge or bucket carries over.
    m_offsetSeconds += 60 * 60;
    QVERIFY(m_clock.setOffset(m_offsetSeconds));
}

void TestAuthLimits::cleanupTestCase()
{
    m_server.stop();
}

QString TestAuthLimits::newMfaUser()
{
    const QString email = QStringLiteral("limits-user%1@example.test").arg(++m_userCount);
    if (m_server.addUser(email, kPassword) != 0)
        return {};
    const QString token = m_curl->login(email, kPassword);
    const CurlResult enabled = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/account/mfa"),
        json({{QStringLiteral("enabled"), true}, {QStringLiteral("password"), kPassword}}), token);
    return enabled.status == 200 ? email : QString();
}

QString TestAuthLimits::startSignIn(const QString& email)
{
    const CurlResult result = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/login"),
        json({{QStringLiteral("email"), email}, {QStringLiteral("password"), kPassword}}));
    if (result.status != 200 || !result.json().value(QStringLiteral("mfa_required")).toBool()) {
        qWarning() << "login status" << result.status << result.body;
        return {};
    }
    return result.json().value(QStringLiteral("mfa_token")).toString();
}

int TestAuthLimits::mailCount(const QString& email) const
{
    return int(mailTo(m_server.dataDir(), email).size());
}

QString TestAuthLimits::nextCode(const QString& email, int seen)
{
    QStringList fresh;
    (void)QTest::qWaitFor(
        [&] {
            fresh = mailTo(m_server.dataDir(), email).mid(seen);
            return !fresh.isEmpty();
        },
        kMailWaitMs);
    return fresh.isEmpty() ? QString() : mfaCodeOf(fresh.first());
}

CurlResult TestAuthLimits::verify(const QString& mfaToken, const QString& code)
{
    return m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/mfa/verify"),
        json({{QStringLiteral("mfa_token"), mfaToken}, {QStringLiteral("code"), code}}));
}

CurlResult TestAuthLimits::resend(const QString& mfaToken)
{
    return m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/mfa/resend"),
                           json({{QStringLiteral("mfa_token"), mfaToken}}));
}

void TestAuthLimits::fiveWrongCodesEndSignIn()
{
    const QString email = newMfaUser();
    QVERIFY(!email.isEmpty());
    const QString mfaToken = startSignIn(email);
    QVERIFY(!mfaToken.isEmpty());
    const QString code = nextCode(email, 0);
    QCOMPARE(code.size(), 6);
    const QString wrong = otherCode(code);

    for (int attempt = 1; attempt < kMaxWrongCodes; ++attempt) {
        const CurlResult rejected = verify(mfaToken, wrong);
        QCOMPARE(rejected.status, 401);
        QCOMPARE(rejected.errorCode(), QStringLiteral("invalid_code"));
        QCOMPARE(rejected.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("attempts_left"))
                     .toInt(),
                 kMaxWrongCodes - attempt);
    }
    const CurlResult last = verify(mfaToken, wrong);
    QCOMPARE(last.status, 401);
    QCOMPARE(last.errorCode(), QStringLiteral("mfa_failed"));
    QVERIFY2(last.json()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("message"))
                 .toString()
                 .contains(QStringLiteral("sign in again")),
             last.body.constData());

    // The sign-in is over: the right code and a resend fail the same way.
    const CurlResult right = verify(mfaToken, code);
    QCOMPARE(right.status, 401);
    QCOMPARE(right.errorCode(), QStringLiteral("mfa_failed"));
    const CurlResult resent = resend(mfaToken);
    QCOMPARE(resent.status, 401);
    QCOMPARE(resent.errorCode(), QStringLiteral("mfa_failed"));

    // A new sign-in gets a new code, which works.
    const int seen = mailCount(email);
    const QString restarted = startSignIn(email);
    QVERIFY(!restarted.isEmpty());
    QVERIFY(restarted != mfaToken);
    const QString newCode = nextCode(email, seen);
    QCOMPARE(newCode.size(), 6);
    const CurlResult accepted = verify(restarted, newCode);
    QCOMPARE(accepted.status, 200);
    QVERIFY(!accepted.json().value(QStringLiteral("access_token")).toString().isEmpty());
}

void TestAuthLimits::resendWaitsInterval()
{
    const QString email = newMfaUser();
    QVERIFY(!email.isEmpty());
    const QString mfaToken = startSignIn(email);
    QVERIFY(!mfaToken.isEmpty());
    QCOMPARE(nextCode(email, 0).size(), 6);

    const CurlResult atOnce = resend(mfaToken);
    QCOMPARE(atOnce.status, 429);
    QCOMPARE(atOnce.errorCode(), QStringLiteral("rate_limited"));
    const int firstWait = atOnce.header("retry-after").toInt();
    QVERIFY2(firstWait >= 1 && firstWait <= kResendIntervalSeconds, atOnce.header("retry-after"));

    QVERIFY(m_clock.setOffset(m_offsetSeconds + 30));
    const CurlResult halfway = resend(mfaToken);
    QCOMPARE(halfway.status, 429);
    const int secondWait = halfway.header("retry-after").toInt();
    QVERIFY2(secondWait >= 1 && secondWait <= kResendIntervalSeconds - 30,
             halfway.header("retry-after"));

    QVERIFY(m_clock.setOffset(m_offsetSeconds + kResendIntervalSeconds + 1));
    const int seen = mailCount(email);
    const CurlResult sent = resend(mfaToken);
    QCOMPARE(sent.status, 202);
    QCOMPARE(sent.json().value(QStringLiteral("resend_available_in")).toInt(),
             int(kResendIntervalSeconds));
    QCOMPARE(nextCode(email, seen).size(), 6);

    // The interval starts again from the resend.
    const CurlResult again = resend(mfaToken);
    QCOMPARE(again.status, 429);
    const int thirdWait = again.header("retry-after").toInt();
    QVERIFY2(thirdWait >= 1 && thirdWait <= kResendIntervalSeconds, again.header("retry-after"));
}

void TestAuthLimits::resendCountLimited()
{
    const QString email = newMfaUser();
    QVERIFY(!email.isEmpty());
    const QString mfaToken = startSignIn(email);
    QVERIFY(!mfaToken.isEmpty());
    QCOMPARE(nextCode(email, 0).size(), 6);

    QString lastCode;
    qint64 offset = m_offsetSeconds;
    for (int count = 1; count <= kMaxResends; ++count) {
        offset += kResendIntervalSeconds + 1;
        QVERIFY(m_clock.setOffset(offset));
        const int seen = mailCount(email);
        const CurlResult sent = resend(mfaToken);
        QVERIFY2(sent.status == 202, sent.body.constData());
        lastCode = nextCode(email, seen);
        QCOMPARE(lastCode.size(), 6);
    }

    offset += kResendIntervalSeconds + 1;
    QVERIFY(m_clock.setOffset(offset));
    const int seen = mailCount(email);
    const CurlResult refused = resend(mfaToken);
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.errorCode(), QStringLiteral("rate_limited"));
    QVERIFY2(refused.header("retry-after").toInt() >= 1, refused.header("retry-after"));
    QTest::qWait(1500); // the mail worker polls every second; a sixth code would be there by now
    QCOMPARE(mailCount(email), seen);

    // The sign-in itself goes on with the last code that was sent.
    const CurlResult accepted = verify(mfaToken, lastCode);
    QCOMPARE(accepted.status, 200);
}

void TestAuthLimits::forwardedForSpoofBehindProxy()
{
    // Behind a trusted proxy the client's address is the last entry, which the proxy appended.
    // Entries that the client itself put in front of it must not give it fresh buckets.
    constexpr int kLimit = 5;
    ServerProcess proxied;
    QVERIFY(proxied.start({QStringLiteral("--ip-rate-limit"), QString::number(kLimit),
                           QStringLiteral("--trusted-proxy"), QStringLiteral("127.0.0.1")}));
    CurlClient curl(proxied);
    const auto check = [&](const QString& forwardedFor) {
        return curl.request(
            QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-policy"),
            json({{QStringLiteral("password"), QStringLiteral("Copper-Willow-Falcon-83")}}), {},
            {QStringLiteral("-H"), QStringLiteral("X-Forwarded-For: ") + forwardedFor});
    };

    for (int i = 0; i < kLimit; ++i) {
        const CurlResult allowed = check(QStringLiteral("203.0.113.%1, 198.51.100.7").arg(i));
        QCOMPARE(allowed.status, 200);
    }
    const CurlResult limited = check(QStringLiteral("203.0.113.99, 198.51.100.7"));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("rate_limited"));
    QVERIFY(limited.header("retry-after").toInt() > 0);

    // Another client behind the same proxy has its own bucket.
    QCOMPARE(check(QStringLiteral("198.51.100.8")).status, 200);
    proxied.stop();
}

QTEST_GUILESS_MAIN(TestAuthLimits)
#include "TestAuthLimits.moc"
