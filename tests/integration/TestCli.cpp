#include "client/ClientTestSupport.h"
#include "client/SecretStore.h"
#include "core/RecordInfo.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Harbor-Velvet-Saffron-9137!");

QStringList lines(const QByteArray& output)
{
    return QString::fromUtf8(output).split(u'\n', Qt::SkipEmptyParts);
}

} // namespace

// Drives the chartinsight-cli binary against a real server, each test with its own profile
// folder and an emptied keychain.
class TestCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void loginSavesConnection();
    void wrongPasswordFails();
    void uploadListDownload();
    void listJson();
    void offlineAfterSync();
    void eicarRejected();
    void uploadStopsAtFirstFailure();
    void usageErrors_data();
    void usageErrors();
    void notSignedIn();
    void untrustedCertificate();
    void wrongCacheKey();
    void keychainUnavailable();
    void logoutForgetsSession();
    void helpListsCommands();

private:
    ProcessOutput cli(const QStringList& arguments, const QByteArray& input = {},
                      const QStringList& environment = {}) const;
    bool login(const ServerProcess& server, const QString& email) const;
    QString newUser(ServerProcess& server);

    ServerProcess m_server;
    QTemporaryDir m_files;
    std::unique_ptr<QTemporaryDir> m_profile;
    QString m_email;
    QString m_pdf;
    QString m_png;
    QString m_eicar;
    int m_userCount = 0;
};

void TestCli::initTestCase()
{
    QVERIFY2(QFile::exists(cliExecutable()), "build chartinsight-cli first");
    QVERIFY(m_server.start());
    m_pdf = makePdf(m_files.path(), QStringLiteral("discharge letter.pdf"),
                    QStringLiteral("Discharge letter KESTREL-4412"));
    QVERIFY(!m_pdf.isEmpty());
    m_png = makePng(m_files.path(), QStringLiteral("x-ray.png"));
    QVERIFY(!m_png.isEmpty());
    m_eicar = makeEicarFile(m_files.path(), QStringLiteral("eicar.txt"));
    QVERIFY(!m_eicar.isEmpty());
}

void TestCli::init()
{
    m_profile = std::make_unique<QTemporaryDir>();
    QVERIFY(removeSecret(QString::fromLatin1(client::kCacheKeyEntry)).ok());
    QVERIFY(removeSecret(client::sessionEntryName(m_server.url().toString())).ok());
    m_email = newUser(m_server);
    QVERIFY(!m_email.isEmpty());
}

ProcessOutput TestCli::cli(const QStringList& arguments, const QByteArray& input,
                           const QStringList& environment) const
{
    return runProcess(cliExecutable(), arguments, input, 120000,
                      QStringList{QStringLiteral("CHARTINSIGHT_PROFILE_DIR=") + m_profile->path(),
                                  QStringLiteral("CHARTINSIGHT_SIGNATURES=") + testSignatureDir()} +
                          environment);
}

QString TestCli::newUser(ServerProcess& server)
{
    const QString email = QStringLiteral("nurse%1@example.test").arg(++m_userCount);
    return server.addUser(email, kPassword) == 0 ? email : QString();
}

bool TestCli::login(const ServerProcess& server, const QString& email) const
{
    const ProcessOutput output =
        cli({QStringLiteral("--server"), server.url().toString(), QStringLiteral("--ca-file"),
             server.caFile(), QStringLiteral("login"), QStringLiteral("--email"), email},
            kPassword.toUtf8() + '\n');
    if (output.exitCode != 0)
        qWarning("login failed: %s", output.standardError.constData());
    return output.exitCode == 0;
}

void TestCli::loginSavesConnection()
{
    QVERIFY(login(m_server, m_email));
    const QSettings settings(m_profile->filePath(QStringLiteral("client.ini")),
                             QSettings::IniFormat);
    QCOMPARE(settings.value(QStringLiteral("connection/server_url")).toString(),
             m_server.url().toString());
    QCOMPARE(settings.value(QStringLiteral("connection/ca_file")).toString(), m_server.caFile());
    const QString ini =
        QString::fromUtf8(readFile(m_profile->filePath(QStringLiteral("client.ini"))));
    QVERIFY(!ini.contains(m_email));
    QVERIFY(!ini.contains(kPassword));

    // Later commands need no flags.
    const ProcessOutput listed = cli({QStringLiteral("list")});
    QVERIFY2(listed.exitCode == 0, listed.standardError.constData());
}

