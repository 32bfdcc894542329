#pragma once

#include "core/Result.h"

#include <QString>

#include <functional>

class QObject;

namespace chartinsight::client {

class ApiClient;

// Compares a file's size with the largest upload the server accepts, which GET /api/v1/health
// publishes as "max_upload_size" (bytes), before any byte of the file is sent. The server
// responds to an oversized upload with 413 before it reads the body. Qt's
// QNetworkAccessManager reads no response before it has sent the whole body, though, so
// without this check a large file can end in a reset connection instead of a clear error.
class UploadSizeCheck
{
public:
    // Calls `done` with success, or with "payload_too_large" naming the file, its size and the
    // limit. A server that publishes no limit passes. A failed health request passes its error
    // on. Nothing runs after `context` is destroyed.
    static void start(ApiClient* api, QObject* context, const QString& filePath, qint64 size,
                      std::function<void(Result<void>)> done);

    // Returns the "payload_too_large" error for a file of `size` bytes over `maxSize`.
    static Error tooLarge(const QString& filePath, qint64 size, qint64 maxSize,
                          const QString& server);
};

} // namespace chartinsight::client
