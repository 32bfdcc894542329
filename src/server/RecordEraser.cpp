#include "RecordEraser.h"

#include "AuditLog.h"
#include "Derivatives.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "SqlHelpers.h"
#include "core/DeletionReceipt.h"
#include "core/ErrorCodes.h"
#include "crypto/Ed25519.h"
#include "crypto/Random.h"
#include "mail/Clock.h"
#include "mail/MailQueue.h"
#include "storage/FileStore.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>
#include <QJsonDocument>

#include <cstdio>
#include <cstdlib>

namespace chartinsight::server {
namespace {

// The steps of an erasure, as stored in record_erasures.step: the value names the next step
// to run, so a resumed erasure starts there.
constexpr int kStepRemoveSource = 0;
constexpr int kStepRemoveGenerated = 1;
constexpr int kStepRemoveRows = 2;
constexpr int kStepDestroyKey = 3;
constexpr int kStepFinished = 4;

// Wait before another attempt at an erasure whose step failed, in milliseconds.
constexpr qint64 kRetryDelayMs = 60 * 1000;

// Exit status of the test crash, distinct from the statuses of a normal stop.
constexpr int kTestCrashExitStatus = 75;

constexpr int kReceiptVersion = 1;

// The test crash point reached when `step` is about to run, named after the step before it.
const char* crashPointBefore(int step)
{
    switch (step) {
    case kStepRemoveSource:
        return "marked";
    case kStepRemoveGenerated:
        return "source_removed";
    case kStepRemoveRows:
        return "generated_removed";
    case kStepDestroyKey:
        return "rows_removed";
    default:
        return "";
    }
}

QString isoTime(qint64 milliseconds)
{
    return QDateTime::fromMSecsSinceEpoch(milliseconds, Qt::UTC).toString(Qt::ISODateWithMs);
}

Error claimLost(const QString& recordId)
{
    return makeError(QString::fromLatin1(errc::kInternal),
                     QStringLiteral("The erasure of record %1 is now run by another server "
                                    "process; it finishes there.")
                         .arg(recordId));
}

} // namespace

struct RecordEraser::Erasure
{
    QString recordId;
    QString organizationId;
    QString objectId;
    QString contentSha256;
    qint64 contentSize = 0;
    QString reason;
    QString actorKind;
    QString actorId;
    QString clientIp;
    QString deviceId;
    qint64 requestedAt = 0;
    int step = kStepRemoveSource;
    QJsonObject removed;
    bool finished = false;
};

QJsonObject SignedReceipt::toJson() const
{
    return QJsonObject{{QStringLiteral("receipt"), receipt},
                       {QStringLiteral("signature"), signature},
                       {QStringLiteral("key_id"), keyId}};
}

RecordEraser::RecordEraser(ServerContext& context)
    : m_context(context), m_crashAfter(qEnvironmentVariable(kTestErasureCrashVariable).trimmed())
{
    // The key is 32 bytes by construction (ServerSecrets), so deriving its public half fails
    // only when OpenSSL fails. GET /api/v1/receipt-key then answers 500.
    if (auto key = crypto::ed25519PublicKey(m_context.secrets.receiptSigningKey)) {
        m_publicKey = *key;
        m_keyId = QString::fromLatin1(crypto::ed25519KeyId(m_publicKey));
        if (auto pem = crypto::ed25519PublicKeyToPem(m_publicKey))
            m_publicKeyPem = *pem;
    }
}

qint64 RecordEraser::now() const
{
    return m_context.clock ? m_context.clock->currentMSecsSinceEpoch()
                           : QDateTime::currentMSecsSinceEpoch();
}

void RecordEraser::crashIfRequested(int step) const
{
    if (m_crashAfter.isEmpty() || m_crashAfter != QLatin1String(crashPointBefore(step)))
        return;
    qCCritical(lcRecords).noquote() << "exiting after the erasure step" << m_crashAfter << "because"
                                    << kTestErasureCrashVariable << "is set";
    std::fflush(stderr);
    std::_Exit(kTestCrashExitStatus);
}

Result<QString> RecordEraser::start(const RecordRow& record, const ErasureRequest& request)
{
    return m_context.database->withLock([&](storage::SqlDatabase& db) -> Result<QString> {
        // What exists now is what the receipt reports as removed, so a resumed erasure reports
        // the same.
        auto kinds =
            sql::rows(db, QStringLiteral("SELECT kind FROM record_derivatives WHERE record_id = ?"),
                      {record.id}, 1);
        if (!kinds)
            return kinds.error();
        QStringList kindNames;
        for (const QVariantList& columns : std::as_const(kinds.value()))
            kindNames << columns.at(0).toString();
        auto searchEntries = sql::firstRow(
            db, QStringLiteral("SELECT COUNT(*) FROM record_search WHERE record_id = ?"),
            {record.id}, 1);
        if (!searchEntries)
            return searchEntries.error();
        auto shares = sql::firstRow(
            db, QStringLiteral("SELECT COUNT(*) FROM record_shares WHERE record_id = ?"),
            {record.id}, 1);
        if (!shares)
            return shares.error();
        const QJsonObject removed{
            {QStringLiteral("source_file"), m_context.fileStore->contains(record.objectId)},
            {QStringLiteral("extracted_text"), kindNames.contains(QLatin1String(kDerivativeText))},
            {QStringLiteral("preview"), kindNames.contains(QLatin1String(kDerivativePreview))},
            {QStringLiteral("generated_objects"), int(kindNames.size())},
            {QStringLiteral("search_entries"), (*searchEntries)->at(0).toLongLong()},
            {QStringLiteral("shares"), (*shares)->at(0).toLongLong()},
            {QStringLiteral("data_key"), true},
        };

        const QString claim = crypto::randomUuid();
        const qint64 time = now();
        auto inserted = sql::run(
            db,
            QStringLiteral(
                "INSERT OR IGNORE INTO record_erasures (record_id, organization_id, object_id, "
                "content_sha256, content_size, reason, actor_kind, actor_id, client_ip, "
                "device_id, requested_at, step, removed, claimed_by, claimed_until) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {record.id, record.organizationId, record.objectId, record.sha256, record.size,
             request.reason, request.actorKind, request.actorId, request.clientIp, request.deviceId,
             time, qint64(kStepRemoveSource),
             QString::fromUtf8(QJsonDocument(removed).toJson(QJsonDocument::Compact)), claim,
             time + kClaimTimeoutMs});
        if (!inserted)
            return inserted.error();
        if (inserted.value() == 0)
            return QString();
        return claim;
    });
}

Result<std::optional<RecordEraser::Erasure>> RecordEraser::load(const QString& recordId)
{
    return m_context.database->withLock(
        [&](storage::SqlDatabase& db) -> Result<std::optional<Erasure>> {
            auto row = sql::firstRow(
                db,
                QStringLiteral("SELECT organization_id, object_id, content_sha256, content_size, "
                               "reason, actor_kind, actor_id, client_ip, device_id, "
                               "requested_at, step, removed, finished_at FROM record_erasures "
                               "WHERE record_id = ?"),
                {recordId}, 13);
            if (!row)
                return row.error();
            if (!row->has_value())
                return std::optional<Erasure>();
            const QVariantList& columns = **row;
            Erasure erasure;
            erasure.recordId = recordId;
            erasure.organizationId = columns.at(0).toString();
            erasure.objectId = columns.at(1).toString();
            erasure.contentSha256 = columns.at(2).toString();
            erasure.contentSize = columns.at(3).toLongLong();
            erasure.reason = columns.at(4).toString();
            erasure.actorKind = columns.at(5).toString();
            erasure.actorId = columns.at(6).toString();
            erasure.clientIp = columns.at(7).toString();
            erasure.deviceId = columns.at(8).toString();
            erasure.requestedAt = columns.at(9).toLongLong();
            erasure.step = int(columns.at(10).toLongLong());
            erasure.removed = QJsonDocument::fromJson(columns.at(11).toString().toUtf8()).object();
            erasure.finished = !columns.at(12).isNull();
            return std::optional<Erasure>(erasure);
        });
}

Result<SignedReceipt> RecordEraser::finish(const QString& recordId, const QString& claim)
{
    for (;;) {
        auto loaded = load(recordId);
        if (!loaded)
            return loaded.error();
        if (!loaded->has_value()) {
            return makeError(QString::fromLatin1(errc::kInternal),
                             QStringLiteral("No erasure of record %1 was started.").arg(recordId));
        }
        Erasure& erasure = **loaded;
        if (erasure.finished) {
            auto stored = receiptFor(recordId, erasure.actorId);
            if (!stored)
                return stored.error();
            if (!stored->has_value())
                return claimLost(recordId);
            return **stored;
        }
        crashIfRequested(erasure.step);
        if (erasure.step >= kStepDestroyKey) {
            auto receipt = complete(erasure, claim);
            if (!receipt)
                releaseAfterFailure(recordId, claim, receipt.error());
            return receipt;
        }
        if (auto ran = runStep(erasure, claim); !ran) {
            releaseAfterFailure(recordId, claim, ran.error());
            return ran.error();
        }
    }
}

Result<void> RecordEraser::runStep(Erasure& erasure, const QString& claim)
{
    switch (erasure.step) {
    case kStepRemoveSource: {
        // A missing object was removed by an earlier run that stopped before recording it.
        auto removed = m_context.fileStore->remove(erasure.objectId);
        if (!removed && removed.error().code != QLatin1String(errc::kNotFound))
            return removed.error();
        return advance(erasure, claim, kStepRemoveGenerated);
    }
    case kStepRemoveGenerated:
        if (auto erased =
                eraseDerivatives(*m_context.database, *m_context.fileStore, erasure.recordId);
            !erased)
            return erased.error();
        return advance(erasure, claim, kStepRemoveRows);
    case kStepRemoveRows:
        return m_context.database->withLock([&](storage::SqlDatabase& db) -> Result<void> {
            return db.transaction([&]() -> Result<void> {
                // A warning still waiting in the mail queue would arrive after the erasure.
                auto warnings = sql::rows(
                    db,
                    QStringLiteral("SELECT mail_ids FROM retention_warnings WHERE record_id = ?"),
                    {erasure.recordId}, 1);
                if (!warnings)
                    return warnings.error();
                for (const QVariantList& columns : std::as_const(warnings.value())) {
                    const QStringList mailIds =
                        columns.at(0).toString().split(u',', Qt::SkipEmptyParts);
                    for (const QString& mailId : mailIds) {
                        if (!m_context.mailQueue)
                            break;
                        if (auto cancelled = m_context.mailQueue->cancelPending(mailId); !cancelled)
                            return cancelled.error();
                    }
                }
                for (const QString& statement :
                     {QStringLiteral("DELETE FROM retention_warnings WHERE record_id = ?"),
                      QStringLiteral("DELETE FROM record_shares WHERE record_id = ?")}) {
                    if (auto deleted = sql::run(db, statement, {erasure.recordId}); !deleted)
                        return deleted.error();
                }
                return advance(erasure, claim, kStepDestroyKey);
            });
        });
    default:
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("The erasure of record %1 is at the unknown step %2.")
                             .arg(erasure.recordId)
                             .arg(erasure.step));
    }
}

