// The server's pure logic without a running process: command-line parsing, the password policy
// and the route table.

#include "server/CommandLine.h"
#include "server/PasswordPolicy.h"
#include "server/Router.h"

#include <QTest>

using chartinsight::server::CommandLine;
using chartinsight::server::ParsedCommandLine;
using chartinsight::server::PasswordPolicy;
using chartinsight::server::RouteId;
using chartinsight::server::Router;

namespace {

ParsedCommandLine parse(const QStringList& arguments, const QStringList& environment = {})
{
    QProcessEnvironment processEnvironment;
    for (const QString& entry : environment)
        processEnvironment.insert(entry.section(u'=', 0, 0), entry.section(u'=', 1));
    return CommandLine::parse(QStringList{QStringLiteral("chartinsight-server")} + arguments,
                              processEnvironment);
}

} // namespace

class TestServerCommandLine : public QObject
{
    Q_OBJECT
private slots:
    void serveDefaults();
    void serveOptions();
    void usageErrors_data();
    void usageErrors();
    void helpNamesUnits();
    void addUserNormalisesEmail();
    void originNormalisation_data();
    void originNormalisation();
    void passwordRejected_data();
    void passwordRejected();
    void passwordAccepted_data();
    void passwordAccepted();
    void routes_data();
    void routes();
};

void TestServerCommandLine::serveDefaults()
{
    const ParsedCommandLine parsed =
        parse({QStringLiteral("serve"), QStringLiteral("--data-dir"), QStringLiteral("/d")});
    QCOMPARE(parsed.action, ParsedCommandLine::Action::Serve);
    QCOMPARE(parsed.serve.dataDir, QStringLiteral("/d"));
    QCOMPARE(parsed.serve.listenHost, QStringLiteral("127.0.0.1"));
    QCOMPARE(parsed.serve.listenPort, quint16(8443));
    QCOMPARE(parsed.serve.maxUploadSize, 2LL * 1024 * 1024 * 1024);
    QCOMPARE(parsed.serve.bcryptCost, 12);
    QVERIFY(!parsed.serve.databaseKey.has_value());
    QVERIFY(parsed.serve.allowedOrigins.isEmpty());
}

void TestServerCommandLine::serveOptions()
{
    const ParsedCommandLine parsed = parse(
        {QStringLiteral("serve"), QStringLiteral("--data-dir"), QStringLiteral("/d"),
         QStringLiteral("--listen"), QStringLiteral("[::1]:0"), QStringLiteral("--max-upload-size"),
         QStringLiteral("1000"), QStringLiteral("--allowed-origin"),
         QStringLiteral("HTTPS://Portal.Example.TEST:8080"), QStringLiteral("--tls-cert"),
         QStringLiteral("c.pem"), QStringLiteral("--tls-key"), QStringLiteral("k.pem")},
        {QStringLiteral("CHARTINSIGHT_BCRYPT_COST=4"),
         QStringLiteral("CHARTINSIGHT_DB_KEY=") + QString(64, u'a')});
    QCOMPARE(parsed.action, ParsedCommandLine::Action::Serve);
    QCOMPARE(parsed.serve.listenHost, QStringLiteral("::1"));
    QCOMPARE(parsed.serve.listenPort, quint16(0));
    QCOMPARE(parsed.serve.maxUploadSize, 1000);
    QCOMPARE(parsed.serve.allowedOrigins,
             QStringList{QStringLiteral("https://portal.example.test:8080")});
    QCOMPARE(parsed.serve.tlsCertificate, QStringLiteral("c.pem"));
    QCOMPARE(parsed.serve.bcryptCost, 4);
    QCOMPARE(parsed.serve.databaseKey.value(), QByteArray(32, char(0xaa)));
}

