#include "DeriveRunner.h"

#include "Derivatives.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "SqlHelpers.h"
#include "core/ErrorCodes.h"
#include "crypto/KeyWrap.h"
#include "crypto/Random.h"
#include "crypto/SegmentedCipher.h"
#include "mail/Clock.h"
#include "storage/FileStore.h"
#include "storage/SqlDatabase.h"

#include <memory>
#include <vector>

namespace chartinsight::server {
namespace {

// Error code of a store transaction that found its record or its claim gone.
constexpr char kDiscarded[] = "derive_discarded";

qint64 now(const ServerContext& context)
{
    return context.clock->currentMSecsSinceEpoch();
}

// Failures that another attempt may not repeat: the worker could not start (no process slot),
// or the database or the file store failed.
bool isTransient(const QString& code)
{
    return code == QLatin1String(derivec::kWorkerUnavailable) ||
           code == QLatin1String(errc::kStorage) || code == QLatin1String(errc::kIo) ||
           code == QLatin1String(errc::kInternal);
}

struct SourceRecord
{
    QString objectId;
    QByteArray wrappedKey;
    qint64 size = 0;
};

// One generated object on its way into the store.
struct NewObject
{
    QString kind;
    std::unique_ptr<storage::PendingObject> pending;
    qint64 size = 0;
};

} // namespace

DeriveRunner::DeriveRunner(ServerContext& context, DeriveWorker worker)
    : m_context(context), m_worker(std::move(worker))
{
}

DeriveRunner::~DeriveRunner()
{
    stop();
}

void DeriveRunner::start()
{
    m_thread = std::thread([this] { run(); });
}

void DeriveRunner::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_condition.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void DeriveRunner::wake()
{
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_condition.notify_all();
}

void DeriveRunner::run()
{
    for (;;) {
        runDueJobs();
        std::unique_lock lock(m_mutex);
        m_condition.wait_for(lock, kPollInterval, [this] { return m_stopping || m_woken; });
        if (m_stopping)
            return;
        m_woken = false;
    }
}

int DeriveRunner::runDueJobs()
{
    int ran = 0;
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                return ran;
        }
        auto claim = claimNext();
        if (!claim) {
            qCWarning(lcRecords).noquote()
                << "claiming a derive job failed:" << claim.error().code << "-"
                << claim.error().message;
            return ran;
        }
        if (!claim.value())
            return ran;
        process(*claim.value());
        ++ran;
    }
}

Result<std::optional<DeriveRunner::Claim>> DeriveRunner::claimNext()
{
    const qint64 claimedAt = now(m_context);
    const qint64 staleBefore =
        claimedAt - qint64(m_worker.limits().timeoutSeconds) * 1000 - kClaimMarginMs;
    std::optional<Claim> claimed;
    auto done = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            for (;;) {
                auto next = sql::firstRow(
                    db,
                    QStringLiteral("SELECT record_id, attempts, error_code FROM derive_jobs "
                                   "WHERE state = ? OR (state = ? AND updated_at < ?) "
                                   "ORDER BY updated_at, record_id LIMIT 1"),
                    {QString::fromLatin1(kJobPending), QString::fromLatin1(kJobRunning),
                     staleBefore},
                    3);
                if (!next)
                    return next.error();
                if (!next.value())
                    return {};
                const QString recordId = next.value()->at(0).toString();
                const qint64 attempts = next.value()->at(1).toLongLong();
                if (attempts >= kMaxAttempts) {
                    // Every attempt ended without a verdict: the servers that claimed it
                    // stopped, or the failure was transient each time.
                    const QString lastError = next.value()->at(2).toString();
                    const QString code = lastError.isEmpty()
                                             ? QStringLiteral("attempts_exhausted")
                                             : lastError;
                    qCWarning(lcRecords).noquote()
                        << "derive job of record" << recordId << "failed after" << attempts
                        << "attempts:" << code;
                    auto failed = sql::run(db,
                                           QStringLiteral("UPDATE derive_jobs SET state = ?, "
                                                          "updated_at = ?, error_code = ? "
                                                          "WHERE record_id = ?"),
                                           {QString::fromLatin1(kJobFailed), claimedAt, code,
                                            recordId});
                    if (!failed)
                        return failed.error();
                    continue;
                }
                auto updated = sql::run(db,
                                        QStringLiteral("UPDATE derive_jobs SET state = ?, "
                                                       "attempts = ?, updated_at = ? WHERE "
                                                       "record_id = ?"),
                                        {QString::fromLatin1(kJobRunning), attempts + 1,
                                         claimedAt, recordId});
                if (!updated)
                    return updated.error();
                claimed = Claim{recordId, attempts + 1};
                return {};
            }
        });
    });
    if (!done)
        return done.error();
    return claimed;
}

