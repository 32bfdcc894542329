// `chartinsight-server add-user` as a process: password policy messages, exit statuses,
// duplicates, and the data folder it creates when the server never ran.

#include "support/TestSupport.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace chartinsight::test;

namespace {

const QStringList kLowCost{QStringLiteral("CHARTINSIGHT_BCRYPT_COST=4")};

} // namespace

class TestAddUser : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void weakPasswordIsRejected_data();
    void weakPasswordIsRejected();
    void strongPasswordIsAccepted();
    void duplicateEmailIsRejected();
    void emptyInputIsRejected();
    void invalidEmailIsUsageError();
    void dataFolderIsPrivate();
    void readableKeyFileIsRejected();

private:
    ProcessOutput addUser(const QString& email, const QByteArray& input,
                          const QStringList& extra = {});
    QTemporaryDir m_dir;
    QString m_dataDir;
};

void TestAddUser::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dataDir = m_dir.filePath(QStringLiteral("data"));
}

ProcessOutput TestAddUser::addUser(const QString& email, const QByteArray& input,
                                   const QStringList& extra)
{
    return runProcess(serverExecutable(),
                      QStringList{QStringLiteral("add-user"), QStringLiteral("--data-dir"),
                                  m_dataDir, QStringLiteral("--email"), email} +
                          extra,
                      input, 60000, kLowCost);
}

void TestAddUser::weakPasswordIsRejected_data()
{
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<QByteArray>("rule");
    QTest::newRow("short") << QByteArray("Tulip-27!\n") << QByteArray("too short");
    QTest::newRow("guessable") << QByteArray("password1234\n") << QByteArray("too easy to guess");
    QTest::newRow("local part") << QByteArray("Quartz-erin-Lantern-77\n")
                                << QByteArray("local part");
}

void TestAddUser::weakPasswordIsRejected()
{
    QFETCH(QByteArray, password);
    QFETCH(QByteArray, rule);
    const ProcessOutput output = addUser(QStringLiteral("erin@example.test"), password);
    QCOMPARE(output.exitCode, 1);
    QVERIFY2(output.standardError.contains(rule), output.standardError.constData());
    QCOMPARE(output.standardError.count('\n'), 1);
}

void TestAddUser::strongPasswordIsAccepted()
{
    const ProcessOutput output =
        addUser(QStringLiteral("Frank@Example.test"), "Harbor-Velvet-Pepper-8812\n",
                {QStringLiteral("--admin"), QStringLiteral("--organization"),
                 QStringLiteral("North Clinic")});
    QCOMPARE(output.exitCode, 0);
    QVERIFY2(output.standardOutput.startsWith("created admin user "),
             output.standardOutput.constData());
}

void TestAddUser::duplicateEmailIsRejected()
{
    QCOMPARE(addUser(QStringLiteral("gina@example.test"), "Orbit-Saffron-Glacier-1203\n").exitCode,
             0);
    const ProcessOutput output =
        addUser(QStringLiteral(" GINA@example.test"), "Maple-Quill-Meadow-9931\n");
    QCOMPARE(output.exitCode, 1);
    QVERIFY2(output.standardError.contains("already exists"), output.standardError.constData());
}

void TestAddUser::emptyInputIsRejected()
{
    const ProcessOutput output = addUser(QStringLiteral("hank@example.test"), QByteArray());
    QCOMPARE(output.exitCode, 1);
    QVERIFY2(output.standardError.contains("no password"), output.standardError.constData());
}

void TestAddUser::invalidEmailIsUsageError()
{
    const ProcessOutput output =
        addUser(QStringLiteral("hank at example.test"), "Harbor-Velvet-Pepper-8812\n");
    QCOMPARE(output.exitCode, 2);
    QVERIFY2(output.standardError.contains("'hank at example.test'"),
             output.standardError.constData());
}

void TestAddUser::dataFolderIsPrivate()
{
    struct stat folder = {};
    QCOMPARE(::stat(QFile::encodeName(m_dataDir).constData(), &folder), 0);
    QCOMPARE(folder.st_mode & 0777, mode_t(0700));
    struct stat key = {};
    QCOMPARE(::stat(QFile::encodeName(m_dataDir + QStringLiteral("/db.key")).constData(), &key), 0);
    QCOMPARE(key.st_mode & 0777, mode_t(0600));
    QCOMPARE(QFileInfo(m_dataDir + QStringLiteral("/db.key")).size(), 64);
}

void TestAddUser::readableKeyFileIsRejected()
{
    const QString keyFile = m_dataDir + QStringLiteral("/db.key");
    QVERIFY(
        QFile::setPermissions(keyFile, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
    const ProcessOutput output =
        addUser(QStringLiteral("ivan@example.test"), "Harbor-Velvet-Pepper-8812\n");
    QVERIFY(QFile::setPermissions(keyFile, QFile::ReadOwner | QFile::WriteOwner));
    QCOMPARE(output.exitCode, 1);
    QVERIFY2(output.standardError.contains("chmod 600"), output.standardError.constData());
}

QTEST_GUILESS_MAIN(TestAddUser)
#include "TestAddUser.moc"
