#pragma once

#include "core/DeriveProtocol.h"
#include "core/Result.h"

#include <QString>

#include <functional>

namespace chartinsight::server {

// Limits of one chartinsight-derive run (chartinsight-server serve options).
struct DeriveLimits
{
    qint64 memoryBytes = qint64(1024) * 1024 * 1024; // RLIMIT_AS: address space, not RSS
    int timeoutSeconds = 60;                          // wall clock; RLIMIT_CPU is the same
    qint64 maxInputBytes = qint64(256) * 1024 * 1024; // larger records get no derivatives
};

// Runs the derive worker program on one file, with nothing of the server but two pipes:
// - an empty environment, working folder "/", and every other file descriptor closed, so it
//   learns neither keys, nor the database, nor the data folder;
// - RLIMIT_AS = memoryBytes, RLIMIT_CPU = timeoutSeconds, RLIMIT_FSIZE = 0 (no file writes),
//   RLIMIT_NOFILE = 64, RLIMIT_CORE = 0, and its own process group;
// - killed (SIGKILL, the whole group) when the wall-clock timeout passes, when its output
//   exceeds derive::maxOutputBytes(), or when the server process dies (PR_SET_PDEATHSIG).
// Blocks until the worker has ended; run it off the I/O threads.
class DeriveWorker
{
public:
    // Reads up to `capacity` plaintext bytes into `buffer`; returns the count, 0 at the end.
    using ReadFunction = std::function<Result<qsizetype>(char* buffer, qsizetype capacity)>;

    DeriveWorker(QString program, DeriveLimits limits);

    // Feeds `read`'s bytes to the worker as content of `kind` and returns its parsed output.
    // The worker's own error frame comes back as WorkerOutput::errorCode (a known derivec
    // code). A worker that was killed, crashed, exited non-zero or wrote invalid output fails
    // with the derivec code that says which.
    Result<derive::WorkerOutput> run(derive::ContentKind kind, const ReadFunction& read) const;

    QString program() const { return m_program; }
    const DeriveLimits& limits() const { return m_limits; }

private:
    QString m_program;
    DeriveLimits m_limits;
};

} // namespace chartinsight::server
