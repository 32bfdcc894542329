#include "HttpServer.h"

#include "ApiHandler.h"
#include "ApiResponse.h"
#include "HttpMessage.h"
#include "Router.h"
#include "ServerLog.h"
#include "UploadSession.h"
#include "core/ErrorCodes.h"
#include "core/Logging.h"
#include "crypto/Random.h"

#include <QElapsedTimer>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace chartinsight::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Strand = asio::strand<asio::io_context::executor_type>;

constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
// Applies to every read or write step: a whole request header, each 256 KiB of a request body
// and each chunk of a response. A client that trickles bytes more slowly is dropped.
constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr auto kTlsShutdownTimeout = std::chrono::seconds(5);
// After an early response (413, 401, ...) to a request whose body was not read, the server
// reads and discards the rest of the body before it closes the connection: up to kDrainLimit
// bytes, for at most kDrainTimeout in all, and until the client sends nothing for
// kDrainIdleTimeout. Closing a socket with unread input makes the kernel send a reset, which
// discards the response the client has not read yet. Some clients (Qt's
// QNetworkAccessManager) read no response before the whole body is sent, so the limit covers
// a whole upload of usual size, and a client that checks the published max_upload_size first
// never sends more.
constexpr auto kDrainTimeout = std::chrono::seconds(60);
constexpr auto kDrainIdleTimeout = std::chrono::seconds(5);
constexpr std::size_t kDrainLimit = 256 * 1024 * 1024;
constexpr auto kStopGracePeriod = std::chrono::seconds(10);
constexpr auto kStopPollInterval = std::chrono::milliseconds(50);
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
constexpr std::uint32_t kHeaderLimit = 16 * 1024;    // bytes of request line and header fields
constexpr std::uint64_t kSmallBodyLimit = 64 * 1024; // bytes of a JSON (non-upload) body
constexpr std::size_t kChunkSize = 256 * 1024;       // bytes per upload read and download write
// Jobs that may wait for a worker before new requests get 503 server_busy. At cost 12 one
// bcrypt run takes about 200 ms, so a full queue is a few seconds of work per worker.
constexpr int kMaxQueuedJobsPerWorker = 32;
constexpr int kMaxConnections = 1024;
constexpr int kMaxLoggedMethodLength = 16;

// Ends of a connection that are the client's doing (closed, reset, timed out), not a request
// the server should respond to.
bool isDisconnect(const boost::system::error_code& error)
{
    return error == http::error::end_of_stream || error == http::error::partial_message ||
           error == beast::error::timeout || error == asio::error::eof ||
           error == asio::error::connection_reset || error == asio::error::broken_pipe ||
           error == asio::error::operation_aborted || error == ssl::error::stream_truncated;
}

QByteArray toByteArray(beast::string_view text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

HttpRequest toRequest(const http::request_parser<http::empty_body>& parser)
{
    const auto& header = parser.get();
    HttpRequest request;
    request.method = toByteArray(header.method_string());
    const QByteArray target = toByteArray(header.target());
    const qsizetype question = target.indexOf('?');
    request.path = question < 0 ? target : target.left(question);
    request.query = question < 0 ? QByteArray() : target.mid(question + 1);
    for (const auto& field : header)
        request.headers.push_back(
            {toByteArray(field.name_string()).toLower(), toByteArray(field.value())});
    if (const auto length = parser.content_length())
        request.contentLength = qint64(std::min<std::uint64_t>(*length, std::uint64_t(INT64_MAX)));
    request.requestId = QString::fromLatin1(crypto::randomBytes(8).toHex());
    return request;
}

// The next step for a connection after a response.
enum class NextStep
{
    KeepOpen,
    Close,
    DrainThenClose, // the request body was left unread
};

// Decrements a counter when a scope ends, however the coroutine leaves it.
class CounterGuard
{
public:
    explicit CounterGuard(std::atomic<int>& counter) : m_counter(counter) { ++m_counter; }
    ~CounterGuard() { --m_counter; }
    CounterGuard(const CounterGuard&) = delete;
    CounterGuard& operator=(const CounterGuard&) = delete;

private:
    std::atomic<int>& m_counter;
};

void logException(std::exception_ptr exception, const char* where)
{
    if (!exception)
        return;
    try {
        std::rethrow_exception(exception);
    } catch (const std::exception& error) {
        qCCritical(lcHttp) << where << "ended with an exception:" << error.what();
    } catch (...) {
        qCCritical(lcHttp) << where << "ended with an unknown exception";
    }
}

} // namespace