Result<void> RecordEraser::advance(Erasure& erasure, const QString& claim, int nextStep)
{
    return m_context.database->withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto updated = sql::run(db,
                                QStringLiteral("UPDATE record_erasures SET step = ?, "
                                               "claimed_until = ? WHERE record_id = ? AND "
                                               "claimed_by = ? AND step = ? AND finished_at IS "
                                               "NULL"),
                                {qint64(nextStep), now() + kClaimTimeoutMs, erasure.recordId, claim,
                                 qint64(erasure.step)});
        if (!updated)
            return updated.error();
        if (updated.value() != 1)
            return claimLost(erasure.recordId);
        erasure.step = nextStep;
        return {};
    });
}

Result<SignedReceipt> RecordEraser::complete(Erasure& erasure, const QString& claim)
{
    // A derive job that was already running may have stored output after the generated-content
    // step. This second pass removes it before the key that could read it is gone.
    if (auto erased = eraseDerivatives(*m_context.database, *m_context.fileStore, erasure.recordId);
        !erased)
        return erased.error();

    const qint64 erasedAt = now();
    QJsonObject receipt{
        {QStringLiteral("version"), kReceiptVersion},
        {QStringLiteral("receipt_id"), crypto::randomUuid()},
        {QStringLiteral("record_id"), erasure.recordId},
        {QStringLiteral("organization_id"), erasure.organizationId},
        {QStringLiteral("content_sha256"), erasure.contentSha256},
        {QStringLiteral("content_size"), erasure.contentSize},
        {QStringLiteral("reason"), erasure.reason},
        {QStringLiteral("requested_by"), QJsonObject{{QStringLiteral("kind"), erasure.actorKind},
                                                     {QStringLiteral("id"), erasure.actorId}}},
        {QStringLiteral("requested_at"), isoTime(erasure.requestedAt)},
        {QStringLiteral("erased_at"), isoTime(erasedAt)},
        {QStringLiteral("removed"), erasure.removed},
    };
    auto signedReceipt = sign(receipt);
    if (!signedReceipt)
        return signedReceipt.error();

    auto stored = m_context.database->withLock([&](storage::SqlDatabase& db) -> Result<void> {
        // FTS4 keeps the terms of a deleted row in its index segments until they are merged,
        // so the index is rewritten without them. NOTE: 'optimize' rewrites the whole index
        // under the database lock, so its cost grows with the number of indexed records.
        if (auto optimized = db.exec(
                QStringLiteral("INSERT INTO record_search(record_search) VALUES('optimize')"));
            !optimized)
            return optimized;
        return db.transaction([&]() -> Result<void> {
            // The record row contains the wrapped data key. Once it is deleted, no copy of the
            // record's objects can be decrypted with the keys this database contains.
            auto deleted = sql::run(db, QStringLiteral("DELETE FROM records WHERE id = ?"),
                                    {erasure.recordId});
            if (!deleted)
                return deleted.error();
            auto saved = sql::run(
                db,
                QStringLiteral("INSERT INTO deletion_receipts (record_id, receipt_id, "
                               "organization_id, requested_by, receipt, signature, key_id, "
                               "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                {erasure.recordId, receipt.value(QStringLiteral("receipt_id")).toString(),
                 erasure.organizationId, erasure.actorId,
                 QString::fromUtf8(QJsonDocument(receipt).toJson(QJsonDocument::Compact)),
                 signedReceipt->signature, signedReceipt->keyId, erasedAt});
            if (!saved)
                return saved.error();

            AuditEntry entry;
            entry.actorKind = erasure.actorKind;
            entry.actorId = erasure.actorId;
            entry.action = QStringLiteral("record.deleted");
            entry.targetKind = QStringLiteral("record");
            entry.targetId = erasure.recordId;
            entry.outcome = QStringLiteral("success");
            entry.clientIp = erasure.clientIp;
            entry.deviceId = erasure.deviceId;
            entry.organizationId = erasure.organizationId;
            entry.details = QJsonObject{
                {QStringLiteral("receipt_id"), receipt.value(QStringLiteral("receipt_id"))},
                {QStringLiteral("reason"), erasure.reason}};
            if (auto appended = AuditLog(db).append(entry); !appended)
                return appended;

            auto finished = sql::run(db,
                                     QStringLiteral("UPDATE record_erasures SET step = ?, "
                                                    "finished_at = ?, claimed_by = NULL, "
                                                    "claimed_until = NULL, last_error_code = "
                                                    "'' WHERE record_id = ? AND claimed_by = ? "
                                                    "AND finished_at IS NULL"),
                                     {qint64(kStepFinished), erasedAt, erasure.recordId, claim});
            if (!finished)
                return finished.error();
            if (finished.value() != 1)
                return claimLost(erasure.recordId);
            return {};
        });
    });
    if (!stored)
        return stored.error();

    // Without a checkpoint the write-ahead log would keep the pages with the wrapped key until
    // the next one. TRUNCATE empties the log file; SQLCipher encrypts its pages either way.
    auto checkpointed = m_context.database->withLock([](storage::SqlDatabase& db) {
        return db.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    });
    if (!checkpointed)
        qCWarning(lcRecords).noquote() << "checkpoint after erasing record" << erasure.recordId
                                       << "failed:" << checkpointed.error().code;
    qCInfo(lcRecords).noquote() << "erased record" << erasure.recordId << "reason" << erasure.reason
                                << "receipt"
                                << receipt.value(QStringLiteral("receipt_id")).toString();
    return signedReceipt;
}

