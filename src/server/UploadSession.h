#pragma once

#include "AuthService.h"
#include "RecordService.h"
#include "core/RecordInfo.h"
#include "core/Result.h"
#include "crypto/Hash.h"

#include <QString>

#include <memory>

namespace chartinsight::storage {
struct PendingObject;
}

namespace chartinsight::server {

struct ServerContext;

// One upload in progress. The body arrives in chunks through append(), each encrypted into the
// FileStore's pending object as it comes and hashed, so plaintext never reaches the disk and
// memory stays flat. finish() scans the object through decryption and, only when clean,
// commits it and writes the record row. Every failure, and destruction before a successful
// finish(), removes the pending object, so nothing of a rejected upload stays on disk.
// All methods block: call them on the worker pool, one at a time.
class UploadSession
{
public:
    UploadSession(ServerContext& context, SessionUser owner, QString filename, UploadTarget target,
                  std::unique_ptr<storage::PendingObject> object);
    ~UploadSession();
    UploadSession(const UploadSession&) = delete;
    UploadSession& operator=(const UploadSession&) = delete;

    // Encrypts and hashes the next piece of the body. Fails with "payload_too_large" once the
    // total passes the upload limit.
    Result<void> append(const char* data, qsizetype size);

    // Scans, commits and records the upload. The uploader's manage_files in the target team is
    // checked again in the transaction that writes the row, so a permission taken away during
    // the transfer stops the upload (403 "forbidden"). Scan verdicts other than clean fail with the
    // scanner's code: malware_detected, scan_incomplete, encrypted_content or
    // scanner_unavailable.
    Result<RecordInfo> finish();

    QString recordId() const { return m_recordId; }
    qint64 bytesReceived() const { return m_received; }

private:
    void discard(const QString& reason);

    ServerContext& m_context;
    SessionUser m_owner;
    QString m_filename;
    UploadTarget m_target;
    QString m_recordId;
    std::unique_ptr<storage::PendingObject> m_object;
    crypto::Sha256 m_hash;
    qint64 m_received = 0;
    bool m_done = false; // committed or discarded
};

} // namespace chartinsight::server
