#include "ServeCommand.h"

#include "ApiHandler.h"
#include "DataDirectory.h"
#include "DeriveRunner.h"
#include "HttpServer.h"
#include "MailWorker.h"
#include "RetentionScheduler.h"
#include "ServerClock.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "ServerSchema.h"
#include "core/ErrorCodes.h"
#include "crypto/Certificate.h"
#include "mail/MailQueue.h"
#include "mail/OutboxTransport.h"
#include "mail/SmtpTransport.h"
#include "scan/Scanner.h"
#include "storage/FileStore.h"
#include "storage/SqlDatabase.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

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

Result<std::unique_ptr<mail::MailTransport>> createTransport(const ServeOptions& options,
                                                             const QString& outboxFolder)
{
    if (options.smtpUrl.isEmpty()) {
        auto outbox = mail::OutboxTransport::create(outboxFolder);
        if (!outbox)
            return outbox.error();
        qCWarning(lcServer) << "no --smtp-url: mail is written to the outbox folder, not sent";
        return std::unique_ptr<mail::MailTransport>(std::move(outbox).value());
    }
    mail::SmtpSettings settings;
    settings.url = QUrl(options.smtpUrl, QUrl::StrictMode);
    settings.username = options.smtpUser;
    settings.caFile = options.smtpCaFile;
    if (!options.smtpPasswordFile.isEmpty()) {
        QFile file(options.smtpPasswordFile);
        if (!file.open(QIODevice::ReadOnly)) {
            return makeError(QString::fromLatin1(errc::kIo),
                             QStringLiteral("Cannot read the SMTP password file %1: %2; check "
                                            "--smtp-password-file.")
                                 .arg(options.smtpPasswordFile, file.errorString()));
        }
        settings.password = QString::fromUtf8(file.readLine()).trimmed();
    }
    auto smtp = mail::SmtpTransport::create(settings);
    if (!smtp)
        return smtp.error();
    return std::unique_ptr<mail::MailTransport>(std::move(smtp).value());
}

mail::MailSettings mailSettings(const ServeOptions& options, const QString& publicUrl)
{
    mail::MailSettings settings;
    const QString host = QUrl(publicUrl).host();
    // A bare IP address is no mail domain, so the default sender falls back to localhost.
    const bool isName = !host.isEmpty() && host.contains(u'.') && !host.at(0).isDigit();
    settings.fromAddress =
        options.mailFrom.isEmpty()
            ? QStringLiteral("no-reply@") + (isName ? host : QStringLiteral("localhost"))
            : options.mailFrom;
    settings.fromName = QStringLiteral("ChartInsight");
    settings.messageIdDomain = settings.fromAddress.section(u'@', 1);
    return settings;
}

// The derive runner, or null when the worker program is missing: the server then serves
// everything else, and derive jobs wait in the database for a server that has the worker.
std::unique_ptr<DeriveRunner> createDeriveRunner(const ServeOptions& options,
                                                 ServerContext& context)
{
    const QString program =
        options.deriveWorker.isEmpty()
            ? QCoreApplication::applicationDirPath() + QStringLiteral("/chartinsight-derive")
            : QFileInfo(options.deriveWorker).absoluteFilePath();
    if (!QFileInfo(program).isExecutable()) {
        qCCritical(lcServer).noquote()
            << "the derive worker" << program
            << "is missing or not executable, so no text or previews are generated; install "
               "chartinsight-derive next to the server or pass --derive-worker";
        return nullptr;
    }
    DeriveLimits limits;
    limits.timeoutSeconds = options.deriveTimeoutSeconds;
    limits.memoryBytes = qint64(options.deriveMemoryMiB) * 1024 * 1024;
    qCInfo(lcServer) << "derive worker limits:" << limits.timeoutSeconds << "s,"
                     << options.deriveMemoryMiB << "MiB";
    return std::make_unique<DeriveRunner>(context, DeriveWorker(program, limits));
}

} // namespace

int runServeCommand(const ServeOptions& options)
{
    qCInfo(lcServer) << "starting chartinsight-server" << CHARTINSIGHT_VERSION;

    DataDirectory dataDir(options.dataDir);
    if (auto created = dataDir.create(); !created)
        return failStart(created.error().message);
    if (auto locked = dataDir.lockForServing(); !locked)
        return failStart(locked.error().message);

    auto databaseKey = dataDir.databaseKey(options.databaseKey);
    if (!databaseKey)
        return failStart(databaseKey.error().message);
    auto database = openServerDatabase(dataDir.databasePath(), databaseKey.value());
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
    const ServerClock clock(options.clockOffsetFile);
    if (clock.isShifted())
        qCWarning(lcServer) << "the clock is shifted by a test offset file; never use this in "
                               "production";
    context.clock = &clock;
    context.auth.lockoutThreshold = options.lockoutThreshold;
    context.auth.lockoutWindowMs = qint64(options.lockoutWindowMinutes) * 60 * 1000;
    context.auth.lockoutDurationMs = qint64(options.lockoutDurationMinutes) * 60 * 1000;
    context.auth.ipRequestsPerMinute = options.ipRequestsPerMinute;
    context.auth.accountRequestsPerMinute = options.accountRequestsPerMinute;
    context.auth.trustedProxies = options.trustedProxies;
    loadScanner(options, dataDir.tempPath(), context);

    auto tls = prepareCertificate(options, dataDir);
    if (!tls)
        return failStart(tls.error().message);
    auto fingerprint = crypto::certificateSha256Fingerprint(tls->certificate);
    if (!fingerprint)
        return failStart(fingerprint.error().message);
    qCInfo(lcServer).noquote() << "TLS certificate SHA-256 fingerprint:" << fingerprint.value();

    auto transport = createTransport(options, options.dataDir + QStringLiteral("/outbox"));
    if (!transport)
        return failStart(transport.error().message);

    // Set up before the listener starts, so request threads only ever read the context.
    std::unique_ptr<DeriveRunner> deriveRunner = createDeriveRunner(options, context);
    if (deriveRunner) {
        context.wakeDeriveRunner = [&deriveRunner] { deriveRunner->wake(); };
        deriveRunner->start();
    }

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

    context.publicUrl = options.publicUrl.isEmpty() ? server.url() : options.publicUrl;
    const mail::MailSettings senders = mailSettings(options, context.publicUrl);
    if (auto valid = senders.validate(); !valid)
        return failStart(valid.error().message);
    mail::MailQueue mailQueue(*context.database, senders, clock);
    MailWorker mailWorker(mailQueue, std::move(transport).value());
    context.mailQueue = &mailQueue;
    context.wakeMailWorker = [&mailWorker] { mailWorker.wake(); };
    mailWorker.start();

    // Started after the mail queue, because warnings go through it. Its first pass catches up
    // on erasures and warnings that came due while the server was down.
    RetentionSettings retention;
    retention.interval = std::chrono::seconds(options.retentionIntervalSeconds);
    retention.warningDays = options.retentionWarningDays;
    RetentionScheduler retentionScheduler(context, retention);
    retentionScheduler.start();

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