void DeriveRunner::process(const Claim& claim)
{
    qCInfo(lcRecords).noquote() << "deriving record" << claim.recordId << "attempt"
                                << claim.attempts;
    const Outcome outcome = derive(claim);
    if (!outcome.written)
        finish(claim, outcome);
}

DeriveRunner::Outcome DeriveRunner::derive(const Claim& claim)
{
    auto found = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(
            db, QStringLiteral("SELECT object_id, size FROM records WHERE id = ?"),
            {claim.recordId}, 2);
    });
    if (!found)
        return {QString::fromLatin1(kJobPending), found.error().code};
    if (!found.value()) {
        // The record was deleted after its job was queued; eraseDerivatives removes the job
        // row too, so this is a record erased by other means.
        qCInfo(lcRecords).noquote() << "derive job of record" << claim.recordId
                                    << "dropped: the record no longer exists";
        auto dropped = m_context.database->withLock([&](storage::SqlDatabase& db) {
            return sql::run(db, QStringLiteral("DELETE FROM derive_jobs WHERE record_id = ?"),
                            {claim.recordId});
        });
        if (!dropped) {
            qCWarning(lcRecords).noquote() << "dropping the derive job of record"
                                           << claim.recordId << "failed:"
                                           << dropped.error().message;
        }
        return {QString(), QString(), true};
    }
    SourceRecord source;
    source.objectId = found.value()->at(0).toString();
    source.size = found.value()->at(1).toLongLong();
    auto keyRow = m_context.database->withLock([&](storage::SqlDatabase& db) -> Result<QByteArray> {
        auto select = db.prepare(QStringLiteral("SELECT wrapped_key FROM records WHERE id = ?"));
        if (!select)
            return select.error();
        select->bind(1, claim.recordId);
        auto row = select->step();
        if (!row)
            return row.error();
        return row.value() ? select->columnBlob(0) : QByteArray();
    });
    if (!keyRow)
        return {QString::fromLatin1(kJobPending), keyRow.error().code};
    source.wrappedKey = keyRow.value();

    auto dataKey = crypto::unwrapKey(m_context.secrets.masterKey, source.wrappedKey,
                                     claim.recordId.toUtf8());
    if (!dataKey) {
        qCCritical(lcRecords).noquote() << "unwrapping the key of record" << claim.recordId
                                        << "for deriving failed:" << dataKey.error().message;
        return {QString::fromLatin1(kJobFailed), QString::fromLatin1(errc::kRecordDamaged)};
    }
    auto reader = m_context.fileStore->open(source.objectId, dataKey.value());
    if (!reader) {
        qCCritical(lcRecords).noquote() << "opening object" << source.objectId << "of record"
                                        << claim.recordId << "for deriving failed:"
                                        << reader.error().message;
        return {QString::fromLatin1(kJobFailed), QString::fromLatin1(errc::kRecordDamaged)};
    }

    const qsizetype headSize = qsizetype(std::min<qint64>(source.size, derive::kDetectBytes));
    QByteArray head(headSize, Qt::Uninitialized);
    auto headRead = reader.value()->readAt(0, head.data(), headSize);
    if (!headRead || headRead.value() != headSize) {
        qCCritical(lcRecords).noquote() << "reading record" << claim.recordId
                                        << "for deriving failed";
        return {QString::fromLatin1(kJobFailed), QString::fromLatin1(errc::kRecordDamaged)};
    }
    const derive::ContentKind kind =
        derive::detectContentKind(head, source.size <= derive::kDetectBytes);
    if (kind == derive::ContentKind::None) {
        qCInfo(lcRecords).noquote() << "record" << claim.recordId << "has no derivable content";
        return {QString::fromLatin1(kJobNone), QString()};
    }
    if (source.size > m_worker.limits().maxInputBytes) {
        qCInfo(lcRecords).noquote() << "record" << claim.recordId << "is over the derive limit of"
                                    << m_worker.limits().maxInputBytes << "bytes";
        return {QString::fromLatin1(kJobFailed), QString::fromLatin1(derivec::kInputTooLarge)};
    }

    qint64 offset = 0;
    crypto::DecryptingReader& plaintext = *reader.value();
    auto output = m_worker.run(kind, [&](char* buffer, qsizetype capacity) -> Result<qsizetype> {
        auto read = plaintext.readAt(offset, buffer, capacity);
        if (read)
            offset += read.value();
        return read;
    });
    if (!output) {
        qCWarning(lcRecords).noquote() << "derive worker for record" << claim.recordId
                                       << "failed:" << output.error().code << "-"
                                       << output.error().message;
        if (isTransient(output.error().code))
            return {QString::fromLatin1(kJobPending), output.error().code};
        if (output.error().code == QLatin1String(errc::kIntegrity))
            return {QString::fromLatin1(kJobFailed), QString::fromLatin1(errc::kRecordDamaged)};
        return {QString::fromLatin1(kJobFailed), output.error().code};
    }
    if (!output->errorCode.isEmpty()) {
        qCInfo(lcRecords).noquote() << "derive worker rejected record" << claim.recordId
                                    << "as" << derive::contentKindName(kind) << ":"
                                    << output->errorCode;
        if (output->errorCode == QLatin1String(derivec::kUnsupportedContent))
            return {QString::fromLatin1(kJobNone), output->errorCode};
        return {QString::fromLatin1(kJobFailed), output->errorCode};
    }
    return store(claim, dataKey.value(), output.value());
}

