#pragma once

#include "Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace chartinsight {

// Metadata of one medical record as the API sends it:
// {"id", "filename", "size", "sha256", "created_at"} and the access fields {"team_id",
// "team_name", "sharing", "shared_with" (only for sharing "users"), "title", "owner_id",
// "can_edit", "can_share"} and the retention fields {"expires_at" (ISO 8601 UTC or null),
// "legal_hold", "template_id" (or null), "can_delete"} and the generated-content fields
// {"derived", "has_preview", "has_text"}. fromJson() accepts entries without the
// access and retention fields, as older servers and caches wrote them.
struct RecordInfo
{
    QString id;          // random UUID, lower case, no braces
    QString filename;    // sanitized display name, never a path
    qint64 size = 0;     // plaintext bytes
    QString sha256;      // lower-case hex of the plaintext
    QDateTime createdAt; // UTC
    QString teamId;      // the team the record belongs to
    QString teamName;
    QString sharing;        // "private", "team" or "users"
    QStringList sharedWith; // user ids; only for sharing "users"
    QString title;          // empty when none was set
    QString ownerId;        // the uploader
    bool canEdit = false;   // the caller may change the title
    bool canShare = false;  // the caller may change the sharing
    QDateTime expiresAt;    // UTC; invalid when the record does not expire
    bool legalHold = false; // erasure suspended, whatever the expiration
    QString templateId;     // the template chosen at upload; empty for none
    bool canDelete = false; // the caller may erase the record permanently
    // Generated content: "pending", "ready", "failed" or "none" (nothing to derive, or a server
    // without derivation), and whether a preview image and extracted text exist.
    QString derived;
    bool hasPreview = false;
    bool hasText = false;

    QJsonObject toJson() const;
    static Result<RecordInfo> fromJson(const QJsonObject& object);
};

// Returns whether `id` has the canonical UUID form (8-4-4-4-12 lower-case hex). Every id taken
// from a URL or a file is checked with this before it reaches a query or a path.
bool isValidRecordId(const QString& id);

} // namespace chartinsight
