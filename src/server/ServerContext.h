#pragma once

#include "ServerSecrets.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace chartinsight::storage {
class FileStore;
class SqlDatabase;
} // namespace chartinsight::storage

namespace chartinsight::scan {
class Scanner;
}

namespace chartinsight::server {

// Shared state of the request handlers for the lifetime of `serve`. It is built once at start
// and only read afterwards, so worker threads use it without locks. The database serialises
// its own access.
struct ServerContext
{
    storage::SqlDatabase* database = nullptr;
    storage::FileStore* fileStore = nullptr;
    std::shared_ptr<const scan::Scanner> scanner; // null when no signatures could be loaded
    QString scannerError;                         // why `scanner` is null
    ServerSecrets secrets;
    int bcryptCost = 12;
    qint64 maxUploadSize = 0;   // bytes
    QStringList allowedOrigins; // normalised origins allowed to use CORS
};

} // namespace chartinsight::server
