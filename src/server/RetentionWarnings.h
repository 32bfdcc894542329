#pragma once

#include "core/Result.h"

#include <QList>

namespace chartinsight::server {

struct ServerContext;

// Mails that warn of a record's coming erasure: to its uploader and to every member with
// manage_files in its team, `daysBefore` days before its expiration.
//
// Each warning is sent once per record, expiration and number of days: a row in
// retention_warnings is inserted in the transaction that queues the mails, so of several
// servers one sends it, and a restart sends nothing twice. When a pass runs late (the server
// was down) and several warnings are due at once, only the one for the nearest erasure is
// mailed and the others are recorded as covered by it. A record under legal hold, being
// erased or past its expiration gets no warning. A new expiration date gets new warnings.
class RetentionWarnings
{
public:
    // Records examined per call, nearest expiration first; the scheduler calls again while a
    // call returns a full batch.
    static constexpr int kBatchSize = 200;

    RetentionWarnings(ServerContext& context, QList<int> daysBefore);

    // Queues the warnings due at `now` (milliseconds since the epoch, UTC). Returns the number
    // of records warned about and whether the batch was full.
    struct Report
    {
        int warned = 0;
        bool batchFull = false;
    };
    Result<Report> sendDue(qint64 now);

private:
    struct Candidate;
    Result<bool> warn(const Candidate& candidate, qint64 now);

    ServerContext& m_context;
    QList<int> m_daysBefore; // sorted, nearest first
};

} // namespace chartinsight::server
