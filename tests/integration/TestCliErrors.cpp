#include "client/ClientTestSupport.h"
#include "client/SecretStore.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Marble-Heron-Quiver-6204!");
constexpr qint64 kMaxUploadSize = 4 * 1024 * 1024;

QByteArray randomBytes(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char& byte : bytes)
        byte = char(QRandomGenerator::global()->bounded(256));
    return bytes;
}

QSet<QString> storedObjects(const QString& dataDir)
{
    QSet<QString> files;
    QDirIterator it(dataDir + QStringLiteral("/store/objects"), QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files.insert(it.next());
    return files;
}

// Changes one byte inside the first segment of a stored object (8-byte header, then
// AES-GCM segments).
bool damageFirstSegment(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite) || !file.seek(8 + 20))
        return false;
    char byte = 0;
    if (file.read(&byte, 1) != 1 || !file.seek(8 + 20))
        return false;
    byte = char(byte ^ 0x5a);
    return file.write(&byte, 1) == 1;
}

QStringList lines(const QByteArray& output)
{
    return QString::fromUtf8(output).split(u'\n', Qt::SkipEmptyParts);
}

} // namespace

// Error reports of chartinsight-cli and chartinsight-server: oversized uploads, ended sessions,
// damaged records, URLs with a password, usage errors, and `download --output -`.
class TestCliErrors : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void uploadOverLimit();
    void revokedSessionUpload();
    void syncNamesDamagedRecord();
    void downloadToStandardOutput();
    void helpDocumentsStandardOutput();
    void userInfoRefused_data();
    void userInfoRefused();
    void usagePunctuation_data();
    void usagePunctuation();

private:
    ProcessOutput cli(const QStringList& arguments, const QByteArray& input = {}) const;
    bool login();
    // Revokes every session of the test user with a second sign-in made by curl.
    bool revokeSessions();

    ServerProcess m_server;
    QTemporaryDir m_files;
    std::unique_ptr<QTemporaryDir> m_profile;
    QString m_email;
    int m_userCount = 0;
};

void TestCliErrors::initTestCase()
{
    QVERIFY(m_server.start({QStringLiteral("--max-upload-size"), QString::number(kMaxUploadSize)}));
}

void TestCliErrors::init()
{
    m_profile = std::make_unique<QTemporaryDir>();
    QVERIFY(removeSecret(QString::fromLatin1(client::kCacheKeyEntry)).ok());
    QVERIFY(removeSecret(client::sessionEntryName(m_server.url().toString())).ok());
    m_email = QStringLiteral("pharmacist%1@example.test").arg(++m_userCount);
    QCOMPARE(m_server.addUser(m_email, kPassword), 0);
}

ProcessOutput TestCliErrors::cli(const QStringList& arguments, const QByteArray& input) const
{
    return runProcess(cliExecutable(), arguments, input, 120000,
                      {QStringLiteral("CHARTINSIGHT_PROFILE_DIR=") + m_profile->path(),
                       QStringLiteral("CHARTINSIGHT_SIGNATURES=") + testSignatureDir()});
}

bool TestCliErrors::login()
{
    const ProcessOutput output =
        cli({QStringLiteral("--server"), m_server.url().toString(), QStringLiteral("--ca-file"),
             m_server.caFile(), QStringLiteral("login"), QStringLiteral("--email"), m_email},
            kPassword.toUtf8() + '\n');
    if (output.exitCode != 0)
        qWarning("login failed: %s", output.standardError.constData());
    return output.exitCode == 0;
}

