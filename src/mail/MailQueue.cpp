#include "MailQueue.h"

#include "core/ErrorCodes.h"
#include "crypto/Random.h"

#include <QLoggingCategory>

#include <algorithm>

namespace chartinsight::mail {
namespace {

Q_LOGGING_CATEGORY(lcQueue, "chartinsight.mail.queue")

using storage::SqlDatabase;
using storage::SqlStatement;

// Due rows read per claim round. A round repeats when other workers claimed all of them.
constexpr int kClaimCandidates = 8;

constexpr qint64 kMSecsPerSecond = 1000;

// Condition of a row that is pending, due at :now and not claimed by a live worker.
const QString kClaimableCondition =
    QStringLiteral("sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= :now "
                   "AND (claimed_until IS NULL OR claimed_until < :now)");

std::optional<qint64> optionalColumn(const SqlStatement& statement, int index)
{
    if (statement.columnIsNull(index))
        return std::nullopt;
    return statement.columnInt64(index);
}

Result<QStringList> selectClaimable(SqlDatabase& db, qint64 now)
{
    auto select =
        db.prepare(QStringLiteral("SELECT id FROM mail_queue WHERE ") + kClaimableCondition +
                   QStringLiteral(" ORDER BY next_attempt_at, created_at LIMIT :limit"));
    if (!select)
        return select.error();
    select->bind(1, now).bind(2, qint64(kClaimCandidates));
    QStringList ids;
    for (;;) {
        auto row = select->step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
        ids.append(select->columnText(0));
    }
    return ids;
}

// Takes the claim on row `id` if it is still claimable. Returns whether this call took it.
Result<bool> takeClaim(SqlDatabase& db, const QString& id, qint64 now, qint64 claimedUntil)
{
    auto update = db.prepare(
        QStringLiteral("UPDATE mail_queue SET claimed_until = :until, attempts = attempts + 1 "
                       "WHERE id = :id AND ") +
        kClaimableCondition);
    if (!update)
        return update.error();
    update->bind(1, claimedUntil).bind(2, id).bind(3, now);
    if (auto ran = update->exec(); !ran)
        return ran.error();
    // The UPDATE re-checks the condition atomically, so it changes the row for one worker only.
    return db.changes() == 1;
}

Result<ClaimedMail> readClaimed(SqlDatabase& db, const QString& id, const QString& sender)
{
    auto select = db.prepare(QStringLiteral(
        "SELECT recipient, message, attempts, created_at FROM mail_queue WHERE id = ?"));
    if (!select)
        return select.error();
    select->bind(1, id);
    auto row = select->step();
    if (!row)
        return row.error();
    if (!row.value()) {
        return makeError(QString::fromLatin1(chartinsight::errc::kStorage),
                         QStringLiteral("Mail %1 disappeared from the queue while it was being "
                                        "claimed.")
                             .arg(id));
    }
    ClaimedMail claimed;
    claimed.mail.messageId = id;
    claimed.mail.sender = sender;
    claimed.mail.recipient = select->columnText(0);
    claimed.mail.data = select->columnBlob(1);
    claimed.attempt = int(select->columnInt64(2));
    claimed.createdAt = select->columnInt64(3);
    return claimed;
}

} // namespace

MailQueue::MailQueue(SqlDatabase& database, MailSettings settings, const Clock& clock,
                     RetryPolicy policy)
    : m_database(database), m_settings(std::move(settings)), m_clock(clock), m_policy(policy)
{
}

Result<QString> MailQueue::enqueue(const MailMessage& message)
{
    const QString id = crypto::randomUuid();
    const qint64 now = m_clock.currentMSecsSinceEpoch();
    auto rendered = message.render(m_settings, id, now);
    if (!rendered)
        return rendered.error();

    auto stored = m_database.withLock([&](SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto insert = db.prepare(
                QStringLiteral("INSERT INTO mail_queue (id, recipient, message, attempts, "
                               "next_attempt_at, created_at) VALUES (?, ?, ?, 0, ?, ?)"));
            if (!insert)
                return insert.error();
            insert->bind(1, id)
                .bind(2, message.to)
                .bind(3, rendered.value())
                .bind(4, now)
                .bind(5, now);
            return insert->exec();
        });
    });
    if (!stored)
        return stored.error();
    qCInfo(lcQueue, "Queued mail %s (%lld bytes)", qPrintable(id),
           static_cast<long long>(rendered->size()));
    return id;
}

