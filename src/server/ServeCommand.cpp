#include "ServeCommand.h"

#include "ApiHandler.h"
#include "DataDirectory.h"
#include "HttpServer.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "ServerSchema.h"
#include "core/ErrorCodes.h"
#include "crypto/Certificate.h"
#include "scan/Scanner.h"
#include "storage/FileStore.h"
#include "storage/SqlDatabase.h"

#include <QFileInfo>

#include <algorithm>
#include <cstdio>

namespace chartinsight::server {
namespace {

// Validity of the generated certificate. Apple platforms reject TLS server certificates valid
// for more than 825 days, and clients pin this certificate's fingerprint, so a longer life
// would only postpone the same renewal.
constexpr int kSelfSignedValidityDays = 825;
constexpr int kIoThreads = 2;

int failStart(const QString& message)
{
    std::fprintf(stderr, "chartinsight-server: %s\n", qUtf8Printable(message));
    std::fflush(stderr);
    return 1;
}

struct TlsFiles
{
    QString certificate;
    QString privateKey;
};

QStringList certificateHostNames(const QString& listenHost)
{
    QStringList hosts{QStringLiteral("127.0.0.1"), QStringLiteral("::1"),
                      QStringLiteral("localhost")};
    // A wildcard address is no name a client connects to, so it is left out.
    const bool wildcard = listenHost == u"0.0.0.0" || listenHost == u"::";
    if (!wildcard && !hosts.contains(listenHost, Qt::CaseInsensitive))
        hosts << listenHost;
    return hosts;
}

Result<TlsFiles> prepareCertificate(const ServeOptions& options, DataDirectory& dataDir)
{
    if (!options.tlsCertificate.isEmpty()) {
        for (const QString& path : {options.tlsCertificate, options.tlsKey}) {
            if (!QFileInfo(path).isReadable()) {
                return makeError(
                    QString::fromLatin1(errc::kTls),
                    QStringLiteral("Cannot read %1; check the --tls-cert and --tls-key "
                                   "paths and their permissions.")
                        .arg(path));
            }
        }
        return TlsFiles{options.tlsCertificate, options.tlsKey};
    }

    if (auto created = dataDir.createSubfolder(dataDir.tlsPath()); !created)
        return created.error();
    const TlsFiles files{dataDir.certificatePath(), dataDir.privateKeyPath()};
    const bool hasCertificate = QFileInfo::exists(files.certificate);
    const bool hasKey = QFileInfo::exists(files.privateKey);
    if (hasCertificate && hasKey) {
        // NOTE: a reused certificate keeps the host names it was made for; delete both files
        // to get one for a new --listen host.
        return files;
    }
    if (hasCertificate != hasKey) {
        return makeError(
            QString::fromLatin1(errc::kTls),
            QStringLiteral("Only one of %1 and %2 exists. Restore the missing file, or "
                           "delete the other so that a new certificate is made.")
                .arg(files.certificate, files.privateKey));
    }
    const QStringList hosts = certificateHostNames(options.listenHost);
    if (auto created = crypto::createSelfSignedCertificate(files.certificate, files.privateKey,
                                                           hosts, kSelfSignedValidityDays);
        !created) {
        return created.error();
    }
    qCInfo(lcServer) << "created a self-signed certificate for" << hosts.size() << "host names";
    return files;
}

// Loads the signatures once. A failure is logged and kept in the context: the server still
// starts so that /health can report it, and every upload is refused (fail closed).
void loadScanner(const ServeOptions& options, const QString& tempDir, ServerContext& context)
{
    scan::ScanLimits limits;
    // Uploads up to the configured limit must be scanned whole, else they are rejected as
    // incomplete.
    limits.maxFileSize = std::max(limits.maxFileSize, options.maxUploadSize);
    limits.maxScanSize = std::max(limits.maxScanSize, 2 * options.maxUploadSize);

    const QString signatureDir = scan::Scanner::signatureDirectory(options.signatureDir);
    auto scanner = scan::Scanner::load(signatureDir, limits, tempDir);
    if (!scanner) {
        context.scannerError = scanner.error().message;
        qCCritical(lcServer).noquote() << "the malware scanner is not available, so every upload "
                                          "will be rejected:"
                                       << scanner.error().message;
        return;
    }
    // The scanner itself logs the demo-signature warning when it loads such a folder.
    context.scanner = std::move(scanner).value();
}

} // namespace

int runServeCommand(const ServeOptions& options)
{
    qCInfo(lcServer) << "starting chartinsight-server" << CHARTINSIGHT_VERSION;

    DataDirectory dataDir(options.dataDir);
    if (auto created = dataDir.create(); !created)
        return failStart(created.error().message);

    QByteArray databaseKey;
    if (options.databaseKey) {
        databaseKey = *options.databaseKey;
    } else {
        auto key = dataDir.loadOrCreateDatabaseKey();
        if (!key)
            return failStart(key.error().message);
        databaseKey = key.value();
    }
    auto database = openServerDatabase(dataDir.databasePath(), databaseKey);
    if (!database)
        return failStart(database.error().message);
    auto secrets = ServerSecrets::loadOrCreate(*database.value());
    if (!secrets)
        return failStart(secrets.error().message);

    if (auto created = dataDir.createSubfolder(dataDir.storePath()); !created)
        return failStart(created.error().message);
    storage::FileStore fileStore(dataDir.storePath());
    if (auto initialized = fileStore.initialize(); !initialized)
        return failStart(initialized.error().message);
    if (auto cleared = dataDir.resetTempFolder(); !cleared)
        return failStart(cleared.error().message);

    ServerContext context;
    context.database = database.value().get();
    context.fileStore = &fileStore;
    context.secrets = secrets.value();
    context.bcryptCost = options.bcryptCost;
    context.maxUploadSize = options.maxUploadSize;
    context.allowedOrigins = options.allowedOrigins;
    loadScanner(options, dataDir.tempPath(), context);

    auto tls = prepareCertificate(options, dataDir);
    if (!tls)
        return failStart(tls.error().message);
    auto fingerprint = crypto::certificateSha256Fingerprint(tls->certificate);
    if (!fingerprint)
        return failStart(fingerprint.error().message);
    qCInfo(lcServer).noquote() << "TLS certificate SHA-256 fingerprint:" << fingerprint.value();

    ApiHandler api(context);
    if (auto initialized = api.initialize(); !initialized)
        return failStart(initialized.error().message);

    HttpServer::Settings settings;
    settings.host = options.listenHost;
    settings.port = options.listenPort;
    settings.certificatePath = tls->certificate;
    settings.privateKeyPath = tls->privateKey;
    settings.ioThreads = kIoThreads;
    HttpServer server(api, settings);
    if (auto started = server.start(); !started)
        return failStart(started.error().message);

    std::printf("certificate sha256 fingerprint: %s\n", qUtf8Printable(fingerprint.value()));
    std::printf("listening on %s\n", qUtf8Printable(server.url()));
    std::fflush(stdout);
    qCInfo(lcServer).noquote() << "listening on" << server.url() << "- upload limit"
                               << options.maxUploadSize << "bytes," << options.allowedOrigins.size()
                               << "CORS origins";

    server.run();
    qCInfo(lcServer) << "stopped";
    return 0;
}

} // namespace chartinsight::server
