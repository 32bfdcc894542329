#include "RetentionWarnings.h"

#include "Permissions.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "SqlHelpers.h"
#include "core/ErrorCodes.h"
#include "mail/MailMessage.h"
#include "mail/MailQueue.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>

#include <algorithm>

namespace chartinsight::server {
namespace {

constexpr qint64 kMillisecondsPerDay = 24LL * 60 * 60 * 1000;

QString utcTime(qint64 milliseconds)
{
    return QDateTime::fromMSecsSinceEpoch(milliseconds, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

// The mail of one warning. Like every mail of the server it names no record, file or patient:
// the recipient signs in to see which record it is, because mail leaves the clinic's control.
mail::MailMessage warningMail(const QString& to, qint64 expiresAt, qint64 now)
{
    const qint64 remaining = expiresAt - now;
    const qint64 remainingDays = (remaining + kMillisecondsPerDay - 1) / kMillisecondsPerDay;
    const QString when = remaining < kMillisecondsPerDay
                             ? QStringLiteral("within 24 hours")
                             : QStringLiteral("in %1 days").arg(remainingDays);
    mail::MailMessage message;
    message.to = to;
    message.subject =
        QStringLiteral("A ChartInsight record will be erased on %1 UTC").arg(utcTime(expiresAt));
    message.textBody =
        QStringLiteral(
            "A medical record that you uploaded or manage in ChartInsight expires on %1 UTC, "
            "%2. It will then be erased permanently: its file, its extracted text and preview, "
            "and its data key.\n\n"
            "To see which record it is, sign in to ChartInsight: the record list shows each "
            "record's expiration. A member with the manage_files permission in the record's "
            "team can change the expiration before then; an organization administrator can "
            "place it under legal hold.\n\n"
            "This is an automatic notice; it is sent once for this date.\n")
            .arg(utcTime(expiresAt), when);
    return message;
}

} // namespace

struct RetentionWarnings::Candidate
{
    QString recordId;
    qint64 expiresAt = 0;
    QString teamId;
    QString ownerId;
};

RetentionWarnings::RetentionWarnings(ServerContext& context, QList<int> daysBefore)
    : m_context(context), m_daysBefore(std::move(daysBefore))
{
    std::sort(m_daysBefore.begin(), m_daysBefore.end());
    m_daysBefore.erase(std::unique(m_daysBefore.begin(), m_daysBefore.end()), m_daysBefore.end());
}

Result<RetentionWarnings::Report> RetentionWarnings::sendDue(qint64 now)
{
    if (m_daysBefore.isEmpty() || !m_context.mailQueue)
        return Report{};

    // The nearest warning due for a record: the smallest number of days d with
    // expires_at - now <= d days. Once its row exists the record is done for this expiration,
    // so the query skips it and the batches make progress.
    QString nearestDue = QStringLiteral("CASE");
    for (int days : std::as_const(m_daysBefore)) {
        nearestDue += QStringLiteral(" WHEN r.expires_at - ? <= %1 THEN %2")
                          .arg(qint64(days) * kMillisecondsPerDay)
                          .arg(days);
    }
    nearestDue += QStringLiteral(" END");
    QVariantList values{now, now + qint64(m_daysBefore.last()) * kMillisecondsPerDay};
    for (qsizetype i = 0; i < m_daysBefore.size(); ++i)
        values << now;
    values << qint64(kBatchSize);

    auto found = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::rows(
            db,
            QStringLiteral("SELECT r.id, r.expires_at, r.team_id, r.owner_id FROM records r "
                           "WHERE r.expires_at > ? AND r.expires_at <= ? AND r.legal_hold = 0 "
                           "AND NOT EXISTS (SELECT 1 FROM record_erasures e WHERE e.record_id = "
                           "r.id) AND NOT EXISTS (SELECT 1 FROM retention_warnings w WHERE "
                           "w.record_id = r.id AND w.expires_at = r.expires_at AND "
                           "w.days_before = (%1)) ORDER BY r.expires_at, r.id LIMIT ?")
                .arg(nearestDue),
            values, 4);
    });
    if (!found)
        return found.error();