void TestCli::wrongPasswordFails()
{
    const ProcessOutput output =
        cli({QStringLiteral("--server"), m_server.url().toString(), QStringLiteral("--ca-file"),
             m_server.caFile(), QStringLiteral("login"), QStringLiteral("--email"), m_email},
            "not-the-password\n");
    QCOMPARE(output.exitCode, 1);
    const QStringList errorLines = lines(output.standardError);
    QCOMPARE(errorLines.size(), 1);
    QVERIFY(errorLines.first().startsWith(QStringLiteral("chartinsight-cli: login: ")));
    QVERIFY(!QFile::exists(m_profile->filePath(QStringLiteral("client.ini"))));
}

void TestCli::uploadListDownload()
{
    QVERIFY(login(m_server, m_email));
    const ProcessOutput uploaded = cli({QStringLiteral("upload"), m_pdf, m_png});
    QVERIFY2(uploaded.exitCode == 0, uploaded.standardError.constData());
    const QStringList ids = lines(uploaded.standardOutput);
    QCOMPARE(ids.size(), 2);
    QVERIFY(isValidRecordId(ids[0]));
    QVERIFY(isValidRecordId(ids[1]));
    QVERIFY(uploaded.standardError.isEmpty());

    const ProcessOutput listed = cli({QStringLiteral("list")});
    QCOMPARE(listed.exitCode, 0);
    const QStringList table = lines(listed.standardOutput);
    QCOMPARE(table.size(), 3);
    QVERIFY(table[0].startsWith(QStringLiteral("ID")));
    const QString body = table.mid(1).join(u'\n');
    QVERIFY(body.contains(ids[0]));
    QVERIFY(body.contains(ids[1]));
    QVERIFY(body.contains(QStringLiteral("discharge letter.pdf")));
    QVERIFY(body.contains(QStringLiteral("x-ray.png")));

    const QList<std::pair<QString, QString>> expected = {{ids[0], m_pdf}, {ids[1], m_png}};
    for (const auto& [id, original] : expected) {
        const QString output = m_profile->filePath(id + QStringLiteral(".out"));
        const ProcessOutput downloaded =
            cli({QStringLiteral("download"), id, QStringLiteral("--output"), output});
        QVERIFY2(downloaded.exitCode == 0, downloaded.standardError.constData());
        QCOMPARE(sha256OfFile(output), sha256OfFile(original));
    }
    const ProcessOutput text =
        runProcess(QStringLiteral("pdftotext"),
                   {m_profile->filePath(ids[0] + QStringLiteral(".out")), QStringLiteral("-")});
    QVERIFY(QString::fromUtf8(text.standardOutput).contains(QStringLiteral("Discharge letter")));
}