void TestServerCommandLine::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("named"); // text the one-line message must contain

    const QStringList serve{QStringLiteral("serve"), QStringLiteral("--data-dir"),
                            QStringLiteral("/d")};
    QTest::newRow("no command") << QStringList() << QStringList()
                                << QStringLiteral("missing command");
    QTest::newRow("unknown command")
        << QStringList{QStringLiteral("serv")} << QStringList() << QStringLiteral("'serv'");
    QTest::newRow("no data dir") << QStringList{QStringLiteral("serve")} << QStringList()
                                 << QStringLiteral("--data-dir");
    QTest::newRow("unknown option")
        << serve + QStringList{QStringLiteral("--port"), QStringLiteral("1")} << QStringList()
        << QStringLiteral("port");
    QTest::newRow("bad listen") << serve + QStringList{QStringLiteral("--listen"),
                                                       QStringLiteral("8443")}
                                << QStringList() << QStringLiteral("'8443'");
    QTest::newRow("bad port") << serve + QStringList{QStringLiteral("--listen"),
                                                     QStringLiteral("127.0.0.1:70000")}
                              << QStringList() << QStringLiteral("70000");
    QTest::newRow("bad size") << serve + QStringList{QStringLiteral("--max-upload-size"),
                                                     QStringLiteral("2G")}
                              << QStringList() << QStringLiteral("'2G'");
    QTest::newRow("zero size") << serve + QStringList{QStringLiteral("--max-upload-size"),
                                                      QStringLiteral("0")}
                               << QStringList() << QStringLiteral("'0'");
    QTest::newRow("cert without key")
        << serve + QStringList{QStringLiteral("--tls-cert"), QStringLiteral("c.pem")}
        << QStringList() << QStringLiteral("--tls-key");
    QTest::newRow("bad origin") << serve + QStringList{QStringLiteral("--allowed-origin"),
                                                       QStringLiteral("portal.test/x")}
                                << QStringList() << QStringLiteral("'portal.test/x'");
    QTest::newRow("short db key") << serve
                                  << QStringList{QStringLiteral("CHARTINSIGHT_DB_KEY=abcd")}
                                  << QStringLiteral("CHARTINSIGHT_DB_KEY");
    QTest::newRow("bad cost") << serve << QStringList{QStringLiteral("CHARTINSIGHT_BCRYPT_COST=3")}
                              << QStringLiteral("CHARTINSIGHT_BCRYPT_COST");
    QTest::newRow("bad email") << QStringList{QStringLiteral("add-user"),
                                              QStringLiteral("--data-dir"), QStringLiteral("/d"),
                                              QStringLiteral("--email"),
                                              QStringLiteral("not-an-address")}
                               << QStringList() << QStringLiteral("'not-an-address'");
    QTest::newRow("no email") << QStringList{QStringLiteral("add-user"),
                                             QStringLiteral("--data-dir"), QStringLiteral("/d")}
                              << QStringList() << QStringLiteral("--email");
}

void TestServerCommandLine::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, environment);
    QFETCH(QString, named);
    const ParsedCommandLine parsed = parse(arguments, environment);
    QCOMPARE(parsed.action, ParsedCommandLine::Action::UsageError);
    QVERIFY2(parsed.text.contains(named), qPrintable(parsed.text));
    QVERIFY2(!parsed.text.contains(u'\n'), qPrintable(parsed.text));
}

void TestServerCommandLine::helpNamesUnits()
{
    const ParsedCommandLine parsed = parse({QStringLiteral("serve"), QStringLiteral("--help")});
    QCOMPARE(parsed.action, ParsedCommandLine::Action::PrintText);
    QVERIFY(parsed.text.contains(QStringLiteral("--max-upload-size <BYTES>")));
    QVERIFY(parsed.text.contains(QStringLiteral("in bytes")));
    QVERIFY(parsed.text.contains(QStringLiteral("CHARTINSIGHT_DB_KEY")));
    QVERIFY(parsed.text.startsWith(QStringLiteral("Usage: chartinsight-server serve")));
}

void TestServerCommandLine::addUserNormalisesEmail()
{
    const ParsedCommandLine parsed =
        parse({QStringLiteral("add-user"), QStringLiteral("--data-dir"), QStringLiteral("/d"),
               QStringLiteral("--email"), QStringLiteral(" Alice@Example.TEST "),
               QStringLiteral("--admin")});
    QCOMPARE(parsed.action, ParsedCommandLine::Action::AddUser);
    QCOMPARE(parsed.addUser.email, QStringLiteral("alice@example.test"));
    QCOMPARE(parsed.addUser.organization, QStringLiteral("Default"));
    QVERIFY(parsed.addUser.admin);
}

void TestServerCommandLine::originNormalisation_data()
{
    QTest::addColumn<QString>("origin");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << QStringLiteral("https://portal.test")
                           << QStringLiteral("https://portal.test");
    QTest::newRow("case") << QStringLiteral("HTTPS://Portal.TEST")
                          << QStringLiteral("https://portal.test");
    QTest::newRow("port") << QStringLiteral("http://localhost:5173")
                          << QStringLiteral("http://localhost:5173");
    QTest::newRow("trailing slash")
        << QStringLiteral("https://portal.test/") << QStringLiteral("https://portal.test");
    QTest::newRow("path") << QStringLiteral("https://portal.test/app") << QString();
    QTest::newRow("query") << QStringLiteral("https://portal.test?a=1") << QString();
    QTest::newRow("user info") << QStringLiteral("https://user@portal.test") << QString();
    QTest::newRow("scheme") << QStringLiteral("ftp://portal.test") << QString();
    QTest::newRow("no scheme") << QStringLiteral("portal.test") << QString();
}

void TestServerCommandLine::originNormalisation()
{
    QFETCH(QString, origin);
    QFETCH(QString, expected);
    QCOMPARE(CommandLine::normaliseOrigin(origin), expected);
}

