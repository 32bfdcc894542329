#include "client/ApiClient.h"
#include "client/ProfileSettings.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight::client;

namespace {

const QString kFingerprint = QStringLiteral(
    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
    "89");

} // namespace

class TestClientSettings : public QObject
{
    Q_OBJECT
private slots:
    void acceptsServerUrls_data();
    void acceptsServerUrls();
    void rejectsServerUrls_data();
    void rejectsServerUrls();
    void normalizesFingerprints_data();
    void normalizesFingerprints();
    void rejectsFingerprints_data();
    void rejectsFingerprints();
    void profileDirFromEnvironment();
    void profileDirCreatedPrivate();
    void savesConnection();
    void keepsFingerprintsPerServer();
    void keepsUserIdPerServer();
    void settingsFileIsPrivate();
};

void TestClientSettings::acceptsServerUrls_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("loopback") << "https://127.0.0.1:8443"
                              << "https://127.0.0.1:8443";
    QTest::newRow("trailing slash") << "https://127.0.0.1:8443/"
                                    << "https://127.0.0.1:8443";
    QTest::newRow("upper-case host") << "https://Records.Example.TEST:9000"
                                     << "https://records.example.test:9000";
    QTest::newRow("ipv6") << "https://[::1]:8443"
                          << "https://[::1]:8443";
    QTest::newRow("default port") << "https://records.example.test"
                                  << "https://records.example.test";
    QTest::newRow("spaces") << "  https://127.0.0.1:8443  "
                            << "https://127.0.0.1:8443";
}

void TestClientSettings::acceptsServerUrls()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    const auto url = parseServerUrl(input);
    QVERIFY(url.ok());
    QCOMPARE(url->toString(), expected);
}

void TestClientSettings::rejectsServerUrls_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("empty") << "";
    QTest::newRow("plain http") << "http://127.0.0.1:8443";
    QTest::newRow("no scheme") << "127.0.0.1:8443";
    QTest::newRow("path") << "https://127.0.0.1:8443/api/v1";
    QTest::newRow("query") << "https://127.0.0.1:8443/?token=x";
    QTest::newRow("fragment") << "https://127.0.0.1:8443/#x";
    QTest::newRow("user info") << "https://alice:secret@127.0.0.1:8443";
    QTest::newRow("no host") << "https:///";
}

void TestClientSettings::rejectsServerUrls()
{
    QFETCH(QString, input);
    const auto url = parseServerUrl(input);
    QVERIFY(!url.ok());
    QCOMPARE(url.error().code, QStringLiteral("invalid_request"));
    QVERIFY(url.error().message.contains(QStringLiteral("https://HOST:PORT")));
}

void TestClientSettings::normalizesFingerprints_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("canonical") << kFingerprint;
    QTest::newRow("lower case") << kFingerprint.toLower();
    QTest::newRow("no colons") << QString(kFingerprint).remove(u':');
    QTest::newRow("surrounding spaces")
        << QStringLiteral(" ") + kFingerprint + QStringLiteral("\n");
}

void TestClientSettings::normalizesFingerprints()
{
    QFETCH(QString, input);
    QCOMPARE(normalizeFingerprint(input), kFingerprint);
}

void TestClientSettings::rejectsFingerprints_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("empty") << "";
    QTest::newRow("sha1 length") << QStringLiteral("AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
                                                   "89:AB:CD:EF:01");
    QTest::newRow("not hex") << QString(kFingerprint).replace(u'A', u'G');
    QTest::newRow("too long") << kFingerprint + QStringLiteral(":00");
}

void TestClientSettings::rejectsFingerprints()
{
    QFETCH(QString, input);
    QVERIFY(normalizeFingerprint(input).isEmpty());
}

void TestClientSettings::profileDirFromEnvironment()
{
    QTemporaryDir dir;
    qputenv("CHARTINSIGHT_PROFILE_DIR", dir.path().toUtf8());
    QCOMPARE(ProfileSettings::resolveProfileDir({}), dir.path());
    QCOMPARE(ProfileSettings::resolveProfileDir(dir.filePath(QStringLiteral("explicit"))),
             dir.filePath(QStringLiteral("explicit")));
    qunsetenv("CHARTINSIGHT_PROFILE_DIR");
    QVERIFY(ProfileSettings::resolveProfileDir({}).endsWith(QStringLiteral("/chartinsight")));
}

void TestClientSettings::profileDirCreatedPrivate()
{
    QTemporaryDir dir;
    const ProfileSettings profile(dir.filePath(QStringLiteral("a/b/profile")));
    QVERIFY(profile.ensureProfileDir().ok());
    QVERIFY(QFileInfo(profile.profileDir()).isDir());
    QCOMPARE(QFile::permissions(profile.profileDir()) & 0x0077, QFileDevice::Permissions());
}

void TestClientSettings::savesConnection()
{
    QTemporaryDir dir;
    ProfileSettings profile(dir.path());
    QVERIFY(profile.savedServerUrl().isEmpty());
    QVERIFY(profile
                .saveConnection(QStringLiteral("https://127.0.0.1:9443"),
                                dir.filePath(QStringLiteral("ca.pem")))
                .ok());
    const ProfileSettings reread(dir.path());
    QCOMPARE(reread.savedServerUrl(), QStringLiteral("https://127.0.0.1:9443"));
    QCOMPARE(reread.savedCaFile(), dir.filePath(QStringLiteral("ca.pem")));

    QVERIFY(profile.saveConnection(QStringLiteral("https://127.0.0.1:9444"), {}).ok());
    QCOMPARE(reread.savedServerUrl(), QStringLiteral("https://127.0.0.1:9444"));
    QVERIFY(reread.savedCaFile().isEmpty());
}

void TestClientSettings::keepsFingerprintsPerServer()
{
    QTemporaryDir dir;
    ProfileSettings profile(dir.path());
    const QString first = QStringLiteral("https://127.0.0.1:8443");
    const QString second = QStringLiteral("https://records.example.test");
    QVERIFY(profile.addTrustedFingerprint(first, kFingerprint).ok());
    QVERIFY(profile.addTrustedFingerprint(first, kFingerprint).ok());
    QCOMPARE(profile.trustedFingerprints(first), QStringList{kFingerprint});
    QVERIFY(profile.trustedFingerprints(second).isEmpty());
}

void TestClientSettings::keepsUserIdPerServer()
{
    QTemporaryDir dir;
    ProfileSettings profile(dir.path());
    const QString first = QStringLiteral("https://127.0.0.1:8443");
    const QString second = QStringLiteral("https://records.example.test");
    QVERIFY(profile.addTrustedFingerprint(first, kFingerprint).ok());
    QVERIFY(profile.setUserId(first, QStringLiteral("user-1")).ok());
    QVERIFY(profile.setUserId(second, QStringLiteral("user-2")).ok());
    QCOMPARE(profile.userId(first), QStringLiteral("user-1"));
    QCOMPARE(profile.userId(second), QStringLiteral("user-2"));
    QCOMPARE(profile.trustedFingerprints(first), QStringList{kFingerprint});
}

void TestClientSettings::settingsFileIsPrivate()
{
    QTemporaryDir dir;
    ProfileSettings profile(dir.path());
    QVERIFY(profile.setUserId(QStringLiteral("https://127.0.0.1:8443"), QStringLiteral("u")).ok());
    QVERIFY(QFile::exists(profile.settingsFilePath()));
    QCOMPARE(QFile::permissions(profile.settingsFilePath()) & 0x0077, QFileDevice::Permissions());
}

QTEST_GUILESS_MAIN(TestClientSettings)
#include "TestClientSettings.moc"
