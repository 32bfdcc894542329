// The audit trail's hash chain, on a real SQLCipher database: intact chains verify, and an
// edited, removed, reordered or cut-off entry is reported at the first entry it breaks. The hash
// follows its documented layout, and entries written before the organization_id column keep
// verifying.

#include "crypto/Random.h"
#include "server/AuditLog.h"
#include "storage/SqlDatabase.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

using namespace chartinsight;
using namespace chartinsight::server;

namespace {

constexpr int kEntryCount = 6;

AuditEntry sampleEntry(int index)
{
    AuditEntry entry;
    entry.actorKind = QStringLiteral("user");
    entry.actorId = QStringLiteral("user-%1").arg(index % 2);
    entry.action = QStringLiteral("record.downloaded");
    entry.targetKind = QStringLiteral("record");
    entry.targetId = QStringLiteral("record-%1").arg(index);
    entry.outcome = QStringLiteral("success");
    entry.clientIp = QStringLiteral("127.0.0.1");
    entry.deviceId = QStringLiteral("session-1");
    entry.details = QJsonObject{{QStringLiteral("bytes"), index * 100}};
    // Every other entry has no organization, like the entries of the first schema.
    if (index % 2 == 1)
        entry.organizationId = QStringLiteral("organization-%1").arg(index);
    return entry;
}

// The hash as AuditLog::entryHash documents it, computed here with Qt's own SHA-256: the
// previous hash, then each field with its length as 8 big-endian bytes, the organization last
// and only when it is set.
QByteArray documentedHash(const QByteArray& previousHash, const AuditEntry& entry)
{
    QList<QByteArray> fields{QByteArray::number(entry.sequence),
                             QByteArray::number(entry.createdAt),
                             entry.actorKind.toUtf8(),
                             entry.actorId.toUtf8(),
                             entry.action.toUtf8(),
                             entry.targetKind.toUtf8(),
                             entry.targetId.toUtf8(),
                             entry.outcome.toUtf8(),
                             entry.clientIp.toUtf8(),
                             entry.deviceId.toUtf8(),
                             QJsonDocument(entry.details).toJson(QJsonDocument::Compact)};
    if (!entry.organizationId.isEmpty())
        fields << entry.organizationId.toUtf8();
    QCryptographicHash sha(QCryptographicHash::Sha256);
    sha.addData(previousHash);
    for (const QByteArray& field : std::as_const(fields)) {
        char length[8];
        qToBigEndian<quint64>(quint64(field.size()), length);
        sha.addData(QByteArrayView(length, sizeof length));
        sha.addData(field);
    }
    return sha.result().toHex();
}

} // namespace

class TestAuditLog : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void emptyLogVerifies();
    void appendedEntriesVerify();
    void sequencesHaveNoGaps();
    void editedFieldIsFound_data();
    void editedFieldIsFound();
    void removedEntryIsFound();
    void reorderedPairIsFound();
    void entriesCutFromTheEndAreFound();
    void failedTransactionLeavesNoEntry();
    void hashFollowsDocumentedLayout_data();
    void hashFollowsDocumentedLayout();
    void entryBeforeOrganizationColumnVerifies();

private:
    void appendSamples();
    void execOrFail(const QString& sql);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<storage::SqlDatabase> m_db;
    std::unique_ptr<AuditLog> m_log;
};

void TestAuditLog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto opened = storage::SqlDatabase::open(m_dir->filePath(QStringLiteral("audit.db")),
                                             crypto::randomBytes(32),
                                             storage::SqlDatabase::OpenMode::CreateIfMissing);
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
    m_db = std::move(opened.value());
    auto migrated = storage::migrate(*m_db, auditMigrations());
    QVERIFY2(migrated.ok(), migrated.ok() ? "" : qPrintable(migrated.error().message));
    m_log = std::make_unique<AuditLog>(*m_db);
}