struct HttpServer::Impl
{
    Impl(ApiHandler& api, Settings settings);

    Result<void> start();
    void run();

    asio::awaitable<void> acceptConnections();
    asio::awaitable<void> serveConnection(tcp::socket socket);
    asio::awaitable<NextStep> serveRequest(TlsStream& stream, beast::flat_buffer& buffer);
    asio::awaitable<void> drainInput(TlsStream& stream);
    asio::awaitable<HttpResponse>
    readSmallBodyAndAnswer(TlsStream& stream, beast::flat_buffer& buffer,
                           http::request_parser<http::empty_body>& headerParser,
                           HttpRequest& request, const RouteMatch& match);
    asio::awaitable<HttpResponse>
    receiveUpload(TlsStream& stream, beast::flat_buffer& buffer,
                  http::request_parser<http::empty_body>& headerParser, HttpRequest& request);
    asio::awaitable<bool> writeResponse(TlsStream& stream, HttpResponse& response, unsigned version,
                                        bool keepAlive);
    asio::awaitable<bool> writeStreamedResponse(TlsStream& stream, HttpResponse& response,
                                                unsigned version, bool keepAlive);
    asio::awaitable<void> stopWhenIdle();
    void beginStop(int signalNumber);
    void logRequest(const HttpRequest& request, const RouteMatch& match, int status,
                    const QElapsedTimer& timer, const QString& userId) const;

    // Runs `work` on the worker pool and resumes on the caller's executor. With `admit`, the
    // job is refused (nullopt) when the queue is full; follow-up jobs of a request already
    // admitted (upload chunks, download chunks) always run. Log lines of `work` carry
    // `requestId`.
    template <typename Work>
    asio::awaitable<std::optional<std::invoke_result_t<Work&>>>
    runOnPool(Work work, bool admit, QString requestId = {});

    // Declaration order is destruction order in reverse: the counters and the TLS context
    // outlive the io_context, whose destruction frees suspended connection coroutines.
    ApiHandler& m_api;
    Settings m_settings;
    std::atomic<int> m_activeRequests{0};
    std::atomic<int> m_connections{0};
    std::atomic<int> m_queuedJobs{0};
    std::atomic<bool> m_stopping{false};
    int m_maxQueuedJobs = 0;
    ssl::context m_tls{ssl::context::tls_server};
    asio::io_context m_io;
    Strand m_acceptStrand;
    tcp::acceptor m_acceptor;
    asio::signal_set m_signals;
    asio::thread_pool m_pool;
    QString m_url;
};

HttpServer::Impl::Impl(ApiHandler& api, Settings settings)
    : m_api(api), m_settings(std::move(settings)), m_io(m_settings.ioThreads),
      m_acceptStrand(asio::make_strand(m_io)), m_acceptor(m_acceptStrand),
      m_signals(m_acceptStrand), m_pool(std::size_t(m_settings.workerThreads))
{
    m_maxQueuedJobs = kMaxQueuedJobsPerWorker * m_settings.workerThreads;
}