bool TestCliErrors::revokeSessions()
{
    const QString base = m_server.url().toString();
    const QByteArray credentials =
        QJsonDocument(QJsonObject{{QStringLiteral("email"), m_email},
                                  {QStringLiteral("password"), kPassword}})
            .toJson(QJsonDocument::Compact);
    const ProcessOutput signedIn = runProcess(
        QStringLiteral("curl"),
        curlArguments(m_server) + QStringList{QStringLiteral("-H"),
                                              QStringLiteral("Content-Type: application/json"),
                                              QStringLiteral("--data-binary"), QStringLiteral("@-"),
                                              base + QStringLiteral("/api/v1/auth/login")},
        credentials);
    const QString token = QJsonDocument::fromJson(signedIn.standardOutput)
                              .object()
                              .value(QStringLiteral("access_token"))
                              .toString();
    if (token.isEmpty())
        return false;
    const ProcessOutput revoked = runProcess(
        QStringLiteral("curl"),
        curlArguments(m_server) + QStringList{QStringLiteral("-f"), QStringLiteral("-X"),
                                              QStringLiteral("POST"), QStringLiteral("-H"),
                                              QStringLiteral("Authorization: Bearer ") + token,
                                              base + QStringLiteral("/api/v1/auth/logout-all")});
    return revoked.exitCode == 0;
}

void TestCliErrors::uploadOverLimit()
{
    QVERIFY(login());
    const qint64 size = kMaxUploadSize + 1024;
    const QString path =
        writeFile(m_files.path(), QStringLiteral("whole-body scan.bin"), randomBytes(size));
    QVERIFY(!path.isEmpty());

    const ProcessOutput uploaded = cli({QStringLiteral("upload"), path});
    QCOMPARE(uploaded.exitCode, 1);
    const QString error = QString::fromUtf8(uploaded.standardError);
    QCOMPARE(lines(uploaded.standardError).size(), 1);
    QVERIFY2(error.contains(path), qPrintable(error));
    QVERIFY(error.contains(QString::number(size)));
    QVERIFY(error.contains(QString::number(kMaxUploadSize)));
    QVERIFY(!error.contains(QStringLiteral("could not reach"), Qt::CaseInsensitive));
}

void TestCliErrors::revokedSessionUpload()
{
    QVERIFY(login());
    QVERIFY(revokeSessions());
    const QString path = writeFile(m_files.path(), QStringLiteral("ultrasound.bin"),
                                   randomBytes(kMaxUploadSize - 1024));

    const ProcessOutput uploaded = cli({QStringLiteral("upload"), path});
    QCOMPARE(uploaded.exitCode, 1);
    const QString error = QString::fromUtf8(uploaded.standardError);
    QVERIFY2(!error.contains(QStringLiteral("could not reach"), Qt::CaseInsensitive),
             qPrintable(error));
    QCOMPARE(error.count(QStringLiteral("sign in again"), Qt::CaseInsensitive), 1);
}

void TestCliErrors::syncNamesDamagedRecord()
{
    QVERIFY(login());
    const QString goodPath =
        writeFile(m_files.path(), QStringLiteral("good.bin"), randomBytes(100 * 1024));
    const QString damagedPath =
        writeFile(m_files.path(), QStringLiteral("damaged.bin"), randomBytes(100 * 1024));
    QVERIFY(cli({QStringLiteral("upload"), goodPath}).exitCode == 0);
    const QSet<QString> before = storedObjects(m_server.dataDir());
    const ProcessOutput uploaded = cli({QStringLiteral("upload"), damagedPath});
    QCOMPARE(uploaded.exitCode, 0);
    const QString damagedId = QString::fromUtf8(uploaded.standardOutput).trimmed();
    const QSet<QString> added = storedObjects(m_server.dataDir()) - before;
    QCOMPARE(added.size(), 1);
    QVERIFY(damageFirstSegment(*added.begin()));

    const ProcessOutput synced = cli({QStringLiteral("sync")});
    QCOMPARE(synced.exitCode, 1);
    QVERIFY2(synced.standardOutput.contains("1 added"), synced.standardOutput.constData());
    const QString error = QString::fromUtf8(synced.standardError);
    QCOMPARE(lines(synced.standardError).size(), 1);
    QVERIFY2(error.contains(damagedId), qPrintable(error));
    QVERIFY(error.contains(QStringLiteral("damaged.bin")));

    // The damaged record still fails on its own, with the server's reason.
    const ProcessOutput downloaded =
        cli({QStringLiteral("download"), damagedId, QStringLiteral("--output"),
             m_files.filePath(QStringLiteral("damaged.out"))});
    QCOMPARE(downloaded.exitCode, 1);
    QVERIFY(QString::fromUtf8(downloaded.standardError).contains(QStringLiteral("damaged")));
    QVERIFY(!QFile::exists(m_files.filePath(QStringLiteral("damaged.out"))));
}

