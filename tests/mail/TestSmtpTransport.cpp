#include "MailTestSupport.h"
#include "mail/MailErrors.h"
#include "mail/MailMessage.h"
#include "mail/SmtpTransport.h"

#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight;
using namespace chartinsight::mail;
using namespace chartinsight::test;

namespace {

const QString kSender = QStringLiteral("no-reply@clinic.example");
const QString kRecipient = QStringLiteral("night.nurse@clinic.example");
const QString kSubject = QStringLiteral("Kontosperre: Anmeldung gesperrt 🔒");
const QString kText = QStringLiteral("Ihr Konto wurde nach 5 Fehlversuchen für 15 Minuten "
                                     "gesperrt.\nGrüße, Ihre Praxis\n");
const QString kHtml = QStringLiteral("<p>Ihr Konto wurde für 15 Minuten gesperrt.</p>\n");
const QString kPassword = QStringLiteral("s3cret-Pa55word");
const QString kUsername = QStringLiteral("smtp-relay-user");

OutgoingMail sampleMail()
{
    MailMessage message{kRecipient, kSubject, kText, kHtml};
    const MailSettings settings{kSender, QStringLiteral("Praxis Müller"),
                                QStringLiteral("clinic.example")};
    const QString id = QStringLiteral("5a5a5a5a-1111-4222-8333-444455556666");
    auto rendered = message.render(settings, id, 1796398034000);
    if (!rendered)
        qWarning("%s", qPrintable(rendered.error().message));
    return OutgoingMail{id, kSender, kRecipient, rendered.ok() ? rendered.value() : QByteArray()};
}

} // namespace

class TestSmtpTransport : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void deliversOverStartTls();
    void deliversOverImplicitTls();
    void rejectsPlainOnlyServer();
    void rejectsUntrustedCertificate();
    void reportsConnectionRefused();
    void rejectsEnvelopeInjection();
    void invalidSettingsRejected_data();
    void invalidSettingsRejected();

private:
    SmtpSettings settingsFor(const QUrl& url) const;

    QTemporaryDir m_tlsDir;
    TlsFiles m_tls;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SmtpSink> m_sink;
};

void TestSmtpTransport::initTestCase()
{
    QVERIFY(m_tlsDir.isValid());
    QVERIFY(makeTlsFiles(m_tlsDir.path(), m_tls));
}

void TestSmtpTransport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_sink = std::make_unique<SmtpSink>(m_dir->filePath(QStringLiteral("maildir")), m_tls);
}

void TestSmtpTransport::cleanup()
{
    m_sink.reset();
    m_dir.reset();
}

SmtpSettings TestSmtpTransport::settingsFor(const QUrl& url) const
{
    SmtpSettings settings;
    settings.url = url;
    settings.caFile = m_tls.certificate;
    settings.connectTimeout = std::chrono::seconds(10);
    settings.totalTimeout = std::chrono::seconds(30);
    return settings;
}

void TestSmtpTransport::deliversOverStartTls()
{
    QVERIFY(m_sink->start(freeLoopbackPort(), SmtpSink::Security::StartTls));
    auto transport = SmtpTransport::create(settingsFor(m_sink->url()));
    QVERIFY2(transport.ok(), errorOf(transport).constData());

    auto sent = transport.value()->send(sampleMail());
    QVERIFY2(sent.ok(), (errorOf(sent) + ' ' + m_sink->log()).constData());

    const QStringList delivered = m_sink->deliveredFiles();
    QCOMPARE(delivered.size(), 1);
    const ParsedMail parsed = parseMail(readFile(delivered.first()));
    QVERIFY(parsed.parsed);
    QCOMPARE(parsed.defects, 0);
    QCOMPARE(parsed.rcptTo, kRecipient);
    QCOMPARE(parsed.subject, kSubject);
    QCOMPARE(parsed.text, kText);
    QCOMPARE(parsed.html, kHtml);
    QCOMPARE(parsed.from, QStringLiteral("Praxis Müller <no-reply@clinic.example>"));
}

void TestSmtpTransport::deliversOverImplicitTls()
{
    QVERIFY(m_sink->start(freeLoopbackPort(), SmtpSink::Security::ImplicitTls));
    QCOMPARE(m_sink->url().scheme(), QStringLiteral("smtps"));
    auto transport = SmtpTransport::create(settingsFor(m_sink->url()));
    QVERIFY2(transport.ok(), errorOf(transport).constData());

    auto sent = transport.value()->send(sampleMail());
    QVERIFY2(sent.ok(), errorOf(sent).constData());

    const QStringList delivered = m_sink->deliveredFiles();
    QCOMPARE(delivered.size(), 1);
    QCOMPARE(parseMail(readFile(delivered.first())).subject, kSubject);
}