Result<void> HttpServer::Impl::start()
{
    // Installed first, so a SIGTERM right after the "listening" line still stops cleanly.
    m_signals.add(SIGTERM);
    m_signals.add(SIGINT);

    // TLS 1.3 only: every client this product ships negotiates it, and it removes the legacy
    // cipher suites and renegotiation of TLS 1.2.
    SSL_CTX_set_min_proto_version(m_tls.native_handle(), TLS1_3_VERSION);
    m_tls.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    boost::system::error_code error;
    m_tls.use_certificate_chain_file(m_settings.certificatePath.toStdString(), error);
    if (error) {
        return makeError(
            QString::fromLatin1(errc::kTls),
            QStringLiteral("Cannot load the TLS certificate %1: %2. Give a PEM "
                           "certificate chain.")
                .arg(m_settings.certificatePath, QString::fromStdString(error.message())));
    }
    m_tls.use_private_key_file(m_settings.privateKeyPath.toStdString(), ssl::context::pem, error);
    if (!error && SSL_CTX_check_private_key(m_tls.native_handle()) != 1)
        error = asio::error::invalid_argument;
    if (error) {
        return makeError(
            QString::fromLatin1(errc::kTls),
            QStringLiteral("Cannot load the TLS private key %1 or it does not match "
                           "the certificate: %2. Give the PEM key of the certificate.")
                .arg(m_settings.privateKeyPath, QString::fromStdString(error.message())));
    }

    const std::string host = m_settings.host.toStdString();
    asio::ip::address address = asio::ip::make_address(host, error);
    if (error) {
        tcp::resolver resolver(m_io);
        const auto results = resolver.resolve(host, std::to_string(m_settings.port), error);
        if (error || results.empty()) {
            return makeError(QString::fromLatin1(errc::kNetwork),
                             QStringLiteral("Cannot resolve the listen host %1: %2. Use an IP "
                                            "address or a name this machine resolves.")
                                 .arg(m_settings.host, QString::fromStdString(error.message())));
        }
        address = results.begin()->endpoint().address();
    }
    const tcp::endpoint endpoint(address, m_settings.port);
    m_acceptor.open(endpoint.protocol(), error);
    if (!error)
        m_acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error)
        m_acceptor.bind(endpoint, error);
    if (!error)
        m_acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
        return makeError(QString::fromLatin1(errc::kNetwork),
                         QStringLiteral("Cannot listen on %1 port %2: %3. Choose a free port with "
                                        "--listen HOST:PORT.")
                             .arg(m_settings.host)
                             .arg(m_settings.port)
                             .arg(QString::fromStdString(error.message())));
    }

    const tcp::endpoint bound = m_acceptor.local_endpoint();
    const QString boundHost = QString::fromStdString(bound.address().to_string());
    m_url = QStringLiteral("https://%1:%2")
                .arg(bound.address().is_v6() ? u'[' + boundHost + u']' : boundHost)
                .arg(bound.port());
    return {};
}

void HttpServer::Impl::run()
{
    m_signals.async_wait([this](const boost::system::error_code& error, int signalNumber) {
        if (!error)
            beginStop(signalNumber);
    });
    asio::co_spawn(m_acceptStrand, acceptConnections(), [](std::exception_ptr exception) {
        logException(exception, "accepting connections");
    });

    const auto runLoop = [this] {
        for (;;) {
            try {
                m_io.run();
                return;
            } catch (const std::exception& error) {
                qCCritical(lcHttp) << "an I/O handler threw an exception:" << error.what();
            }
        }
    };
    std::vector<std::thread> threads;
    for (int i = 1; i < m_settings.ioThreads; ++i)
        threads.emplace_back(runLoop);
    runLoop();
    for (std::thread& thread : threads)
        thread.join();
    // Jobs already running (a scan, a bcrypt hash) finish; their connections are gone.
    m_pool.join();
}

void HttpServer::Impl::beginStop(int signalNumber)
{
    if (m_stopping.exchange(true))
        return;
    qCInfo(lcServer) << "received signal" << signalNumber << "- stopping: no new connections,"
                     << m_activeRequests.load() << "requests in flight";
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
    asio::co_spawn(m_acceptStrand, stopWhenIdle(),
                   [](std::exception_ptr exception) { logException(exception, "stopping"); });
}

asio::awaitable<void> HttpServer::Impl::stopWhenIdle()
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto deadline = std::chrono::steady_clock::now() + kStopGracePeriod;
    while (m_activeRequests.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(kStopPollInterval);
        co_await timer.async_wait(asio::use_awaitable);
    }
    if (m_activeRequests.load() > 0) {
        qCWarning(lcServer) << "stopping with" << m_activeRequests.load()
                            << "requests still in flight after the grace period";
    }
    m_io.stop();
}