DeriveRunner::Outcome DeriveRunner::store(const Claim& claim, const QByteArray& dataKey,
                                          const derive::WorkerOutput& output)
{
    std::vector<NewObject> objects;
    const auto discardAll = [&] {
        for (NewObject& object : objects)
            m_context.fileStore->discard(*object.pending);
    };
    const std::pair<const char*, const QByteArray*> parts[] = {
        {kDerivativeText, &output.text}, {kDerivativePreview, &output.preview}};
    for (const auto& [kind, bytes] : parts) {
        if (bytes->isEmpty())
            continue;
        const QString objectId = crypto::randomUuid();
        auto key = crypto::deriveSubkey(dataKey, derivativeKeyInfo(objectId));
        if (!key) {
            discardAll();
            return {QString::fromLatin1(kJobFailed), key.error().code};
        }
        auto pending = m_context.fileStore->begin(objectId, key.value());
        if (!pending) {
            discardAll();
            return {QString::fromLatin1(kJobPending), pending.error().code};
        }
        NewObject object{QString::fromLatin1(kind), std::move(pending).value(), bytes->size()};
        auto written = object.pending->writer->write(bytes->constData(), bytes->size());
        if (written)
            written = object.pending->writer->finish();
        objects.push_back(std::move(object));
        if (!written) {
            discardAll();
            return {QString::fromLatin1(kJobPending), written.error().code};
        }
    }

    const qint64 storedAt = now(m_context);
    auto stored = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto current = sql::firstRow(
                db,
                QStringLiteral("SELECT j.state, j.attempts FROM derive_jobs j JOIN records r ON "
                               "r.id = j.record_id WHERE j.record_id = ?"),
                {claim.recordId}, 2);
            if (!current)
                return current.error();
            // Gone means the record was erased meanwhile; another attempt number means the
            // claim went stale and another runner owns the job now.
            if (!current.value() ||
                current.value()->at(0).toString() != QLatin1String(kJobRunning) ||
                current.value()->at(1).toLongLong() != claim.attempts) {
                return makeError(QString::fromLatin1(kDiscarded),
                                 QStringLiteral("The record or the job claim is gone."));
            }
            for (const NewObject& object : objects) {
                auto inserted = sql::run(db,
                                         QStringLiteral("INSERT INTO record_derivatives "
                                                        "(record_id, kind, object_id, size, "
                                                        "created_at) VALUES (?, ?, ?, ?, ?)"),
                                         {claim.recordId, object.kind, object.pending->objectId,
                                          object.size, storedAt});
                if (!inserted)
                    return inserted.error();
            }
            if (!output.text.isEmpty()) {
                auto indexed = sql::run(
                    db, QStringLiteral("INSERT INTO record_search (record_id, body) VALUES (?, ?)"),
                    {claim.recordId, QString::fromUtf8(output.text)});
                if (!indexed)
                    return indexed.error();
            }
            auto updated = sql::run(db,
                                    QStringLiteral("UPDATE derive_jobs SET state = ?, "
                                                   "updated_at = ?, error_code = '' WHERE "
                                                   "record_id = ?"),
                                    {QString::fromLatin1(kJobReady), storedAt, claim.recordId});
            if (!updated)
                return updated.error();
            // The objects move into place last, so a failed move rolls the rows back.
            for (NewObject& object : objects) {
                if (auto committed = m_context.fileStore->commit(*object.pending); !committed)
                    return committed;
            }
            return {};
        });
    });
    if (!stored) {
        for (NewObject& object : objects) {
            if (!object.pending->committed) {
                m_context.fileStore->discard(*object.pending);
            } else if (auto removed = m_context.fileStore->remove(object.pending->objectId);
                       !removed) {
                qCCritical(lcRecords).noquote()
                    << "removing generated object" << object.pending->objectId << "of record"
                    << claim.recordId << "after a failed store failed:" << removed.error().message;
            }
        }
        if (stored.error().code == QLatin1String(kDiscarded)) {
            qCInfo(lcRecords).noquote() << "discarded the derived content of record"
                                        << claim.recordId << ": the record or the claim is gone";
            return {QString(), QString(), true};
        }
        qCWarning(lcRecords).noquote() << "storing the derived content of record"
                                       << claim.recordId << "failed:" << stored.error().message;
        return {QString::fromLatin1(kJobPending), stored.error().code};
    }
    qCInfo(lcRecords).noquote() << "derived record" << claim.recordId << ": text"
                                << output.text.size() << "bytes, preview" << output.preview.size()
                                << "bytes";
    return {QString::fromLatin1(kJobReady), QString(), true};
}

