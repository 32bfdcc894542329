#pragma once

#include "ServerSecrets.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace chartinsight::storage {
class FileStore;
class SqlDatabase;
} // namespace chartinsight::storage

namespace chartinsight::mail {
class Clock;
class MailQueue;
} // namespace chartinsight::mail

namespace chartinsight::scan {
class Scanner;
}

namespace chartinsight::server {

// Limits of sign-in and the other authentication routes (chartinsight-server serve options).
struct AuthSettings
{
    int lockoutThreshold = 5;                // failed passwords that lock an account
    qint64 lockoutWindowMs = 15 * 60 * 1000; // within this time
    qint64 lockoutDurationMs = 15 * 60 * 1000;
    // Requests per minute. The per-IP limit is generous because a whole clinic may share one
    // NAT address; the per-account limit is strict because one person types slowly.
    int ipRequestsPerMinute = 300;
    int accountRequestsPerMinute = 10;
    QStringList trustedProxies; // peers whose X-Forwarded-For header is believed
};

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
    qint64 maxUploadSize = 0;           // bytes
    QStringList allowedOrigins;         // normalised origins allowed to use CORS
    const mail::Clock* clock = nullptr; // the only source of time for auth rows and mail
    mail::MailQueue* mailQueue = nullptr;
    std::function<void()> wakeMailWorker; // called after a mail is queued; may be empty
    std::function<void()> wakeDeriveRunner; // called after a derive job is queued; may be empty
    QString publicUrl;                    // base of links in e-mails, without a trailing '/'
    AuthSettings auth;
};

} // namespace chartinsight::server
