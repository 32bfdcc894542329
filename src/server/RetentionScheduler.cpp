#include "RetentionScheduler.h"

#include "ServerContext.h"
#include "ServerLog.h"
#include "SqlHelpers.h"
#include "mail/Clock.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>

namespace chartinsight::server {

RetentionScheduler::RetentionScheduler(ServerContext& context, RetentionSettings settings)
    : m_context(context), m_settings(std::move(settings)), m_eraser(context),
      m_warnings(context, m_settings.warningDays)
{
}

RetentionScheduler::~RetentionScheduler()
{
    stop();
}

void RetentionScheduler::start()
{
    if (!qEnvironmentVariableIsEmpty(kTestErasureCrashVariable)) {
        qCWarning(lcServer) << kTestErasureCrashVariable
                            << "is set: the server exits in the middle of an erasure; never use "
                               "this in production";
    }
    qCInfo(lcServer) << "retention scheduler: a pass every" << m_settings.interval.count()
                     << "seconds, warnings" << m_settings.warningDays << "days before";
    m_thread = std::thread([this] { run(); });
}

void RetentionScheduler::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_condition.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void RetentionScheduler::run()
{
    for (;;) {
        auto report = runPass();
        if (!report) {
            qCWarning(lcServer).noquote()
                << "retention pass failed:" << report.error().code << "-" << report.error().message;
        } else if (report->resumed + report->erased + report->warned > 0) {
            qCInfo(lcServer) << "retention pass: resumed" << report->resumed << "erasures, erased"
                             << report->erased << "expired records, warned about" << report->warned
                             << "records";
        }
        // Tests count these lines to know that a whole pass ran after they moved the clock.
        qCDebug(lcServer) << "retention pass finished";
        std::unique_lock lock(m_mutex);
        m_condition.wait_for(lock, m_settings.interval, [this] { return m_stopping; });
        if (m_stopping)
            return;
    }
}

Result<RetentionScheduler::PassReport> RetentionScheduler::runPass()
{
    PassReport report;
    auto resumed = m_eraser.resumeUnfinished(kBatchSize);
    if (!resumed)
        return resumed.error();
    report.resumed = resumed.value();

    for (int batch = 0; batch < kMaxBatchesPerPass; ++batch) {
        auto erased = eraseExpired(m_context.clock->currentMSecsSinceEpoch());
        if (!erased)
            return erased.error();
        report.erased += erased->first;
        if (!erased->second)
            break;
    }

    for (int batch = 0; batch < kMaxBatchesPerPass; ++batch) {
        auto warned = m_warnings.sendDue(m_context.clock->currentMSecsSinceEpoch());
        if (!warned)
            return warned.error();
        report.warned += warned->warned;
        if (!warned->batchFull)
            break;
    }
    return report;
}

Result<std::pair<int, bool>> RetentionScheduler::eraseExpired(qint64 now)
{
    const QString expired = QStringLiteral(
        "r.expires_at IS NOT NULL AND r.expires_at <= ? AND r.legal_hold = 0 AND NOT EXISTS "
        "(SELECT 1 FROM record_erasures e WHERE e.record_id = r.id)");
    auto found = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::rows(db,
                         QStringLiteral("SELECT r.id FROM records r WHERE %1 ORDER BY "
                                        "r.expires_at, r.id LIMIT ?")
                             .arg(expired),
                         {now, qint64(kBatchSize)}, 1);
    });
    if (!found)
        return found.error();

    const ErasureRequest request{QStringLiteral("expired"), QStringLiteral("policy"),
                                 QStringLiteral("retention"), QString(), QString()};
    int erased = 0;
    for (const QVariantList& columns : std::as_const(found.value())) {
        const QString recordId = columns.at(0).toString();
        // The expiration and the hold are read again in the transaction that marks the
        // erasure, so a hold or a new date set meanwhile wins.
        QString claim;
        auto marked = m_context.database->withLock([&](storage::SqlDatabase& db) {
            return db.transaction([&]() -> Result<void> {
                auto row = sql::firstRow(db,
                                         QStringLiteral("SELECT r.organization_id, r.object_id, "
                                                        "r.sha256, r.size FROM records r WHERE "
                                                        "r.id = ? AND %1")
                                             .arg(expired),
                                         {recordId, now}, 4);
                if (!row)
                    return row.error();
                if (!row->has_value())
                    return {};
                RecordRow record;
                record.id = recordId;
                record.organizationId = (*row)->at(0).toString();
                record.objectId = (*row)->at(1).toString();
                record.sha256 = (*row)->at(2).toString();
                record.size = (*row)->at(3).toLongLong();
                auto started = m_eraser.start(record, request);
                if (!started)
                    return started.error();
                claim = started.value();
                return {};
            });
        });
        if (!marked)
            return marked.error();
        if (claim.isEmpty())
            continue;
        // A failed step is logged by the eraser and retried by a later pass.
        if (auto receipt = m_eraser.finish(recordId, claim))
            ++erased;
    }
    // Records whose erasure failed leave the query, because their erasure row exists, so a
    // full batch still means more records may be waiting.
    return std::pair<int, bool>(erased, found->size() == kBatchSize);
}

} // namespace chartinsight::server
