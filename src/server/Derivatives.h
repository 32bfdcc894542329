#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace chartinsight::storage {
class FileStore;
class SqlDatabase;
} // namespace chartinsight::storage

namespace chartinsight::server {

// Kinds of generated content, as stored in record_derivatives.kind.
inline constexpr char kDerivativeText[] = "text";       // extracted UTF-8 text
inline constexpr char kDerivativePreview[] = "preview"; // PNG of the first page or the image

// States of derive_jobs.state. A record's JSON "derived" shows pending for both pending and
// running, and "none" for a record without a job row.
inline constexpr char kJobPending[] = "pending"; // waiting for a runner
inline constexpr char kJobRunning[] = "running"; // claimed; updated_at is the claim time
inline constexpr char kJobReady[] = "ready";     // text and preview (those that exist) stored
inline constexpr char kJobFailed[] = "failed";   // error_code gives the reason
inline constexpr char kJobNone[] = "none";       // a format with nothing to derive

// A record's generated content as its JSON shows it.
struct DerivedStatus
{
    QString derived = QString::fromLatin1(kJobNone); // "pending", "ready", "failed" or "none"
    bool hasPreview = false;
    bool hasText = false;
};

// Queues a derive job for a new record. Call inside the transaction that inserts the record, so
// that a stored record always has its job.
Result<void> enqueueDeriveJob(storage::SqlDatabase& database, const QString& recordId,
                              qint64 nowMs);

Result<DerivedStatus> derivedStatus(storage::SqlDatabase& database, const QString& recordId);

// The object id of one kind of generated content of a record, or none.
Result<std::optional<QString>> derivativeObjectId(storage::SqlDatabase& database,
                                                  const QString& recordId, const QString& kind);

// The HKDF info that derives a generated object's key from its record's data key. The object id
// is random, so every object gets a key of its own.
QByteArray derivativeKeyInfo(const QString& objectId);

// Removes everything generated from one record: its text and preview objects in the file store,
// its record_derivatives and record_search rows and its derive_jobs row. The objects go first
// and the rows last, so an erasure that stopped half way finds the rest on its next call. An
// object that is already missing counts as removed, and a record without generated content
// succeeds too. Deleting the job row in that last transaction also stops a derive job that is
// still running from storing its output, and objects that such a job stored in between are
// read again inside the transaction and removed after it.
Result<void> eraseDerivatives(storage::SqlDatabase& database, storage::FileStore& fileStore,
                              const QString& recordId);

} // namespace chartinsight::server