Result<std::optional<ClaimedMail>> MailQueue::claimNext()
{
    const qint64 now = m_clock.currentMSecsSinceEpoch();
    const qint64 claimedUntil = now + qint64(m_policy.claimTimeout.count());
    return m_database.withLock([&](SqlDatabase& db) -> Result<std::optional<ClaimedMail>> {
        for (;;) {
            auto candidates = selectClaimable(db, now);
            if (!candidates)
                return candidates.error();
            if (candidates->isEmpty())
                return std::optional<ClaimedMail>();
            for (const QString& id : candidates.value()) {
                auto claimedHere = takeClaim(db, id, now, claimedUntil);
                if (!claimedHere)
                    return claimedHere.error();
                if (!claimedHere.value())
                    continue; // another worker claimed it between the SELECT and the UPDATE
                auto claimed = readClaimed(db, id, m_settings.fromAddress);
                if (!claimed)
                    return claimed.error();
                qCDebug(lcQueue, "Claimed mail %s for attempt %d", qPrintable(id),
                        claimed->attempt);
                return std::optional<ClaimedMail>(std::move(claimed).value());
            }
        }
    });
}

Result<DeliveryOutcome> MailQueue::finish(const ClaimedMail& claimed, const Result<void>& result)
{
    const qint64 now = m_clock.currentMSecsSinceEpoch();
    if (result)
        return recordSent(claimed, now);
    return recordFailure(claimed, result.error(), now);
}

Result<DeliveryOutcome> MailQueue::recordSent(const ClaimedMail& claimed, qint64 now)
{
    const QString& id = claimed.mail.messageId;
    return m_database.withLock([&](SqlDatabase& db) -> Result<DeliveryOutcome> {
        // Erasing the message removes the code or link it carries once it is no longer needed.
        auto update = db.prepare(
            QStringLiteral("UPDATE mail_queue SET sent_at = ?, claimed_until = NULL, "
                           "last_error_code = NULL, message = ? WHERE id = ? AND sent_at IS NULL"));
        if (!update)
            return update.error();
        update->bind(1, now).bind(2, QByteArray()).bind(3, id);
        if (auto ran = update->exec(); !ran)
            return ran.error();
        if (db.changes() == 1) {
            qCInfo(lcQueue, "Sent mail %s on attempt %d", qPrintable(id), claimed.attempt);
        } else {
            qCWarning(lcQueue,
                      "Sent mail %s on attempt %d, but another worker had already sent "
                      "it after this worker's claim expired; the recipient got it twice",
                      qPrintable(id), claimed.attempt);
        }
        return DeliveryOutcome::Sent;
    });
}

Result<DeliveryOutcome> MailQueue::recordFailure(const ClaimedMail& claimed, const Error& error,
                                                 qint64 now)
{
    const QString& id = claimed.mail.messageId;
    const bool abandon = now - claimed.createdAt >= qint64(m_policy.giveUpAfter.count());
    const qint64 delay = qint64(retryDelay(claimed.attempt).count());

    return m_database.withLock([&](SqlDatabase& db) -> Result<DeliveryOutcome> {
        // "attempts = ?" skips the update when this worker's claim expired and another worker
        // has claimed the row since, because that worker records the newer outcome.
        auto update = db.prepare(
            abandon ? QStringLiteral("UPDATE mail_queue SET failed_at = ?, claimed_until = NULL, "
                                     "last_error_code = ?, message = ? "
                                     "WHERE id = ? AND attempts = ? AND sent_at IS NULL")
                    : QStringLiteral("UPDATE mail_queue SET next_attempt_at = ?, "
                                     "claimed_until = NULL, last_error_code = ? "
                                     "WHERE id = ? AND attempts = ? AND sent_at IS NULL"));
        if (!update)
            return update.error();
        const qint64 attempt = claimed.attempt;
        if (abandon)
            update->bind(1, now)
                .bind(2, error.code)
                .bind(3, QByteArray())
                .bind(4, id)
                .bind(5, attempt);
        else
            update->bind(1, now + delay).bind(2, error.code).bind(3, id).bind(4, attempt);
        if (auto ran = update->exec(); !ran)
            return ran.error();

        if (abandon) {
            qCWarning(lcQueue, "Gave up on mail %s after %d attempts over %lld s: %s (%s)",
                      qPrintable(id), claimed.attempt,
                      static_cast<long long>((now - claimed.createdAt) / kMSecsPerSecond),
                      qPrintable(error.code), qPrintable(error.message));
        } else {
            qCWarning(lcQueue,
                      "Delivering mail %s failed on attempt %d, retrying in %lld s: "
                      "%s (%s)",
                      qPrintable(id), claimed.attempt,
                      static_cast<long long>(delay / kMSecsPerSecond), qPrintable(error.code),
                      qPrintable(error.message));
        }
        return abandon ? DeliveryOutcome::Abandoned : DeliveryOutcome::Deferred;
    });
}