Result<SignedReceipt> RecordEraser::sign(const QJsonObject& receipt) const
{
    auto signature =
        crypto::ed25519Sign(m_context.secrets.receiptSigningKey, receiptSigningBytes(receipt));
    if (!signature)
        return signature.error();
    return SignedReceipt{receipt, QString::fromLatin1(signature->toBase64()), m_keyId};
}

void RecordEraser::releaseAfterFailure(const QString& recordId, const QString& claim,
                                       const Error& error)
{
    qCCritical(lcRecords).noquote() << "erasing record" << recordId << "failed:" << error.code
                                    << "-" << error.message << "; retrying later";
    auto released = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::run(db,
                        QStringLiteral("UPDATE record_erasures SET claimed_by = NULL, "
                                       "claimed_until = ?, last_error_code = ? WHERE record_id "
                                       "= ? AND claimed_by = ?"),
                        {now() + kRetryDelayMs, error.code, recordId, claim});
    });
    if (!released)
        qCCritical(lcRecords).noquote()
            << "releasing the erasure of record" << recordId << "failed:" << released.error().code;
}

Result<int> RecordEraser::resumeUnfinished(int maxErasures)
{
    const qint64 time = now();
    auto pending = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::rows(db,
                         QStringLiteral("SELECT record_id FROM record_erasures WHERE finished_at "
                                        "IS NULL AND (claimed_until IS NULL OR claimed_until < "
                                        "?) ORDER BY requested_at LIMIT ?"),
                         {time, qint64(maxErasures)}, 1);
    });
    if (!pending)
        return pending.error();
    int finished = 0;
    for (const QVariantList& columns : std::as_const(pending.value())) {
        const QString recordId = columns.at(0).toString();
        const QString claim = crypto::randomUuid();
        // One conditional update claims the row, so of several servers exactly one resumes it.
        auto claimed = m_context.database->withLock([&](storage::SqlDatabase& db) {
            return sql::run(db,
                            QStringLiteral("UPDATE record_erasures SET claimed_by = ?, "
                                           "claimed_until = ?, attempts = attempts + 1 WHERE "
                                           "record_id = ? AND finished_at IS NULL AND "
                                           "(claimed_until IS NULL OR claimed_until < ?)"),
                            {claim, time + kClaimTimeoutMs, recordId, time});
        });
        if (!claimed)
            return claimed.error();
        if (claimed.value() != 1)
            continue;
        qCInfo(lcRecords).noquote() << "resuming the erasure of record" << recordId;
        if (auto receipt = finish(recordId, claim))
            ++finished;
    }
    return finished;
}

Result<std::optional<SignedReceipt>> RecordEraser::receiptFor(const QString& recordId,
                                                              const QString& actorId)
{
    return m_context.database->withLock(
        [&](storage::SqlDatabase& db) -> Result<std::optional<SignedReceipt>> {
            auto row = sql::firstRow(db,
                                     QStringLiteral("SELECT receipt, signature, key_id FROM "
                                                    "deletion_receipts WHERE record_id = ? AND "
                                                    "requested_by = ?"),
                                     {recordId, actorId}, 3);
            if (!row)
                return row.error();
            if (!row->has_value())
                return std::optional<SignedReceipt>();
            const QVariantList& columns = **row;
            return std::optional<SignedReceipt>(
                SignedReceipt{QJsonDocument::fromJson(columns.at(0).toString().toUtf8()).object(),
                              columns.at(1).toString(), columns.at(2).toString()});
        });
}

} // namespace chartinsight::server