void DeriveRunner::finish(const Claim& claim, const Outcome& outcome)
{
    QString state = outcome.state;
    if (state == QLatin1String(kJobPending) && claim.attempts >= kMaxAttempts)
        state = QString::fromLatin1(kJobFailed);
    auto updated = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::run(db,
                        QStringLiteral("UPDATE derive_jobs SET state = ?, updated_at = ?, "
                                       "error_code = ? WHERE record_id = ? AND state = ? AND "
                                       "attempts = ?"),
                        {state, now(m_context), outcome.errorCode, claim.recordId,
                         QString::fromLatin1(kJobRunning), claim.attempts});
    });
    if (!updated) {
        qCWarning(lcRecords).noquote() << "updating the derive job of record" << claim.recordId
                                       << "failed:" << updated.error().message;
        return;
    }
    if (updated.value() == 0) {
        qCInfo(lcRecords).noquote() << "derive job of record" << claim.recordId
                                    << "was removed or claimed again meanwhile; its outcome"
                                    << state << "is dropped";
        return;
    }
    qCInfo(lcRecords).noquote() << "derive job of record" << claim.recordId << "is" << state
                                << (outcome.errorCode.isEmpty() ? QString()
                                                                : QStringLiteral("(%1)").arg(
                                                                      outcome.errorCode));
}

} // namespace chartinsight::server