    Report report;
    report.batchFull = found->size() == kBatchSize;
    for (const QVariantList& columns : std::as_const(found.value())) {
        const Candidate candidate{columns.at(0).toString(), columns.at(1).toLongLong(),
                                  columns.at(2).toString(), columns.at(3).toString()};
        auto warned = warn(candidate, now);
        if (!warned) {
            // One record whose mail cannot be queued must not stop the others.
            qCWarning(lcRecords).noquote()
                << "queuing the expiration warning of record" << candidate.recordId
                << "failed:" << warned.error().code << "-" << warned.error().message;
            report.batchFull = false;
            continue;
        }
        if (*warned)
            ++report.warned;
    }
    if (report.warned > 0 && m_context.wakeMailWorker)
        m_context.wakeMailWorker();
    return report;
}

Result<bool> RetentionWarnings::warn(const Candidate& candidate, qint64 now)
{
    QList<int> due;
    for (int days : std::as_const(m_daysBefore)) {
        if (candidate.expiresAt - qint64(days) * kMillisecondsPerDay <= now)
            due << days;
    }
    if (due.isEmpty())
        return false;

    bool sent = false;
    int recipients = 0;
    auto done = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            // The record may have changed since the query: checked again in the transaction.
            auto current = sql::firstRow(
                db,
                QStringLiteral("SELECT 1 FROM records r WHERE r.id = ? AND r.expires_at = ? AND "
                               "r.legal_hold = 0 AND NOT EXISTS (SELECT 1 FROM record_erasures "
                               "e WHERE e.record_id = r.id)"),
                {candidate.recordId, candidate.expiresAt}, 1);
            if (!current)
                return current.error();
            if (!current->has_value())
                return {};

            // The row of the nearest warning is the claim: a server whose insert changes
            // nothing lost the race, and another server sends the mail.
            const QString insert = QStringLiteral(
                "INSERT OR IGNORE INTO retention_warnings (record_id, expires_at, days_before, "
                "created_at) VALUES (?, ?, ?, ?)");
            auto claimed = sql::run(
                db, insert, {candidate.recordId, candidate.expiresAt, qint64(due.first()), now});
            if (!claimed)
                return claimed.error();
            if (claimed.value() != 1)
                return {};
            for (qsizetype i = 1; i < due.size(); ++i) {
                auto covered = sql::run(
                    db, insert, {candidate.recordId, candidate.expiresAt, qint64(due.at(i)), now});
                if (!covered)
                    return covered.error();
            }

            auto people = sql::rows(
                db,
                QStringLiteral("SELECT u.email FROM users u WHERE u.id = ? OR u.id IN (SELECT "
                               "m.user_id FROM team_members m WHERE m.team_id = ? AND "
                               "(m.permissions & ?) <> 0) ORDER BY u.id"),
                {candidate.ownerId, candidate.teamId, qint64(Permission::ManageFiles)}, 1);
            if (!people)
                return people.error();
            QStringList mailIds;
            for (const QVariantList& columns : std::as_const(people.value())) {
                auto queued = m_context.mailQueue->enqueue(
                    warningMail(columns.at(0).toString(), candidate.expiresAt, now));
                if (!queued)
                    return queued.error();
                mailIds << queued.value();
            }
            auto noted = sql::run(
                db,
                QStringLiteral("UPDATE retention_warnings SET mail_ids = ? "
                               "WHERE record_id = ? AND expires_at = ? AND "
                               "days_before = ?"),
                {mailIds.join(u','), candidate.recordId, candidate.expiresAt, qint64(due.first())});
            if (!noted)
                return noted.error();
            sent = true;
            recipients = int(mailIds.size());
            return {};
        });
    });
    if (!done)
        return done.error();
    if (sent) {
        qCInfo(lcRecords).noquote()
            << "queued the" << due.first() << "day expiration warning of record"
            << candidate.recordId << "for" << recipients << "recipients";
    }
    return sent;
}

} // namespace chartinsight::server
