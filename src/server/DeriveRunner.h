#pragma once

#include "DeriveWorker.h"
#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace chartinsight::server {

struct ServerContext;

// A thread that works through the derive_jobs queue: it claims a due job in the database,
// decrypts the record, runs chartinsight-derive on it (DeriveWorker) and stores the text and
// preview encrypted under keys derived from the record's data key, with their record_derivatives
// and record_search rows and the job's new state in one transaction.
//
// The queue lives in the database, so a restarted server or another server on the same database
// picks jobs up. A claim older than the worker's timeout plus kClaimMarginMs belongs to a server
// that stopped, and is claimed again, at most kMaxAttempts times in all. The worker's own
// verdicts (unsupported or damaged content, a timeout, a kill by a limit) are final, so a
// hostile file runs once, not kMaxAttempts times.
class DeriveRunner
{
public:
    static constexpr std::chrono::seconds kPollInterval{2};
    static constexpr int kMaxAttempts = 3;
    static constexpr qint64 kClaimMarginMs = 2 * 60 * 1000;

    DeriveRunner(ServerContext& context, DeriveWorker worker);
    ~DeriveRunner(); // stops and joins the thread

    void start();
    void stop();
    void wake();

    // Claims and runs due jobs until none is left; returns how many it ran.
    int runDueJobs();

private:
    struct Claim
    {
        QString recordId;
        qint64 attempts = 0; // including this claim; identifies the claim
    };
    struct Outcome
    {
        QString state;     // kJobReady, kJobFailed, kJobNone, or kJobPending to retry
        QString errorCode; // for failed and retried jobs
        bool written = false; // the job row was already updated (or is gone)
    };

    void run();
    Result<std::optional<Claim>> claimNext();
    void process(const Claim& claim);
    Outcome derive(const Claim& claim);
    Outcome store(const Claim& claim, const QByteArray& dataKey, const derive::WorkerOutput& output);
    // Writes the job's final or retry state if the claim is still current.
    void finish(const Claim& claim, const Outcome& outcome);

    ServerContext& m_context;
    DeriveWorker m_worker;
    std::mutex m_mutex;
    std::condition_variable m_condition;
    bool m_stopping = false;
    bool m_woken = false;
    std::thread m_thread;
};

} // namespace chartinsight::server