void TestCliErrors::downloadToStandardOutput()
{
    QVERIFY(login());
    const QByteArray bytes = randomBytes(300 * 1024);
    const QString path = writeFile(m_files.path(), QStringLiteral("echo.bin"), bytes);
    const ProcessOutput uploaded = cli({QStringLiteral("upload"), path});
    QCOMPARE(uploaded.exitCode, 0);
    const QString id = QString::fromUtf8(uploaded.standardOutput).trimmed();

    QVERIFY(!QFile::exists(QStringLiteral("-")));
    const ProcessOutput downloaded =
        cli({QStringLiteral("download"), id, QStringLiteral("--output"), QStringLiteral("-")});
    QVERIFY2(downloaded.exitCode == 0, downloaded.standardError.constData());
    QCOMPARE(downloaded.standardOutput.size(), bytes.size());
    QVERIFY(downloaded.standardOutput == bytes);
    QVERIFY(!QFile::exists(QStringLiteral("-")));
    // The checked copy in the profile is gone.
    QDirIterator staging(m_profile->path(), {QStringLiteral("download-*")}, QDir::AllEntries);
    QVERIFY(!staging.hasNext());
}

void TestCliErrors::helpDocumentsStandardOutput()
{
    const ProcessOutput help = cli({QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.standardOutput.contains("- for standard output"));
    QVERIFY(help.standardOutput.contains("FILE - writes"));
}

void TestCliErrors::userInfoRefused_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("user and password") << QStringLiteral("https://alice:Sesame-Secret@127.0.0.1:1");
    QTest::newRow("user only") << QStringLiteral("https://Sesame-Secret@127.0.0.1:1");
    QTest::newRow("invalid rest") << QStringLiteral("https://alice:Sesame-Secret@127.0.0.1:1/x y");
}

void TestCliErrors::userInfoRefused()
{
    QFETCH(QString, url);
    const ProcessOutput listed = cli({QStringLiteral("--server"), url, QStringLiteral("list")});
    QCOMPARE(listed.exitCode, 2);
    const QString error = QString::fromUtf8(listed.standardError);
    QVERIFY2(!error.contains(QStringLiteral("Sesame-Secret")), qPrintable(error));
    QVERIFY(!error.contains(QStringLiteral("alice")));
    QVERIFY(error.contains(QStringLiteral("user name or password")));
    QVERIFY(error.contains(QStringLiteral("127.0.0.1:1")));
}

void TestCliErrors::usagePunctuation_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("cli unknown option") << cliExecutable() << QStringList{QStringLiteral("--nope")};
    QTest::newRow("cli server path")
        << cliExecutable()
        << QStringList{QStringLiteral("--server"), QStringLiteral("https://127.0.0.1:1/path"),
                       QStringLiteral("list")};
    QTest::newRow("serve unknown option")
        << serverExecutable() << QStringList{QStringLiteral("serve"), QStringLiteral("--nope")};
    QTest::newRow("serve missing value")
        << serverExecutable() << QStringList{QStringLiteral("serve"), QStringLiteral("--listen")};
    QTest::newRow("add-user unknown option")
        << serverExecutable() << QStringList{QStringLiteral("add-user"), QStringLiteral("--nope")};
}

void TestCliErrors::usagePunctuation()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    const ProcessOutput output = runProcess(program, arguments);
    QCOMPARE(output.exitCode, 2);
    const QString error = QString::fromUtf8(output.standardError);
    QVERIFY2(!error.contains(QStringLiteral(".;")), qPrintable(error));
    QVERIFY2(!error.contains(QStringLiteral(". (")), qPrintable(error));
    QVERIFY2(!error.contains(QStringLiteral("..")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestCliErrors)
#include "TestCliErrors.moc"