void TestAuditLog::cleanup()
{
    m_log.reset();
    m_db.reset();
    m_dir.reset();
}

void TestAuditLog::appendSamples()
{
    for (int index = 0; index < kEntryCount; ++index) {
        auto appended = m_log->append(sampleEntry(index));
        QVERIFY2(appended.ok(), appended.ok() ? "" : qPrintable(appended.error().message));
    }
}

void TestAuditLog::execOrFail(const QString& sql)
{
    auto done = m_db->exec(sql);
    QVERIFY2(done.ok(), done.ok() ? "" : qPrintable(done.error().message));
}

void TestAuditLog::emptyLogVerifies()
{
    auto verified = m_log->verify();
    QVERIFY(verified.ok());
    QVERIFY(verified->intact);
    QCOMPARE(verified->entriesChecked, 0);
    QCOMPARE(verified->headHash, AuditLog::genesisHash());
}

void TestAuditLog::appendedEntriesVerify()
{
    appendSamples();
    auto verified = m_log->verify();
    QVERIFY(verified.ok());
    QVERIFY2(verified->intact, qPrintable(verified->problem));
    QCOMPARE(verified->entriesChecked, kEntryCount);
    QCOMPARE(verified->headHash.size(), 64);
}

void TestAuditLog::sequencesHaveNoGaps()
{
    appendSamples();
    auto statement = m_db->prepare(QStringLiteral("SELECT min(sequence), max(sequence), "
                                                  "count(*) FROM audit_log"));
    QVERIFY(statement.ok());
    QVERIFY(statement->step().value());
    QCOMPARE(statement->columnInt64(0), 1);
    QCOMPARE(statement->columnInt64(1), kEntryCount);
    QCOMPARE(statement->columnInt64(2), kEntryCount);
}

void TestAuditLog::editedFieldIsFound_data()
{
    QTest::addColumn<QString>("assignment");
    QTest::newRow("actor") << QStringLiteral("actor_id = 'user-9'");
    QTest::newRow("action") << QStringLiteral("action = 'record.viewed'");
    QTest::newRow("target") << QStringLiteral("target_id = 'record-x'");
    QTest::newRow("outcome") << QStringLiteral("outcome = 'denied'");
    QTest::newRow("time") << QStringLiteral("created_at = created_at + 1");
    QTest::newRow("details") << QStringLiteral("details = '{\"bytes\":1}'");
    QTest::newRow("organization set") << QStringLiteral("organization_id = 'organization-x'");
    QTest::newRow("hash recomputed") << QStringLiteral("hash = previous_hash");
}

void TestAuditLog::editedFieldIsFound()
{
    QFETCH(QString, assignment);
    appendSamples();
    execOrFail(QStringLiteral("UPDATE audit_log SET %1 WHERE sequence = 3").arg(assignment));
    auto verified = m_log->verify();
    QVERIFY(verified.ok());
    QVERIFY(!verified->intact);
    QCOMPARE(verified->firstBrokenSequence, 3);
}

void TestAuditLog::removedEntryIsFound()
{
    appendSamples();
    execOrFail(QStringLiteral("DELETE FROM audit_log WHERE sequence = 4"));
    auto verified = m_log->verify();
    QVERIFY(verified.ok());
    QVERIFY(!verified->intact);
    QCOMPARE(verified->firstBrokenSequence, 4);
}

void TestAuditLog::reorderedPairIsFound()
{
    appendSamples();
    // Swap the positions of entries 2 and 3. Each keeps its own fields and hashes.
    execOrFail(QStringLiteral("UPDATE audit_log SET sequence = -2 WHERE sequence = 2"));
    execOrFail(QStringLiteral("UPDATE audit_log SET sequence = 2 WHERE sequence = 3"));
    execOrFail(QStringLiteral("UPDATE audit_log SET sequence = 3 WHERE sequence = -2"));
    auto verified = m_log->verify();
    QVERIFY(verified.ok());
    QVERIFY(!verified->intact);
    QCOMPARE(verified->firstBrokenSequence, 2);
}

