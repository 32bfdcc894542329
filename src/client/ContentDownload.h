#pragma once

#include "core/RecordInfo.h"
#include "core/Result.h"

#include <QByteArray>
#include <QObject>

#include <functional>

namespace chartinsight::client {

class ApiClient;

// Streams GET /api/v1/records/{id}/content into a sink as the bytes arrive, so no record is
// held in memory whole. The transfer is aborted as soon as it exceeds the record's size, and
// it succeeds only when the size and SHA-256 of everything received match the record.
class ContentDownload
{
public:
    // Receives each block in order; an error aborts the transfer and becomes its result.
    using Sink = std::function<Result<void>(const QByteArray& block)>;
    // Bytes received so far.
    using Progress = std::function<void(qint64 received)>;
    using Done = std::function<void(Result<void>)>;

    // The use of the downloaded bytes, sent as the X-ChartInsight-Purpose header. The server's
    // audit log records a view, a download or a sync to this device accordingly.
    enum class Purpose
    {
        View,     // shown in the viewer
        Download, // written to a file the user chose
        Sync,     // stored in the offline cache
    };

    // Starts the transfer. The reply is a child of `context`: destroying `context` aborts it,
    // and no callback runs afterwards.
    static void start(ApiClient* api, const RecordInfo& record, Purpose purpose, QObject* context,
                      Sink sink, Progress progress, Done done);
};

} // namespace chartinsight::client
