#include "ClientTestSupport.h"
#include "client/ClientSession.h"
#include "client/ProfileSettings.h"
#include "core/ErrorCodes.h"
#include "support/TestSupport.h"

#include <QFileInfo>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight;
using namespace chartinsight::client;
using namespace chartinsight::test;

// A CA file belongs to the one server URL it was given for: another server's certificate is
// checked against pins, so the user can trust it.
class TestCaFileScope : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();

    void profileKeepsCaPerServer();
    void legacyCaFileStaysWithItsServer();
    void otherServerCanBeTrusted();

private:
    ConnectionSettings settingsFor(const ServerProcess& server, const QString& profileDir) const;

    ServerProcess m_first;
    ServerProcess m_second;
};

void TestCaFileScope::initTestCase()
{
    QVERIFY(m_first.start());
    QVERIFY(m_second.start());
    QVERIFY(m_first.fingerprint() != m_second.fingerprint());
}

ConnectionSettings TestCaFileScope::settingsFor(const ServerProcess& server,
                                                const QString& profileDir) const
{
    ConnectionSettings settings;
    settings.serverUrl = server.url();
    settings.signatureDir = testSignatureDir();
    settings.profileDir = profileDir;
    return settings;
}

void TestCaFileScope::profileKeepsCaPerServer()
{
    QTemporaryDir profileDir;
    ProfileSettings profile(profileDir.path());
    const QString first = m_first.url().toString();
    const QString second = m_second.url().toString();
    QVERIFY(profile.setCaFile(first, m_first.caFile()).ok());
    QCOMPARE(profile.caFile(first), QFileInfo(m_first.caFile()).absoluteFilePath());
    QCOMPARE(profile.caFile(second), QString());

    QVERIFY(profile.saveConnection(second, m_second.caFile()).ok());
    QCOMPARE(profile.caFile(second), QFileInfo(m_second.caFile()).absoluteFilePath());
    QCOMPARE(profile.caFile(first), QFileInfo(m_first.caFile()).absoluteFilePath());

    QVERIFY(profile.setCaFile(first, QString()).ok());
    QCOMPARE(profile.caFile(first), QString());
}

void TestCaFileScope::legacyCaFileStaysWithItsServer()
{
    QTemporaryDir profileDir;
    {
        // The layout before CA files were kept per server: one CA file beside the URL of the
        // last sign-in.
        QSettings legacy(profileDir.filePath(QStringLiteral("client.ini")), QSettings::IniFormat);
        legacy.setValue(QStringLiteral("connection/server_url"), m_first.url().toString());
        legacy.setValue(QStringLiteral("connection/ca_file"), m_first.caFile());
    }
    const ProfileSettings profile(profileDir.path());
    QCOMPARE(profile.caFile(m_first.url().toString()), m_first.caFile());
    QCOMPARE(profile.caFile(m_second.url().toString()), QString());
}

void TestCaFileScope::otherServerCanBeTrusted()
{
    QTemporaryDir profileDir;
    ProfileSettings profile(profileDir.path());
    QVERIFY(profile.saveConnection(m_first.url().toString(), m_first.caFile()).ok());

    // The first server verifies against its CA file from the profile, without any flag.
    ClientSession first(settingsFor(m_first, profileDir.path()));
    const TaskOutcome firstChecked = waitForTask(first.checkServer());
    QVERIFY2(firstChecked.ok, qPrintable(firstChecked.error.message));
    QCOMPARE(first.settings().caFile, QFileInfo(m_first.caFile()).absoluteFilePath());

    // The second server's certificate is not judged by the first server's CA file.
    ClientSession second(settingsFor(m_second, profileDir.path()));
    QCOMPARE(second.settings().caFile, QString());
    QSignalSpy untrusted(&second, &ClientSession::certificateUntrusted);
    const TaskOutcome refused = waitForTask(second.checkServer());
    QVERIFY(!refused.ok);
    QCOMPARE(refused.error.code, QString::fromLatin1(errc::kTls));
    QCOMPARE(untrusted.count(), 1);
    QCOMPARE(untrusted.first().at(0).toString(), m_second.fingerprint());

    second.trustFingerprint(m_second.fingerprint());
    const TaskOutcome trusted = waitForTask(second.checkServer());
    QVERIFY2(trusted.ok, qPrintable(trusted.error.message));

    // A session that names a CA file explicitly still uses only that file.
    ConnectionSettings explicitSettings = settingsFor(m_second, profileDir.path());
    explicitSettings.caFile = m_second.caFile();
    ClientSession explicitCa(explicitSettings);
    const TaskOutcome explicitChecked = waitForTask(explicitCa.checkServer());
    QVERIFY2(explicitChecked.ok, qPrintable(explicitChecked.error.message));
}

QTEST_GUILESS_MAIN(TestCaFileScope)
#include "TestCaFileScope.moc"
