#pragma once

#include "AuthService.h"
#include "HttpMessage.h"
#include "RecordRepository.h"
#include "core/RecordInfo.h"
#include "core/Result.h"

#include <QList>
#include <QString>

#include <memory>

namespace chartinsight::server {

struct ServerContext;
class UploadSession;

// A record's metadata and a stream of its decrypted bytes.
struct RecordContent
{
    RecordInfo info;
    std::shared_ptr<BodySource> body;
};

// Records of the signed-in user: list, download and the start of an upload. A record is
// visible to its owner only; any other caller gets the same "not_found" as for a missing id.
// Every method blocks (database, decryption), so callers run them on the worker pool.
class RecordService
{
public:
    explicit RecordService(ServerContext& context);

    Result<QList<RecordInfo>> list(const SessionUser& user);

    // Opens a record for download. `recordId` must already pass isValidRecordId.
    Result<RecordContent> openContent(const SessionUser& user, const QString& recordId);

    // Starts an upload with an already sanitized filename. Fails with "scanner_unavailable"
    // when no scanner is loaded, before anything is written.
    Result<std::unique_ptr<UploadSession>> beginUpload(const SessionUser& user,
                                                       const QString& filename);

private:
    ServerContext& m_context;
    RecordRepository m_records;
};

} // namespace chartinsight::server