Result<DeliveryReport> MailQueue::deliverDue(MailTransport& transport, int maxMessages)
{
    DeliveryReport report;
    for (int i = 0; i < maxMessages; ++i) {
        auto claimed = claimNext();
        if (!claimed)
            return claimed.error();
        if (!claimed->has_value())
            break;

        // The database is not locked while the transport works, so other threads can queue.
        const Result<void> sent = transport.send(claimed->value().mail);
        auto outcome = finish(claimed->value(), sent);
        if (!outcome)
            return outcome.error();
        switch (outcome.value()) {
        case DeliveryOutcome::Sent:
            ++report.sent;
            break;
        case DeliveryOutcome::Deferred:
            ++report.deferred;
            break;
        case DeliveryOutcome::Abandoned:
            ++report.abandoned;
            break;
        }
    }
    return report;
}

Result<std::optional<qint64>> MailQueue::nextAttemptAt()
{
    return m_database.withLock([&](SqlDatabase& db) -> Result<std::optional<qint64>> {
        // A claimed row becomes due again only when its claim expires.
        auto select = db.prepare(QStringLiteral(
            "SELECT min(CASE WHEN claimed_until IS NOT NULL AND claimed_until > next_attempt_at "
            "THEN claimed_until ELSE next_attempt_at END) "
            "FROM mail_queue WHERE sent_at IS NULL AND failed_at IS NULL"));
        if (!select)
            return select.error();
        auto row = select->step();
        if (!row)
            return row.error();
        return optionalColumn(*select, 0);
    });
}

Result<std::optional<MailStatus>> MailQueue::status(const QString& id)
{
    return m_database.withLock([&](SqlDatabase& db) -> Result<std::optional<MailStatus>> {
        auto select = db.prepare(QStringLiteral(
            "SELECT attempts, created_at, next_attempt_at, last_error_code, claimed_until, "
            "sent_at, failed_at FROM mail_queue WHERE id = ?"));
        if (!select)
            return select.error();
        select->bind(1, id);
        auto row = select->step();
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<MailStatus>();
        MailStatus status;
        status.attempts = int(select->columnInt64(0));
        status.createdAt = select->columnInt64(1);
        status.nextAttemptAt = select->columnInt64(2);
        status.lastErrorCode = select->columnText(3);
        status.claimedUntil = optionalColumn(*select, 4);
        status.sentAt = optionalColumn(*select, 5);
        status.failedAt = optionalColumn(*select, 6);
        return std::optional<MailStatus>(status);
    });
}

Result<qint64> MailQueue::removeFinished(std::chrono::milliseconds age)
{
    const qint64 cutoff = m_clock.currentMSecsSinceEpoch() - qint64(age.count());
    return m_database.withLock([&](SqlDatabase& db) -> Result<qint64> {
        auto remove = db.prepare(QStringLiteral("DELETE FROM mail_queue WHERE sent_at < ? OR "
                                                "failed_at < ?"));
        if (!remove)
            return remove.error();
        remove->bind(1, cutoff).bind(2, cutoff);
        if (auto ran = remove->exec(); !ran)
            return ran.error();
        const qint64 removed = db.changes();
        if (removed > 0)
            qCInfo(lcQueue, "Removed %lld finished mails", static_cast<long long>(removed));
        return removed;
    });
}

Result<bool> MailQueue::cancelPending(const QString& id)
{
    const qint64 now = m_clock.currentMSecsSinceEpoch();
    return m_database.withLock([&](SqlDatabase& db) -> Result<bool> {
        auto remove = db.prepare(QStringLiteral(
            "DELETE FROM mail_queue WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL AND "
            "(claimed_until IS NULL OR claimed_until < ?)"));
        if (!remove)
            return remove.error();
        remove->bind(1, id).bind(2, now);
        if (auto ran = remove->exec(); !ran)
            return ran.error();
        const bool removed = db.changes() == 1;
        if (removed)
            qCInfo(lcQueue, "Cancelled mail %s before delivery", qUtf8Printable(id));
        return removed;
    });
}

std::chrono::milliseconds MailQueue::retryDelay(int failedAttempts) const
{
    std::chrono::milliseconds delay = m_policy.firstRetryDelay;
    for (int i = 1; i < failedAttempts && delay < m_policy.maxRetryDelay; ++i)
        delay *= 2;
    return std::min(delay, m_policy.maxRetryDelay);
}

} // namespace chartinsight::mail