void TestServerCommandLine::passwordRejected_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("rule"); // words the message must contain
    QTest::newRow("short") << QStringLiteral("Tulip-27!") << QStringLiteral("too short");
    QTest::newRow("long") << QString(257, u'x') << QStringLiteral("too long");
    QTest::newRow("common") << QStringLiteral("password1234")
                            << QStringLiteral("too easy to guess");
    QTest::newRow("keyboard") << QStringLiteral("qwertyuiop123")
                              << QStringLiteral("too easy to guess");
    QTest::newRow("repeat") << QStringLiteral("aaaaaaaaaaaaaaaa")
                            << QStringLiteral("too easy to guess");
    QTest::newRow("local part") << QStringLiteral("Xk9-ALICE-Rv7-Plum")
                                << QStringLiteral("local part");
    QTest::newRow("control") << QStringLiteral("Correct\u0001Horse-Battery-91")
                             << QStringLiteral("U+0001");
    QTest::newRow("nul") << QStringLiteral("Correct") + QChar(0) +
                                QStringLiteral("Horse-Battery-91")
                         << QStringLiteral("U+0000");
}

void TestServerCommandLine::passwordRejected()
{
    QFETCH(QString, password);
    QFETCH(QString, rule);
    const auto result = PasswordPolicy::check(password, QStringLiteral("alice@example.test"));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, QStringLiteral("weak_password"));
    QVERIFY2(result.error().message.contains(rule), qPrintable(result.error().message));
}

void TestServerCommandLine::passwordAccepted_data()
{
    QTest::addColumn<QString>("password");
    QTest::newRow("words") << QStringLiteral("Tulip-Harbor-2718!");
    QTest::newRow("unicode") << QStringLiteral("Grünkohl-Bärlauch-Möhre");
    // 12 code points but more UTF-8 bytes: length counts characters.
    QTest::newRow("twelve code points") << QStringLiteral("Ωß∂ƒ©˙∆˚¬…æœ");
}

void TestServerCommandLine::passwordAccepted()
{
    QFETCH(QString, password);
    const auto result = PasswordPolicy::check(password, QStringLiteral("alice@example.test"));
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
}

void TestServerCommandLine::routes_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("route");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<bool>("validId");
    const QByteArray id = "0f8e7a52-3c1d-4b9a-9e21-5d6c7b8a9f00";
    QTest::newRow("health") << QByteArray("GET") << QByteArray("/api/v1/health")
                            << int(RouteId::Health) << true << false;
    QTest::newRow("health post") << QByteArray("POST") << QByteArray("/api/v1/health")
                                 << int(RouteId::Health) << false << false;
    QTest::newRow("login") << QByteArray("POST") << QByteArray("/api/v1/auth/login")
                           << int(RouteId::Login) << true << false;
    QTest::newRow("logout") << QByteArray("POST") << QByteArray("/api/v1/auth/logout")
                            << int(RouteId::Logout) << true << false;
    QTest::newRow("list") << QByteArray("GET") << QByteArray("/api/v1/records")
                          << int(RouteId::Records) << true << false;
    QTest::newRow("upload") << QByteArray("POST") << QByteArray("/api/v1/records")
                            << int(RouteId::Records) << true << false;
    QTest::newRow("delete") << QByteArray("DELETE") << QByteArray("/api/v1/records")
                            << int(RouteId::Records) << false << false;
    QTest::newRow("content") << QByteArray("GET") << "/api/v1/records/" + id + "/content"
                             << int(RouteId::RecordContent) << true << true;
    QTest::newRow("upper-case id")
        << QByteArray("GET") << "/api/v1/records/" + id.toUpper() + "/content"
        << int(RouteId::RecordContent) << true << false;
    QTest::newRow("traversal id") << QByteArray("GET") << QByteArray("/api/v1/records/../content")
                                  << int(RouteId::RecordContent) << true << false;
    QTest::newRow("trailing slash") << QByteArray("GET") << QByteArray("/api/v1/records/")
                                    << int(RouteId::None) << false << false;
    QTest::newRow("encoded") << QByteArray("GET") << QByteArray("/api/v1/%72ecords")
                             << int(RouteId::None) << false << false;
    QTest::newRow("root") << QByteArray("GET") << QByteArray("/") << int(RouteId::None) << false
                          << false;
}

void TestServerCommandLine::routes()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(int, route);
    QFETCH(bool, allowed);
    QFETCH(bool, validId);
    const auto match = Router::match(method, path);
    QCOMPARE(int(match.route), route);
    QCOMPARE(match.methodAllowed, allowed);
    QCOMPARE(match.validRecordId, validId);
}

QTEST_GUILESS_MAIN(TestServerCommandLine)
#include "TestServerCommandLine.moc"
