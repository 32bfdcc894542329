#pragma once

#include "core/Result.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace chartinsight::client {

// The client's pre-scan of files before upload, with libclamav through scan::Scanner. Loading
// the official signatures takes seconds, so the engine is loaded lazily, once per process and
// signature folder, on a worker thread. Scans also run on worker threads of
// QThreadPool::globalInstance(), so the caller's thread never blocks.
class LocalScanner
{
public:
    // Bytes scanned so far and the file's size.
    using ProgressCallback = std::function<void(qint64 done, qint64 total)>;
    // The scan's outcome: success for a clean file, else the error for its verdict
    // ("malware_detected", "scan_incomplete", "encrypted_content", "scanner_unavailable").
    using DoneCallback = std::function<void(Result<void>)>;

    // Scans `filePath` with the signatures of `signatureDir` (already resolved with
    // scan::Scanner::signatureDirectory). libclamav extracts archive members into `tempDir`,
    // which must be private to the user. The callbacks run on the thread of `context`, and
    // never after `context` is destroyed.
    static void scanFile(const QString& signatureDir, const QString& tempDir,
                         const QString& filePath, QObject* context, ProgressCallback progress,
                         DoneCallback done);

    // Whether the engine loaded for `signatureDir` uses the demo signatures; empty while no
    // engine has been loaded for that folder.
    static std::optional<bool> usesDemoSignatures(const QString& signatureDir);
};

} // namespace chartinsight::client