template <typename Work>
asio::awaitable<std::optional<std::invoke_result_t<Work&>>>
HttpServer::Impl::runOnPool(Work work, bool admit, QString requestId)
{
    using Value = std::invoke_result_t<Work&>;
    if (m_queuedJobs.fetch_add(1) >= m_maxQueuedJobs && admit) {
        --m_queuedJobs;
        co_return std::nullopt;
    }
    co_return co_await asio::co_spawn(
        m_pool,
        [this, &work, &requestId]() -> asio::awaitable<std::optional<Value>> {
            --m_queuedJobs;
            const LogRequestScope logScope(requestId);
            co_return std::optional<Value>(work());
        },
        asio::use_awaitable);
}

asio::awaitable<void> HttpServer::Impl::acceptConnections()
{
    asio::steady_timer retryTimer(m_acceptStrand);
    for (;;) {
        auto [error, socket] = co_await m_acceptor.async_accept(
            asio::make_strand(m_io), asio::as_tuple(asio::use_awaitable));
        if (m_stopping.load() || !m_acceptor.is_open())
            co_return;
        if (error) {
            // Usually out of file descriptors; waiting lets connections close.
            qCWarning(lcHttp) << "accepting a connection failed:" << error.message().c_str();
            retryTimer.expires_after(kAcceptRetryDelay);
            co_await retryTimer.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        if (m_connections.load() >= kMaxConnections) {
            qCWarning(lcHttp) << "refused a connection: already" << m_connections.load()
                              << "open connections";
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        auto executor = socket.get_executor();
        asio::co_spawn(
            executor, serveConnection(std::move(socket)),
            [](std::exception_ptr exception) { logException(exception, "a connection"); });
    }
}

asio::awaitable<void> HttpServer::Impl::serveConnection(tcp::socket socket)
{
    CounterGuard connection(m_connections);
    TlsStream stream(std::move(socket), m_tls);
    auto& tcpStream = beast::get_lowest_layer(stream);

    tcpStream.expires_after(kHandshakeTimeout);
    auto [handshakeError] = co_await stream.async_handshake(ssl::stream_base::server,
                                                            asio::as_tuple(asio::use_awaitable));
    if (handshakeError) {
        // Expected for TLS 1.2 clients and port scanners, so only at debug level.
        qCDebug(lcHttp) << "TLS handshake failed:" << handshakeError.message().c_str();
        co_return;
    }

    beast::flat_buffer buffer;
    NextStep next = NextStep::KeepOpen;
    while (next == NextStep::KeepOpen && !m_stopping.load())
        next = co_await serveRequest(stream, buffer);
    if (next == NextStep::DrainThenClose)
        co_await drainInput(stream);

    tcpStream.expires_after(kTlsShutdownTimeout);
    co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> HttpServer::Impl::drainInput(TlsStream& stream)
{
    auto& tcpStream = beast::get_lowest_layer(stream);
    const auto deadline = std::chrono::steady_clock::now() + kDrainTimeout;
    std::vector<char> scratch(64 * 1024);
    std::size_t total = 0;
    while (total < kDrainLimit && !m_stopping.load()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline)
            break;
        tcpStream.expires_after(
            std::min<std::chrono::steady_clock::duration>(kDrainIdleTimeout, deadline - now));
        auto [error, bytes] = co_await stream.async_read_some(asio::buffer(scratch),
                                                              asio::as_tuple(asio::use_awaitable));
        if (error)
            break;
        total += bytes;
    }
    qCDebug(lcHttp) << "discarded" << total << "bytes of an unread request body";
}

asio::awaitable<NextStep> HttpServer::Impl::serveRequest(TlsStream& stream,
                                                         beast::flat_buffer& buffer)
{
    auto& tcpStream = beast::get_lowest_layer(stream);
    http::request_parser<http::empty_body> headerParser;
    headerParser.header_limit(kHeaderLimit);
    headerParser.body_limit(boost::none); // set per route once the header is known

    tcpStream.expires_after(kIdleTimeout);
    auto [readError, headerBytes] = co_await http::async_read_header(
        stream, buffer, headerParser, asio::as_tuple(asio::use_awaitable));
    (void)headerBytes;
    if (readError) {
        if (isDisconnect(readError))
            co_return NextStep::Close;
        const bool tooLarge = readError == http::error::header_limit;
        HttpResponse response = ApiResponse::error(
            tooLarge ? 431 : 400, QString::fromLatin1(errc::kInvalidRequest),
            tooLarge ? QStringLiteral("The request line and headers are larger than 16 KiB; send "
                                      "fewer or shorter headers.")
                     : QStringLiteral("The request is not valid HTTP/1.1."));
        m_api.finalize(nullptr, response);
        qCInfo(lcHttp).noquote() << "request - unparsed" << response.status
                                 << readError.message().c_str();
        const bool written = co_await writeResponse(stream, response, 11, false);
        co_return written ? NextStep::DrainThenClose : NextStep::Close;
    }

    CounterGuard active(m_activeRequests);
    QElapsedTimer timer;
    timer.start();
    HttpRequest request = toRequest(headerParser);
    boost::system::error_code peerError;
    const tcp::endpoint peer = tcpStream.socket().remote_endpoint(peerError);
    if (!peerError)
        request.peerAddress = QString::fromStdString(peer.address().to_string());
    const RouteMatch match = Router::match(request.method, request.path);
    const unsigned version = headerParser.get().version();
    const bool clientKeepAlive = headerParser.get().keep_alive();

    // Two statements, not a conditional expression: with co_await inside ?: here, g++ 12.2
    // built a server that crashed on the first request while using the response.
    HttpResponse response;
    if (match.isUpload)
        response = co_await receiveUpload(stream, buffer, headerParser, request);
    else
        response = co_await readSmallBodyAndAnswer(stream, buffer, headerParser, request, match);
    if (response.status == 0) { // the client went away; nothing can be sent
        logRequest(request, match, 0, timer, response.userId);
        co_return NextStep::Close;
    }

    m_api.finalize(&request, response);
    const bool keepAlive = clientKeepAlive && !response.closeConnection && !m_stopping.load();
    const bool written = co_await writeResponse(stream, response, version, keepAlive);
    logRequest(request, match, written ? response.status : 0, timer, response.userId);
    if (!written)
        co_return NextStep::Close;
    if (response.closeConnection)
        co_return NextStep::DrainThenClose;
    co_return keepAlive ? NextStep::KeepOpen : NextStep::Close;
}

asio::awaitable<HttpResponse>
HttpServer::Impl::readSmallBodyAndAnswer(TlsStream& stream, beast::flat_buffer& buffer,
                                         http::request_parser<http::empty_body>& headerParser,
                                         HttpRequest& request, const RouteMatch& match)
{
    if (request.contentLength && std::uint64_t(*request.contentLength) > kSmallBodyLimit)
        co_return m_api.payloadTooLarge();

    http::request_parser<http::string_body> bodyParser(std::move(headerParser));
    bodyParser.body_limit(kSmallBodyLimit);
    beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
    auto [error, bytes] =
        co_await http::async_read(stream, buffer, bodyParser, asio::as_tuple(asio::use_awaitable));
    (void)bytes;
    if (error == http::error::body_limit)
        co_return m_api.payloadTooLarge();
    if (error) {
        HttpResponse response;
        if (!isDisconnect(error)) {
            response =
                ApiResponse::error(400, QString::fromLatin1(errc::kInvalidRequest),
                                   QStringLiteral("The request body is not valid HTTP/1.1."));
            response.closeConnection = true;
        } else {
            response.status = 0;
        }
        co_return response;
    }
    const std::string& body = bodyParser.get().body();
    request.body = QByteArray(body.data(), qsizetype(body.size()));

    if (auto direct = m_api.answerDirectly(request, match))
        co_return std::move(*direct);
    auto answered =
        co_await runOnPool([&] { return m_api.handle(request, match); }, true, request.requestId);
    if (!answered)
        co_return ApiHandler::serverBusy();
    co_return std::move(*answered);
}

asio::awaitable<HttpResponse>
HttpServer::Impl::receiveUpload(TlsStream& stream, beast::flat_buffer& buffer,
                                http::request_parser<http::empty_body>& headerParser,
                                HttpRequest& request)
{
    auto& tcpStream = beast::get_lowest_layer(stream);
    auto started =
        co_await runOnPool([&] { return m_api.beginUpload(request); }, true, request.requestId);
    if (!started) {
        HttpResponse busy = ApiHandler::serverBusy();
        busy.closeConnection = true; // the body was not read
        co_return busy;
    }
    if (!started->session) {
        HttpResponse rejection = std::move(started->rejection);
        rejection.userId = started->userId;
        rejection.closeConnection = rejection.closeConnection || request.contentLength != 0;
        co_return rejection;
    }
    std::unique_ptr<UploadSession> session = std::move(started->session);
    const QString userId = started->userId;

    if (request.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0) {
        http::response<http::empty_body> interim(http::status::continue_,
                                                 headerParser.get().version());
        tcpStream.expires_after(kIdleTimeout);
        auto [error, bytes] =
            co_await http::async_write(stream, interim, asio::as_tuple(asio::use_awaitable));
        (void)bytes;
        if (error) {
            HttpResponse disconnected;
            disconnected.status = 0;
            disconnected.userId = userId;
            co_return disconnected;
        }
    }

    http::request_parser<http::buffer_body> parser(std::move(headerParser));
    parser.body_limit(boost::none); // UploadSession enforces --max-upload-size
    std::vector<char> chunk(kChunkSize);
    while (!parser.is_done()) {
        std::size_t filled = 0;
        tcpStream.expires_after(kIdleTimeout);
        while (filled < chunk.size() && !parser.is_done()) {
            parser.get().body().data = chunk.data() + filled;
            parser.get().body().size = chunk.size() - filled;
            auto [error, bytes] = co_await http::async_read(stream, buffer, parser,
                                                            asio::as_tuple(asio::use_awaitable));
            (void)bytes;
            filled = chunk.size() - parser.get().body().size;
            if (error == http::error::need_buffer)
                continue;
            if (error) {
                HttpResponse failed;
                failed.userId = userId;
                if (isDisconnect(error)) {
                    failed.status = 0;
                } else {
                    failed = ApiResponse::error(400, QString::fromLatin1(errc::kInvalidRequest),
                                                QStringLiteral("The request body is not valid "
                                                               "HTTP/1.1."));
                    failed.closeConnection = true;
                }
                co_return failed; // `session` discards the pending object
            }
        }
        if (filled == 0)
            continue;
        auto appended = co_await runOnPool(
            [&] { return session->append(chunk.data(), qsizetype(filled)); }, false,
            request.requestId);
        if (!appended->ok()) {
            HttpResponse rejected = appended->error().code == QLatin1String(errc::kPayloadTooLarge)
                                        ? m_api.payloadTooLarge()
                                        : m_api.failure(request, appended->error());
            rejected.closeConnection = true;
            rejected.userId = userId;
            co_return rejected;
        }
    }

    auto finished =
        co_await runOnPool([&] { return m_api.finishUpload(request, *session); }, false,
                           request.requestId);
    HttpResponse response = std::move(*finished);
    response.userId = userId;
    co_return response;
}

asio::awaitable<bool> HttpServer::Impl::writeResponse(TlsStream& stream, HttpResponse& response,
                                                      unsigned version, bool keepAlive)
{
    if (response.bodySource)
        co_return co_await writeStreamedResponse(stream, response, version, keepAlive);

    http::response<http::string_body> message(static_cast<http::status>(response.status), version);
    for (const HttpHeader& field : response.headers)
        message.set(beast::string_view(field.name.constData(), std::size_t(field.name.size())),
                    beast::string_view(field.value.constData(), std::size_t(field.value.size())));
    message.body().assign(response.body.constData(), std::size_t(response.body.size()));
    message.keep_alive(keepAlive);
    message.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
    auto [error, bytes] =
        co_await http::async_write(stream, message, asio::as_tuple(asio::use_awaitable));
    (void)bytes;
    co_return !error;
}

asio::awaitable<bool> HttpServer::Impl::writeStreamedResponse(TlsStream& stream,
                                                              HttpResponse& response,
                                                              unsigned version, bool keepAlive)
{
    auto& tcpStream = beast::get_lowest_layer(stream);
    BodySource& source = *response.bodySource;
    const qint64 size = source.size();

    const bool sizeKnown = size != BodySource::kUnknownSize;
    http::response<http::buffer_body> message(static_cast<http::status>(response.status), version);
    for (const HttpHeader& field : response.headers)
        message.set(beast::string_view(field.name.constData(), std::size_t(field.name.size())),
                    beast::string_view(field.value.constData(), std::size_t(field.value.size())));
    if (sizeKnown) {
        message.content_length(std::uint64_t(size));
        message.keep_alive(keepAlive);
    } else if (version >= 11) {
        message.chunked(true);
        message.keep_alive(keepAlive);
    } else {
        // HTTP/1.0 has no chunked coding: the body ends when the connection closes.
        message.keep_alive(false);
        response.closeConnection = true;
    }
    message.body().data = nullptr;
    message.body().more = true;
    http::response_serializer<http::buffer_body> serializer(message);

    tcpStream.expires_after(kIdleTimeout);
    auto [headerError, headerBytes] =
        co_await http::async_write_header(stream, serializer, asio::as_tuple(asio::use_awaitable));
    (void)headerBytes;
    if (headerError)
        co_return false;

    std::vector<char> chunk(kChunkSize);
    qint64 sent = 0;
    while (!sizeKnown || sent < size) {
        auto read = co_await runOnPool(
            [&] {
                return std::optional<Result<qsizetype>>(
                    source.read(chunk.data(), qsizetype(chunk.size())));
            },
            false);
        const Result<qsizetype>& piece = **read;
        if (!sizeKnown && piece.ok() && piece.value() == 0)
            break;
        if (!piece.ok() || piece.value() == 0) {
            // The status line is already sent, so the only signal left is a short body: the
            // connection closes before Content-Length bytes or the last chunk arrive.
            response.status = 0;
            co_return false;
        }
        message.body().data = chunk.data();
        message.body().size = std::size_t(piece.value());
        message.body().more = true;
        tcpStream.expires_after(kIdleTimeout);
        auto [error, bytes] =
            co_await http::async_write(stream, serializer, asio::as_tuple(asio::use_awaitable));
        (void)bytes;
        if (error && error != http::error::need_buffer)
            co_return false;
        sent += piece.value();
    }
    message.body().data = nullptr;
    message.body().size = 0;
    message.body().more = false;
    auto [error, bytes] =
        co_await http::async_write(stream, serializer, asio::as_tuple(asio::use_awaitable));
    (void)bytes;
    co_return !error;
}

void HttpServer::Impl::logRequest(const HttpRequest& request, const RouteMatch& match, int status,
                                  const QElapsedTimer& timer, const QString& userId) const
{
    qCInfo(lcHttp).noquote() << "request" << request.requestId
                             << QString::fromLatin1(request.method.left(kMaxLoggedMethodLength))
                             << QString::fromLatin1(Router::pathForLog(match, request.path))
                             << (status == 0 ? QStringLiteral("aborted") : QString::number(status))
                             << QStringLiteral("%1 ms").arg(timer.elapsed()) << "user"
                             << (userId.isEmpty() ? QStringLiteral("-") : userId);
}

HttpServer::HttpServer(ApiHandler& api, Settings settings)
{
    if (settings.workerThreads <= 0)
        settings.workerThreads = int(std::max(1U, std::thread::hardware_concurrency()));
    if (settings.ioThreads <= 0)
        settings.ioThreads = 1;
    d = std::make_unique<Impl>(api, std::move(settings));
}

HttpServer::~HttpServer() = default;

Result<void> HttpServer::start()
{
    return d->start();
}

QString HttpServer::url() const
{
    return d->m_url;
}

void HttpServer::run()
{
    qCInfo(lcServer) << "serving with" << d->m_settings.ioThreads << "I/O threads and"
                     << d->m_settings.workerThreads << "workers";
    d->run();
}

} // namespace chartinsight::server