void TestAuditLog::entriesCutFromTheEndAreFound()
{
    appendSamples();
    execOrFail(QStringLiteral("DELETE FROM audit_log WHERE sequence > 4"));
    auto verified = m_log->verify();
    QVERIFY(verified.ok());
    QVERIFY(!verified->intact);
    QCOMPARE(verified->firstBrokenSequence, 5);
}

void TestAuditLog::failedTransactionLeavesNoEntry()
{
    appendSamples();
    auto rolledBack = m_db->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            if (auto appended = m_log->append(sampleEntry(99)); !appended)
                return appended;
            return makeError(QStringLiteral("action_failed"),
                             QStringLiteral("The audited action failed."));
        });
    });
    QVERIFY(!rolledBack.ok());
    auto verified = m_log->verify();
    QVERIFY(verified.ok());
    QVERIFY2(verified->intact, qPrintable(verified->problem));
    QCOMPARE(verified->entriesChecked, kEntryCount);
}

void TestAuditLog::hashFollowsDocumentedLayout_data()
{
    QTest::addColumn<QString>("organizationId");
    QTest::newRow("without organization") << QString();
    QTest::newRow("with organization") << QStringLiteral("organization-7");
}

void TestAuditLog::hashFollowsDocumentedLayout()
{
    QFETCH(QString, organizationId);
    AuditEntry entry = sampleEntry(4);
    entry.sequence = 9;
    entry.createdAt = 1767225600000;
    entry.organizationId = organizationId;
    const QByteArray previous = QByteArray(64, 'a');
    QCOMPARE(AuditLog::entryHash(previous, entry), documentedHash(previous, entry));
}

void TestAuditLog::entryBeforeOrganizationColumnVerifies()
{
    // A database with only the first audit schema, holding one entry written by that version.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto opened = storage::SqlDatabase::open(dir.filePath(QStringLiteral("legacy.db")),
                                             crypto::randomBytes(32),
                                             storage::SqlDatabase::OpenMode::CreateIfMissing);
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
    storage::SqlDatabase& db = *opened.value();
    QVERIFY(storage::migrate(db, auditMigrations().mid(0, 1)).ok());
    AuditEntry legacy = sampleEntry(0);
    legacy.sequence = 1;
    legacy.createdAt = 1767225600000;
    const QByteArray hash = documentedHash(AuditLog::genesisHash(), legacy);
    auto inserted = db.exec(
        QStringLiteral("INSERT INTO audit_log VALUES (1, %1, 'user', '%2', '%3', 'record', '%4', "
                       "'success', '127.0.0.1', 'session-1', '%5', '%6', '%7'); "
                       "UPDATE audit_head SET sequence = 1, hash = '%7';")
            .arg(legacy.createdAt)
            .arg(legacy.actorId, legacy.action, legacy.targetId,
                 QString::fromUtf8(QJsonDocument(legacy.details).toJson(QJsonDocument::Compact)),
                 QString::fromLatin1(AuditLog::genesisHash()), QString::fromLatin1(hash)));
    QVERIFY2(inserted.ok(), inserted.ok() ? "" : qPrintable(inserted.error().message));

    // The current schema adds the column; the old entry and a new one both verify.
    QVERIFY(storage::migrate(db, auditMigrations()).ok());
    AuditLog log(db);
    AuditEntry current = sampleEntry(1);
    QVERIFY(!current.organizationId.isEmpty());
    QVERIFY(log.append(current).ok());
    auto verified = log.verify();
    QVERIFY(verified.ok());
    QVERIFY2(verified->intact, qPrintable(verified->problem));
    QCOMPARE(verified->entriesChecked, 2);
}

QTEST_GUILESS_MAIN(TestAuditLog)
#include "TestAuditLog.moc"
