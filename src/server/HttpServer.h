#pragma once

#include "core/Result.h"

#include <QString>

#include <memory>

namespace chartinsight::server {

class ApiHandler;

// The HTTPS listener: Boost.Beast over TLS 1.3 (OpenSSL 3), coroutines on a small set of I/O
// threads, and a separate worker pool for everything that blocks (bcrypt, scanning,
// encryption, database). This is the only part of the server that includes Boost.Beast.
class HttpServer
{
public:
    struct Settings
    {
        QString host;            // literal address or host name to bind
        quint16 port = 0;        // 0 picks a free port
        QString certificatePath; // PEM chain
        QString privateKeyPath;  // PEM key
        int ioThreads = 2;
        int workerThreads = 0; // 0 means one per CPU core
    };

    HttpServer(ApiHandler& api, Settings settings);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Loads the certificate and key, binds and listens, and installs the SIGTERM and SIGINT
    // handlers. Nothing is accepted before run().
    Result<void> start();

    // "https://HOST:PORT" with the bound address and port; valid after start().
    QString url() const;

    // Serves until SIGTERM or SIGINT, then stops accepting, lets requests in flight finish
    // for a grace period and returns.
    void run();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace chartinsight::server