void TestCli::listJson()
{
    QVERIFY(login(m_server, m_email));
    const ProcessOutput empty = cli({QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(empty.exitCode, 0);
    QVERIFY(QJsonDocument::fromJson(empty.standardOutput).isArray());
    QVERIFY(QJsonDocument::fromJson(empty.standardOutput).array().isEmpty());

    const ProcessOutput uploaded = cli({QStringLiteral("upload"), m_png});
    QCOMPARE(uploaded.exitCode, 0);
    const ProcessOutput listed = cli({QStringLiteral("list"), QStringLiteral("--json")});
    const QJsonArray records = QJsonDocument::fromJson(listed.standardOutput).array();
    QCOMPARE(records.size(), 1);
    const QJsonObject record = records.first().toObject();
    QCOMPARE(record.value(QStringLiteral("id")).toString(),
             QString::fromUtf8(uploaded.standardOutput).trimmed());
    QCOMPARE(record.value(QStringLiteral("filename")).toString(), QStringLiteral("x-ray.png"));
    QCOMPARE(record.value(QStringLiteral("sha256")).toString(), sha256OfFile(m_png));
    QCOMPARE(record.value(QStringLiteral("size")).toInteger(), QFileInfo(m_png).size());
}

void TestCli::offlineAfterSync()
{
    ServerProcess server;
    QVERIFY(server.start());
    const QString email = newUser(server);
    QVERIFY(!email.isEmpty());
    QVERIFY(login(server, email));
    const ProcessOutput uploaded = cli({QStringLiteral("upload"), m_pdf, m_png});
    QCOMPARE(uploaded.exitCode, 0);
    const QStringList ids = lines(uploaded.standardOutput);
    const ProcessOutput synced = cli({QStringLiteral("sync")});
    QVERIFY2(synced.exitCode == 0, synced.standardError.constData());
    QVERIFY(synced.standardOutput.contains("2 added"));

    server.stop();

    const ProcessOutput offline =
        cli({QStringLiteral("list"), QStringLiteral("--offline"), QStringLiteral("--json")});
    QVERIFY2(offline.exitCode == 0, offline.standardError.constData());
    QStringList offlineIds;
    for (const QJsonValue& record : QJsonDocument::fromJson(offline.standardOutput).array())
        offlineIds.append(record.toObject().value(QStringLiteral("id")).toString());
    QStringList expectedIds = ids;
    offlineIds.sort();
    expectedIds.sort();
    QCOMPARE(offlineIds, expectedIds);

    const ProcessOutput fallback = cli({QStringLiteral("list")});
    QVERIFY2(fallback.exitCode == 0, fallback.standardError.constData());
    QVERIFY(fallback.standardOutput.contains(ids[0].toUtf8()));
    QVERIFY(fallback.standardOutput.contains(ids[1].toUtf8()));
    QVERIFY(fallback.standardError.contains("offline cache"));

    const QString output = m_profile->filePath(QStringLiteral("from-cache.pdf"));
    const ProcessOutput downloaded =
        cli({QStringLiteral("download"), ids[0], QStringLiteral("--output"), output});
    QVERIFY2(downloaded.exitCode == 0, downloaded.standardError.constData());
    QCOMPARE(sha256OfFile(output), sha256OfFile(m_pdf));

    const ProcessOutput syncOffline = cli({QStringLiteral("sync")});
    QCOMPARE(syncOffline.exitCode, 1);
    QVERIFY(syncOffline.standardError.startsWith("chartinsight-cli: sync: "));

    // Signing out still works locally and reports that the server did not revoke the session.
    const ProcessOutput loggedOut = cli({QStringLiteral("logout")});
    QCOMPARE(loggedOut.exitCode, 0);
    QVERIFY(loggedOut.standardError.contains("did not confirm"));
    QCOMPARE(cli({QStringLiteral("list"), QStringLiteral("--offline")}).exitCode, 1);
}

void TestCli::eicarRejected()
{
    QVERIFY(login(m_server, m_email));
    const qsizetype logStart = m_server.log().size();
    const ProcessOutput uploaded = cli({QStringLiteral("upload"), m_eicar});
    QCOMPARE(uploaded.exitCode, 1);
    QVERIFY(uploaded.standardOutput.isEmpty());
    const QStringList errorLines = lines(uploaded.standardError);
    QCOMPARE(errorLines.size(), 1);
    QVERIFY(errorLines.first().startsWith(QStringLiteral("chartinsight-cli: upload of ")));
    QVERIFY2(errorLines.first().contains(QStringLiteral("chartinsight-test-eicar")),
             qPrintable(errorLines.first()));

    const ProcessOutput listed = cli({QStringLiteral("list"), QStringLiteral("--json")});
    QVERIFY(QJsonDocument::fromJson(listed.standardOutput).array().isEmpty());
    const QByteArray newLog = m_server.log().mid(logStart);
    QVERIFY(newLog.contains("GET /api/v1/records"));
    QVERIFY(!newLog.contains("POST /api/v1/records"));
}

void TestCli::uploadStopsAtFirstFailure()
{
    QVERIFY(login(m_server, m_email));
    const ProcessOutput uploaded = cli({QStringLiteral("upload"), m_png, m_eicar, m_pdf});
    QCOMPARE(uploaded.exitCode, 1);
    const QStringList ids = lines(uploaded.standardOutput);
    QCOMPARE(ids.size(), 1);
    QVERIFY(isValidRecordId(ids.first()));
    const ProcessOutput listed = cli({QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(listed.standardOutput).array().size(), 1);
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no command") << QStringList{};
    QTest::newRow("unknown command") << QStringList{QStringLiteral("delete")};
    QTest::newRow("unknown option")
        << QStringList{QStringLiteral("list"), QStringLiteral("--everything")};
    QTest::newRow("login without email") << QStringList{QStringLiteral("login")};
    QTest::newRow("download without output") << QStringList{
        QStringLiteral("download"), QStringLiteral("123e4567-e89b-42d3-a456-426614174000")};
    QTest::newRow("download without id")
        << QStringList{QStringLiteral("download"), QStringLiteral("--output"), QStringLiteral("x")};
    QTest::newRow("upload without file") << QStringList{QStringLiteral("upload")};
    QTest::newRow("option of another command")
        << QStringList{QStringLiteral("sync"), QStringLiteral("--json")};
    QTest::newRow("plain http server")
        << QStringList{QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:8443"),
                       QStringLiteral("list")};
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    const ProcessOutput output = cli(arguments);
    QCOMPARE(output.exitCode, 2);
    const QStringList errorLines = lines(output.standardError);
    QCOMPARE(errorLines.size(), 1);
    QVERIFY(errorLines.first().startsWith(QStringLiteral("chartinsight-cli: ")));
}

void TestCli::notSignedIn()
{
    const ProcessOutput output =
        cli({QStringLiteral("--server"), m_server.url().toString(), QStringLiteral("--ca-file"),
             m_server.caFile(), QStringLiteral("list")});
    QCOMPARE(output.exitCode, 1);
    QVERIFY(output.standardError.startsWith("chartinsight-cli: list: "));
    QVERIFY(output.standardError.contains("login"));
}

void TestCli::untrustedCertificate()
{
    const ProcessOutput output = cli({QStringLiteral("--server"), m_server.url().toString(),
                                      QStringLiteral("login"), QStringLiteral("--email"), m_email},
                                     kPassword.toUtf8() + '\n');
    QCOMPARE(output.exitCode, 1);
    const QStringList errorLines = lines(output.standardError);
    QCOMPARE(errorLines.size(), 1);
    QVERIFY2(errorLines.first().contains(m_server.fingerprint()), qPrintable(errorLines.first()));
    QVERIFY(errorLines.first().contains(QStringLiteral("--ca-file")));
}

void TestCli::wrongCacheKey()
{
    QVERIFY(login(m_server, m_email));
    QCOMPARE(cli({QStringLiteral("upload"), m_png}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("sync")}).exitCode, 0);
    const QString cachePath = m_profile->filePath(QStringLiteral("cache.db"));
    const QByteArray before = readFile(cachePath);
    QVERIFY(!before.isEmpty());
    QVERIFY(writeSecret(QString::fromLatin1(client::kCacheKeyEntry), QString(64, u'b')).ok());

    const ProcessOutput listed = cli({QStringLiteral("list"), QStringLiteral("--offline")});
    QCOMPARE(listed.exitCode, 1);
    const QStringList errorLines = lines(listed.standardError);
    QCOMPARE(errorLines.size(), 1);
    QVERIFY(errorLines.first().contains(cachePath));
    QCOMPARE(readFile(cachePath), before);
}

void TestCli::keychainUnavailable()
{
    QVERIFY(login(m_server, m_email));
    const ProcessOutput output = cli(
        {QStringLiteral("list")}, {},
        {QStringLiteral("DBUS_SESSION_BUS_ADDRESS=unix:path=") + m_profile->filePath("no-bus")});
    QCOMPARE(output.exitCode, 1);
    QVERIFY2(output.standardError.contains("keychain"), output.standardError.constData());
    QVERIFY(output.standardError.contains("nlock"));
}

void TestCli::logoutForgetsSession()
{
    QVERIFY(login(m_server, m_email));
    QCOMPARE(cli({QStringLiteral("upload"), m_png}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("sync")}).exitCode, 0);
    const ProcessOutput loggedOut = cli({QStringLiteral("logout")});
    QVERIFY2(loggedOut.exitCode == 0, loggedOut.standardError.constData());
    QVERIFY(loggedOut.standardError.isEmpty());
    QCOMPARE(cli({QStringLiteral("list")}).exitCode, 1);
    QCOMPARE(cli({QStringLiteral("list"), QStringLiteral("--offline")}).exitCode, 1);
    const auto token = readSecret(client::sessionEntryName(m_server.url().toString()));
    QVERIFY(token.ok());
    QVERIFY(!token->has_value());
}

void TestCli::helpListsCommands()
{
    const ProcessOutput output = cli({QStringLiteral("--help")});
    QCOMPARE(output.exitCode, 0);
    for (const char* command : {"login", "upload", "list", "download", "sync", "logout"})
        QVERIFY(output.standardOutput.contains(command));
}

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