void TestSmtpTransport::rejectsPlainOnlyServer()
{
    QVERIFY(m_sink->start(freeLoopbackPort(), SmtpSink::Security::PlainOnly));
    SmtpSettings settings = settingsFor(m_sink->url());
    settings.username = kUsername;
    settings.password = kPassword;
    auto transport = SmtpTransport::create(settings);
    QVERIFY2(transport.ok(), errorOf(transport).constData());

    auto sent = transport.value()->send(sampleMail());
    QVERIFY(!sent.ok());
    QCOMPARE(sent.error().code, QString::fromLatin1(errc::kSmtpTlsFailed));
    QVERIFY2(sent.error().message.contains(QLatin1String("STARTTLS")), errorOf(sent).constData());
    QVERIFY(!sent.error().message.contains(kPassword));
    QVERIFY(!sent.error().message.contains(kUsername));
    QVERIFY(!sent.error().message.contains(kRecipient));
    // Nothing went out in plain text.
    QVERIFY(m_sink->deliveredFiles().isEmpty());
}

void TestSmtpTransport::rejectsUntrustedCertificate()
{
    QVERIFY(m_sink->start(freeLoopbackPort(), SmtpSink::Security::StartTls));
    SmtpSettings settings = settingsFor(m_sink->url());
    settings.caFile.clear(); // the system store does not trust the self-signed certificate
    auto transport = SmtpTransport::create(settings);
    QVERIFY2(transport.ok(), errorOf(transport).constData());

    auto sent = transport.value()->send(sampleMail());
    QVERIFY(!sent.ok());
    QCOMPARE(sent.error().code, QString::fromLatin1(errc::kSmtpTlsFailed));
    QVERIFY(m_sink->deliveredFiles().isEmpty());
}

void TestSmtpTransport::reportsConnectionRefused()
{
    const quint16 port = freeLoopbackPort();
    auto transport =
        SmtpTransport::create(settingsFor(QUrl(QStringLiteral("smtp://127.0.0.1:%1").arg(port))));
    QVERIFY2(transport.ok(), errorOf(transport).constData());

    auto sent = transport.value()->send(sampleMail());
    QVERIFY(!sent.ok());
    QCOMPARE(sent.error().code, QString::fromLatin1(errc::kSmtpConnectFailed));
    QVERIFY2(sent.error().message.contains(QStringLiteral("smtp://127.0.0.1:%1").arg(port)),
             errorOf(sent).constData());
    QVERIFY(sent.error().message.contains(sampleMail().messageId));
}

void TestSmtpTransport::rejectsEnvelopeInjection()
{
    QVERIFY(m_sink->start(freeLoopbackPort(), SmtpSink::Security::StartTls));
    auto transport = SmtpTransport::create(settingsFor(m_sink->url()));
    QVERIFY2(transport.ok(), errorOf(transport).constData());

    OutgoingMail mail = sampleMail();
    mail.recipient = kRecipient + QStringLiteral(">\r\nRCPT TO:<other@evil.example");
    auto sent = transport.value()->send(mail);
    QVERIFY(!sent.ok());
    QCOMPARE(sent.error().code, QString::fromLatin1(errc::kInvalidMail));
    QVERIFY(m_sink->deliveredFiles().isEmpty());
}

void TestSmtpTransport::invalidSettingsRejected_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<int>("timeoutMs");
    QTest::addColumn<QString>("expectedWords");

    QTest::newRow("http scheme") << "http://127.0.0.1:25"
                                 << ""
                                 << ""
                                 << "" << 1000 << "Use smtp://HOST:PORT";
    QTest::newRow("no host") << "smtp://"
                             << ""
                             << ""
                             << "" << 1000 << "Use smtp://HOST:PORT";
    QTest::newRow("query") << "smtp://127.0.0.1:25?x=1"
                           << ""
                           << ""
                           << "" << 1000 << "must not have a query";
    QTest::newRow("credentials in url") << "smtp://user:hunter2@127.0.0.1:25"
                                        << ""
                                        << ""
                                        << "" << 1000 << "contains a user name or password";
    QTest::newRow("password only") << "smtp://127.0.0.1:25"
                                   << ""
                                   << "hunter2"
                                   << "" << 1000 << "without a user name";
    QTest::newRow("missing ca file") << "smtp://127.0.0.1:25"
                                     << ""
                                     << ""
                                     << "/nonexistent/ca.pem" << 1000 << "CA file";
    QTest::newRow("zero timeout") << "smtp://127.0.0.1:25"
                                  << ""
                                  << ""
                                  << "" << 0 << "must be positive";
}

void TestSmtpTransport::invalidSettingsRejected()
{
    QFETCH(QString, url);
    QFETCH(QString, username);
    QFETCH(QString, password);
    QFETCH(QString, caFile);
    QFETCH(int, timeoutMs);
    QFETCH(QString, expectedWords);

    SmtpSettings settings;
    settings.url = QUrl(url);
    settings.username = username;
    settings.password = password;
    settings.caFile = caFile;
    settings.connectTimeout = std::chrono::milliseconds(timeoutMs);
    auto transport = SmtpTransport::create(settings);
    QVERIFY(!transport.ok());
    QCOMPARE(transport.error().code, QString::fromLatin1(errc::kInvalidMailSettings));
    QVERIFY2(transport.error().message.contains(expectedWords), errorOf(transport).constData());
    QVERIFY(!transport.error().message.contains(QLatin1String("hunter2")));
}

QTEST_GUILESS_MAIN(TestSmtpTransport)
#include "TestSmtpTransport.moc"
