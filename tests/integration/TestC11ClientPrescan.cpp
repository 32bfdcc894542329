// Fault case C11: a small, highly compressed archive whose content exceeds the scan limits must
// be rejected as "could not be fully scanned", never reported clean. Here the client's local
// pre-scan must reject it before a single byte reaches the server.

#include "client/ClientSession.h"
#include "client/ClientTestSupport.h"
#include "client/SecretStore.h"
#include "core/ErrorCodes.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight;
using namespace chartinsight::client;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Glacier-Orbit-Pepper-5150!");

// Builds the C11 archives in argv[1]. Members are streamed, so no 1 GiB member is held in memory.
//   bomb.zip: one 1 GiB member of zeros, about 1 MB.
//   nested.zip: 11 copies of bomb.zip, over 10 GiB expanded.
//   many.zip: 20,000 empty members.
//   tail.zip: one member of 1 GiB of zeros followed by the EICAR string.
//   control.zip: 5 MB of random bytes.
const char kArchiveScript[] = R"PY(
import os, sys, zipfile
out = sys.argv[1]
eicar = sys.argv[2].encode("latin-1")
mib = bytes(1024 * 1024)

def zeros_member(archive, name, tail=b""):
    with archive.open(name, "w") as member:
        for _ in range(1024):
            member.write(mib)
        member.write(tail)

with zipfile.ZipFile(os.path.join(out, "bomb.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    zeros_member(z, "zeros.bin")
with zipfile.ZipFile(os.path.join(out, "tail.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    zeros_member(z, "zeros-then-eicar.bin", eicar)
with open(os.path.join(out, "bomb.zip"), "rb") as f:
    bomb = f.read()
with zipfile.ZipFile(os.path.join(out, "nested.zip"), "w", zipfile.ZIP_STORED) as z:
    for i in range(11):
        z.writestr("bomb-%02d.zip" % i, bomb)
with zipfile.ZipFile(os.path.join(out, "many.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(20000):
        z.writestr("empty-%05d.txt" % i, b"")
with zipfile.ZipFile(os.path.join(out, "control.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("random.bin", os.urandom(5 * 1024 * 1024))
)PY";

} // namespace

class TestC11ClientPrescan : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void c11ArchiveRejectedByLibrary_data();
    void c11ArchiveRejectedByLibrary();
    void c11BombRejectedByCli();
    void c11ControlZipAccepted();

private:
    ConnectionSettings settings() const;
    QJsonArray serverRecords();

    ServerProcess m_server;
    QTemporaryDir m_files;
    std::unique_ptr<QTemporaryDir> m_profile;
    const QString m_email = QStringLiteral("c11@example.test");
};

void TestC11ClientPrescan::initTestCase()
{
    QVERIFY(m_server.start());
    QCOMPARE(m_server.addUser(m_email, kPassword), 0);
    QVERIFY(runPython(QString::fromLatin1(kArchiveScript),
                      {m_files.path(), QString::fromLatin1(eicarBytes())}));
    const qint64 bombSize = QFileInfo(m_files.filePath(QStringLiteral("bomb.zip"))).size();
    QVERIFY(bombSize > 500 * 1024);
    QVERIFY(bombSize < 2 * 1024 * 1024);
}

void TestC11ClientPrescan::init()
{
    m_profile = std::make_unique<QTemporaryDir>();
    QVERIFY(removeSecret(QString::fromLatin1(kCacheKeyEntry)).ok());
}

ConnectionSettings TestC11ClientPrescan::settings() const
{
    ConnectionSettings settings;
    settings.serverUrl = m_server.url();
    settings.caFile = m_server.caFile();
    settings.signatureDir = testSignatureDir();
    settings.profileDir = m_profile->path();
    return settings;
}

QJsonArray TestC11ClientPrescan::serverRecords()
{
    ClientSession session(settings());
    if (!waitForTask(session.signIn(m_email, kPassword)).ok)
        return {};
    return waitForTask(session.listRecords()).result.toArray();
}

void TestC11ClientPrescan::c11ArchiveRejectedByLibrary_data()
{
    QTest::addColumn<QString>("archive");
    QTest::newRow("a bomb") << QStringLiteral("bomb.zip");
    QTest::newRow("b nested") << QStringLiteral("nested.zip");
    QTest::newRow("c many members") << QStringLiteral("many.zip");
    QTest::newRow("d eicar after zeros") << QStringLiteral("tail.zip");
}

void TestC11ClientPrescan::c11ArchiveRejectedByLibrary()
{
    QFETCH(QString, archive);
    ClientSession session(settings());
    QVERIFY(waitForTask(session.signIn(m_email, kPassword)).ok);
    const qsizetype logStart = m_server.log().size();

    const TaskOutcome uploaded = waitForTask(session.upload(m_files.filePath(archive)));
    QVERIFY(!uploaded.ok);
    QCOMPARE(uploaded.error.code, QString::fromLatin1(errc::kScanIncomplete));
    QVERIFY(!uploaded.phases.contains(ClientTask::Phase::Transferring));
    QVERIFY(!m_server.log().mid(logStart).contains("POST /api/v1/records"));
    QVERIFY(serverRecords().isEmpty());
}

void TestC11ClientPrescan::c11BombRejectedByCli()
{
    const QStringList environment{QStringLiteral("CHARTINSIGHT_PROFILE_DIR=") + m_profile->path()};
    const ProcessOutput login = runProcess(
        cliExecutable(),
        {QStringLiteral("--server"), m_server.url().toString(), QStringLiteral("--ca-file"),
         m_server.caFile(), QStringLiteral("login"), QStringLiteral("--email"), m_email},
        kPassword.toUtf8() + '\n', 60000, environment);
    QCOMPARE(login.exitCode, 0);
    const qsizetype logStart = m_server.log().size();

    const ProcessOutput uploaded =
        runProcess(cliExecutable(),
                   {QStringLiteral("--signatures"), testSignatureDir(), QStringLiteral("upload"),
                    m_files.filePath(QStringLiteral("bomb.zip"))},
                   {}, 300000, environment);
    QCOMPARE(uploaded.exitCode, 1);
    QVERIFY(uploaded.standardOutput.isEmpty());
    QVERIFY(uploaded.standardError.startsWith("chartinsight-cli: upload of "));
    QVERIFY(uploaded.standardError.contains("not uploaded"));
    QVERIFY(!m_server.log().mid(logStart).contains("POST /api/v1/records"));
    QVERIFY(serverRecords().isEmpty());
}

void TestC11ClientPrescan::c11ControlZipAccepted()
{
    ClientSession session(settings());
    QVERIFY(waitForTask(session.signIn(m_email, kPassword)).ok);
    const QString control = m_files.filePath(QStringLiteral("control.zip"));
    const TaskOutcome uploaded = waitForTask(session.upload(control));
    QVERIFY2(uploaded.ok, qPrintable(uploaded.error.message));
    QCOMPARE(uploaded.result.toObject().value(QStringLiteral("sha256")).toString(),
             sha256OfFile(control));
    QCOMPARE(serverRecords().size(), 1);
}

QTEST_GUILESS_MAIN(TestC11ClientPrescan)
#include "TestC11ClientPrescan.moc"
