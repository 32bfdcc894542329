#pragma once

#include "core/Result.h"
#include "mail/Clock.h"
#include "mail/MailMessage.h"
#include "mail/MailSettings.h"
#include "mail/MailTransport.h"
#include "storage/SqlDatabase.h"

#include <QString>

#include <chrono>
#include <optional>

namespace chartinsight::mail {

// When and how often the queue retries a failed delivery.
struct RetryPolicy
{
    // Delay after the first failed attempt. It doubles after each further failure.
    std::chrono::milliseconds firstRetryDelay{std::chrono::seconds(30)};
    std::chrono::milliseconds maxRetryDelay{std::chrono::hours(1)};
    // A delivery that fails this long after the mail was queued is abandoned.
    std::chrono::milliseconds giveUpAfter{std::chrono::hours(24)};
    // How long a claim keeps other workers away from a message. It must exceed the transport's
    // longest delivery (SmtpSettings::totalTimeout), and it is how soon a message claimed by a
    // worker that crashed is delivered by another one.
    std::chrono::milliseconds claimTimeout{std::chrono::minutes(5)};
};

// Delivery state of one queued mail. Times are milliseconds since the Unix epoch (UTC).
struct MailStatus
{
    int attempts = 0;
    qint64 createdAt = 0;
    qint64 nextAttemptAt = 0;
    QString lastErrorCode; // empty when the last attempt succeeded or none was made
    std::optional<qint64> claimedUntil;
    std::optional<qint64> sentAt;
    std::optional<qint64> failedAt; // set when the queue gave up
};

// A message that one worker has claimed for delivery.
struct ClaimedMail
{
    OutgoingMail mail;
    int attempt = 0; // 1 for the first attempt
    qint64 createdAt = 0;
};

// Outcome of one delivery attempt, as the queue recorded it.
enum class DeliveryOutcome
{
    Sent,
    Deferred, // failed and scheduled for another attempt
    Abandoned // failed for longer than RetryPolicy::giveUpAfter
};

// Outcome counts of one deliverDue() run.
struct DeliveryReport
{
    int sent = 0;
    int deferred = 0;  // failed and scheduled for another attempt
    int abandoned = 0; // failed for longer than RetryPolicy::giveUpAfter
};

// A persistent mail queue in the server's SQLCipher database (table mail_queue, created by
// mailMigrations()). A mail is rendered and stored when it is queued, so an SMTP outage loses
// nothing: failed deliveries are retried with exponential backoff until RetryPolicy::giveUpAfter.
//
// Several server processes may share one database. A worker claims a row with one conditional
// UPDATE and checks that it changed exactly one row, so each attempt belongs to one worker.
// When a worker crashes, its claim expires and another worker delivers the mail. So a crash
// after the SMTP server accepted a mail but before the "sent" update delivers it twice.
//
// Logs contain message ids, attempt numbers, error codes and outcomes, never recipients,
// subjects or bodies. Time comes from `clock`, so tests move it instead of sleeping. All
// methods are safe to call from several threads, because the database serialises them.
class MailQueue
{
public:
    static constexpr int kDefaultBatchSize = 50;

    // `database` and `clock` must outlive the queue. `database` must have mailMigrations()
    // applied. `settings` are checked by each enqueue().
    MailQueue(storage::SqlDatabase& database, MailSettings settings, const Clock& clock,
              RetryPolicy policy = {});

    // Renders `message` and stores it for delivery now. Returns its id, a UUID that is also the
    // left part of the Message-ID. Called inside the caller's SqlDatabase::transaction(), the mail
    // commits or rolls back together with the caller's change (for example a reset token).
    Result<QString> enqueue(const MailMessage& message);

    // Claims and delivers up to `maxMessages` due mails one after another through `transport`,
    // then records each outcome. Returns an error only when the database fails.
    Result<DeliveryReport> deliverDue(MailTransport& transport,
                                      int maxMessages = kDefaultBatchSize);

    // Claims the next due mail for this worker, or returns no value when none is due or
    // another worker claimed each due one first. The claim counts as an attempt.
    Result<std::optional<ClaimedMail>> claimNext();

    // Records the result of delivering a claimed mail: sent, deferred by the next backoff delay,
    // or abandoned after RetryPolicy::giveUpAfter. The rendered message is erased from the row
    // once the mail is sent or abandoned.
    Result<DeliveryOutcome> finish(const ClaimedMail& claimed, const Result<void>& result);

    // Returns when the next pending mail becomes due (maybe in the past), or no value when
    // nothing is pending, so a worker can sleep until then.
    Result<std::optional<qint64>> nextAttemptAt();

    // Returns the delivery state of mail `id`, or no value when there is no such mail.
    Result<std::optional<MailStatus>> status(const QString& id);

    // Deletes mail `id` while it waits for delivery and no worker has a claim on it, so a
    // notice that became wrong (its record was erased) is never sent. Returns whether the mail
    // was deleted; a mail already sent, abandoned or being delivered stays.
    Result<bool> cancelPending(const QString& id);

    // Deletes sent and abandoned mails that finished more than `age` ago. Returns the count.
    Result<qint64> removeFinished(std::chrono::milliseconds age);

    // Delay before the next attempt after `failedAttempts` failures (1 or more).
    std::chrono::milliseconds retryDelay(int failedAttempts) const;

private:
    Result<DeliveryOutcome> recordSent(const ClaimedMail& claimed, qint64 now);
    Result<DeliveryOutcome> recordFailure(const ClaimedMail& claimed, const Error& error,
                                          qint64 now);

    storage::SqlDatabase& m_database;
    MailSettings m_settings;
    const Clock& m_clock;
    RetryPolicy m_policy;
};

} // namespace chartinsight::mail
