#include "ClientTestSupport.h"
#include "client/SecretStore.h"

#include <QTest>

using namespace chartinsight;
using namespace chartinsight::test;

// Runs against the throw-away keyring that tests/support/with-keychain.sh unlocks.
class TestSecretStore : public QObject
{
    Q_OBJECT
private slots:
    void missingEntryReadsEmpty();
    void writtenEntryReadsBack();
    void overwriteReplacesValue();
    void removedEntryReadsEmpty();
    void removingMissingEntrySucceeds();
    void sessionEntryNamesServer();
};

void TestSecretStore::missingEntryReadsEmpty()
{
    const auto value = readSecret(QStringLiteral("test-missing"));
    QVERIFY2(value.ok(), qPrintable(value.ok() ? QString() : value.error().message));
    QVERIFY(!value->has_value());
}

void TestSecretStore::writtenEntryReadsBack()
{
    QVERIFY(writeSecret(QStringLiteral("test-entry"), QStringLiteral("value-1")).ok());
    const auto value = readSecret(QStringLiteral("test-entry"));
    QVERIFY(value.ok());
    QVERIFY(value->has_value());
    QCOMPARE(**value, QStringLiteral("value-1"));
}

void TestSecretStore::overwriteReplacesValue()
{
    QVERIFY(writeSecret(QStringLiteral("test-overwrite"), QStringLiteral("first")).ok());
    QVERIFY(writeSecret(QStringLiteral("test-overwrite"), QStringLiteral("second")).ok());
    const auto value = readSecret(QStringLiteral("test-overwrite"));
    QVERIFY(value.ok());
    QCOMPARE(value->value_or(QString()), QStringLiteral("second"));
}

void TestSecretStore::removedEntryReadsEmpty()
{
    QVERIFY(writeSecret(QStringLiteral("test-remove"), QStringLiteral("x")).ok());
    QVERIFY(removeSecret(QStringLiteral("test-remove")).ok());
    const auto value = readSecret(QStringLiteral("test-remove"));
    QVERIFY(value.ok());
    QVERIFY(!value->has_value());
}

void TestSecretStore::removingMissingEntrySucceeds()
{
    QVERIFY(removeSecret(QStringLiteral("test-never-written")).ok());
}

void TestSecretStore::sessionEntryNamesServer()
{
    QCOMPARE(client::sessionEntryName(QStringLiteral("https://127.0.0.1:8443")),
             QStringLiteral("session:https://127.0.0.1:8443"));
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "TestSecretStore.moc"
