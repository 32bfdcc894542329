#pragma once

#include "RecordEraser.h"
#include "RetentionWarnings.h"
#include "core/Result.h"

#include <QList>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace chartinsight::server {

struct ServerContext;

// Settings of the retention scheduler (chartinsight-server serve options).
struct RetentionSettings
{
    std::chrono::seconds interval{60}; // time between two passes
    QList<int> warningDays{7, 1};      // days before an expiration that a warning is mailed
};

// The background work of retention in each server: a thread that runs runPass() at start and
// then every RetentionSettings::interval. All state is in the database, and every piece of
// work is claimed with a conditional write, so any number of servers may share one database.
// A server that was down catches up on its first pass: it finishes erasures that stopped,
// erases what expired meanwhile and sends the warnings still due. Time comes from the
// context's clock, so tests move it instead of waiting.
class RetentionScheduler
{
public:
    // Records per batch of expired records; a pass takes batches until one is not full, up to
    // kMaxBatchesPerPass, and the next pass continues.
    static constexpr int kBatchSize = 100;
    static constexpr int kMaxBatchesPerPass = 50;

    RetentionScheduler(ServerContext& context, RetentionSettings settings);
    ~RetentionScheduler(); // stops and joins the thread
    RetentionScheduler(const RetentionScheduler&) = delete;
    RetentionScheduler& operator=(const RetentionScheduler&) = delete;

    void start();
    void stop();

    // Counts of one pass.
    struct PassReport
    {
        int resumed = 0; // erasures that had stopped and were finished
        int erased = 0;  // expired records erased
        int warned = 0;  // records whose warning mails were queued
    };
    // Finishes stopped erasures, then erases expired records, then queues due warnings. Erasing
    // first means a record that expired while the server was down gets no late warning.
    Result<PassReport> runPass();

private:
    // Erases one batch of expired records. Returns the number erased and whether the batch was
    // full.
    Result<std::pair<int, bool>> eraseExpired(qint64 now);
    void run();

    ServerContext& m_context;
    RetentionSettings m_settings;
    RecordEraser m_eraser;
    RetentionWarnings m_warnings;
    std::mutex m_mutex;
    std::condition_variable m_condition;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace chartinsight::server
