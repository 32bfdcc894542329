#pragma once

#include "Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace chartinsight {

// Metadata of one medical record as the API sends it:
// {"id", "filename", "size", "sha256", "created_at"}.
struct RecordInfo
{
    QString id;          // random UUID, lower case, no braces
    QString filename;    // sanitized display name, never a path
    qint64 size = 0;     // plaintext bytes
    QString sha256;      // lower-case hex of the plaintext
    QDateTime createdAt; // UTC

    QJsonObject toJson() const;
    static Result<RecordInfo> fromJson(const QJsonObject& object);
};

// Returns whether `id` has the canonical UUID form (8-4-4-4-12 lower-case hex). Every id taken
// from a URL or a file is checked with this before it reaches a query or a path.
bool isValidRecordId(const QString& id);

} // namespace chartinsight
