#pragma once

#include "core/Result.h"

#include <QString>

namespace chartinsight::storage {
class FileStore;
class SqlDatabase;
} // namespace chartinsight::storage

namespace chartinsight::server {

// Kinds of generated content, as stored in record_derivatives.kind.
inline constexpr char kDerivativeText[] = "text";       // extracted UTF-8 text
inline constexpr char kDerivativePreview[] = "preview"; // PNG of the first page or the image

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
