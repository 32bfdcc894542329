#include "CommandLine.h"

#include "EmailAddress.h"
#include "ServerClock.h"
#include "core/Logging.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>

namespace chartinsight::server {
namespace {

constexpr char kProgram[] = "chartinsight-server";
constexpr int kMinBcryptCost = 4;  // the lowest cost libxcrypt accepts for $2b$
constexpr int kMaxBcryptCost = 31; // the highest cost bcrypt can encode
constexpr int kDatabaseKeyHexLength = 64;
constexpr int kMaxOrganizationNameLength = 200; // characters

const char kEnvironmentHelp[] =
    "Environment:\n"
    "  CHARTINSIGHT_DB_KEY       database key as 64 hex characters (256 bits); when unset the\n"
    "                            key is read from DIR/db.key, which is created on first use\n"
    "  CHARTINSIGHT_BCRYPT_COST  bcrypt cost factor for new password hashes, 4 to 31\n"
    "                            (default 12, about 200 ms per hash on one core)\n"
    "  CHARTINSIGHT_LOG_FILE     file that receives the log lines instead of standard error\n"
    "  QT_LOGGING_RULES          Qt logging rules, for example chartinsight.server.*.debug=true;\n"
    "                            they override --log-level\n";

ParsedCommandLine usageError(const QString& message)
{
    ParsedCommandLine result;
    result.action = ParsedCommandLine::Action::UsageError;
    result.text = message;
    return result;
}

// A usage error made of a message and a hint joined by "; ". The message loses its final
// period first, because QCommandLineParser's error texts end with one.
ParsedCommandLine usageError(QString message, const QString& hint)
{
    message = message.trimmed();
    while (message.endsWith(u'.'))
        message.chop(1);
    return usageError(message + QStringLiteral("; ") + hint);
}

ParsedCommandLine printText(const QString& text)
{
    ParsedCommandLine result;
    result.action = ParsedCommandLine::Action::PrintText;
    result.text = text;
    return result;
}

// QCommandLineParser's usage line names the program path only, so the command is put back in.
QString helpTextFor(const QCommandLineParser& parser, const QString& command)
{
    QString help = parser.helpText();
    const qsizetype lineEnd = help.indexOf(u'\n');
    help.replace(0, lineEnd,
                 QStringLiteral("Usage: %1 %2 [options]").arg(QLatin1String(kProgram), command));
    return help + u'\n' + QLatin1String(kEnvironmentHelp);
}

QString topLevelHelp()
{
    return QStringLiteral(
               "Usage: %1 COMMAND [options]\n"
               "ChartInsight server: stores medical records encrypted and serves them over HTTPS "
               "(TLS 1.3 only).\n\n"
               "Commands:\n"
               "  serve      run the HTTPS server\n"
               "  add-user   create a user account; the password is read from standard input\n"
               "  audit verify\n"
               "             check that no audit log entry was changed, removed or reordered\n\n"
               "Run '%1 COMMAND --help' for the options of a command.\n\n")
               .arg(QLatin1String(kProgram)) +
           QLatin1String(kEnvironmentHelp);
}

// Reads the environment shared by both commands. Returns an error message, or an empty string.
QString readEnvironment(const QProcessEnvironment& environment,
                        std::optional<QByteArray>& databaseKey, int& bcryptCost)
{
    const QString keyHex = environment.value(QStringLiteral("CHARTINSIGHT_DB_KEY")).trimmed();
    if (!keyHex.isEmpty()) {
        static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{64}$"));
        if (!hex.match(keyHex).hasMatch()) {
            // The value itself is a secret, so only its length is named.
            return QStringLiteral("CHARTINSIGHT_DB_KEY must be %1 hex characters (a 256-bit key) "
                                  "but has %2 characters or a non-hex character; fix it or unset "
                                  "it to use DIR/db.key")
                .arg(kDatabaseKeyHexLength)
                .arg(keyHex.size());
        }
        databaseKey = QByteArray::fromHex(keyHex.toLatin1());
    }

    const QString costText =
        environment.value(QStringLiteral("CHARTINSIGHT_BCRYPT_COST")).trimmed();
    if (!costText.isEmpty()) {
        bool ok = false;
        const int cost = costText.toInt(&ok);
        if (!ok || cost < kMinBcryptCost || cost > kMaxBcryptCost) {
            return QStringLiteral("CHARTINSIGHT_BCRYPT_COST is '%1'; set a whole number from %2 "
                                  "to %3, or unset it for the default 12")
                .arg(costText)
                .arg(kMinBcryptCost)
                .arg(kMaxBcryptCost);
        }
        bcryptCost = cost;
    }
    return {};
}

// Splits "HOST:PORT" or "[IPv6]:PORT". Returns an error message, or an empty string.
QString parseListenAddress(const QString& value, QString& host, quint16& port)
{
    const QString hint = QStringLiteral("use HOST:PORT, for example 127.0.0.1:8443 or [::1]:8443");
    QString hostPart;
    QString portPart;
    if (value.startsWith(u'[')) {
        const qsizetype close = value.indexOf(QLatin1String("]:"));
        if (close < 0)
            return QStringLiteral("--listen '%1' is invalid; %2").arg(value, hint);
        hostPart = value.mid(1, close - 1);
        portPart = value.mid(close + 2);
        // The full IPv6 grammar is checked when the address is bound.
        static const QRegularExpression ipv6(QStringLiteral("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$"));
        if (!ipv6.match(hostPart).hasMatch())
            return QStringLiteral("--listen '%1' has an invalid IPv6 address; %2").arg(value, hint);
    } else {
        const qsizetype colon = value.lastIndexOf(u':');
        if (colon <= 0 || value.indexOf(u':') != colon)
            return QStringLiteral("--listen '%1' is invalid; %2").arg(value, hint);
        hostPart = value.left(colon);
        portPart = value.mid(colon + 1);
        static const QRegularExpression hostName(QStringLiteral("^[A-Za-z0-9.-]+$"));
        if (!hostName.match(hostPart).hasMatch())
            return QStringLiteral("--listen '%1' has an invalid host; %2").arg(value, hint);
    }
    bool ok = false;
    const uint number = portPart.toUInt(&ok);
    if (!ok || number > 65535)
        return QStringLiteral("--listen '%1' has an invalid port; use 0 to 65535").arg(value);
    host = hostPart;
    port = quint16(number);
    return {};
}

ParsedCommandLine parseServe(const QStringList& arguments, const QProcessEnvironment& environment)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the HTTPS server. On start it prints the certificate's SHA-256 fingerprint and the "
        "listening URL on standard output; logs go to standard error. SIGTERM or SIGINT stops "
        "it."));
    parser.addHelpOption();
    const QCommandLineOption dataDir(
        QStringLiteral("data-dir"),
        QStringLiteral("Folder for the database, its key, the encrypted file store and the TLS "
                       "certificate. Created with mode 0700 when missing. Required."),
        QStringLiteral("DIR"));
    const QCommandLineOption listen(
        QStringLiteral("listen"),
        QStringLiteral("Address and TCP port to listen on, as HOST:PORT or [IPv6]:PORT; port 0 "
                       "picks a free port. Default: 127.0.0.1:8443."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption signatures(
        QStringLiteral("signatures"),
        QStringLiteral("Folder of ClamAV signature databases. Default: $CHARTINSIGHT_SIGNATURES, "
                       "else /var/lib/clamav."),
        QStringLiteral("DIR"));
    const QCommandLineOption tlsCert(
        QStringLiteral("tls-cert"),
        QStringLiteral("PEM certificate chain to serve instead of the self-signed certificate "
                       "in DIR/tls. Needs --tls-key."),
        QStringLiteral("FILE"));
    const QCommandLineOption tlsKey(
        QStringLiteral("tls-key"), QStringLiteral("PEM private key of the --tls-cert certificate."),
        QStringLiteral("FILE"));
    const QCommandLineOption maxUpload(
        QStringLiteral("max-upload-size"),
        QStringLiteral("Largest accepted upload, in bytes. Default: %1 (2 GiB).")
            .arg(kDefaultMaxUploadSize),
        QStringLiteral("BYTES"));
    const QCommandLineOption allowedOrigin(
        QStringLiteral("allowed-origin"),
        QStringLiteral("Web origin (scheme://host[:port]) whose browser pages may call the API "
                       "(CORS). Repeat for several origins. Default: none."),
        QStringLiteral("ORIGIN"));
    const QCommandLineOption publicUrl(
        QStringLiteral("public-url"),
        QStringLiteral("Base URL of the links in e-mails (password reset), as clients reach this "
                       "server, for example https://records.clinic.test. Default: "
                       "https://LISTEN-ADDRESS."),
        QStringLiteral("URL"));
    const QCommandLineOption smtpUrl(
        QStringLiteral("smtp-url"),
        QStringLiteral("SMTP server for outgoing mail: smtp://HOST:PORT (STARTTLS required) or "
                       "smtps://HOST:PORT. Default: none, mail is written to DIR/outbox."),
        QStringLiteral("URL"));
    const QCommandLineOption smtpUser(QStringLiteral("smtp-user"),
                                      QStringLiteral("SMTP AUTH user name."),
                                      QStringLiteral("NAME"));
    const QCommandLineOption smtpPasswordFile(
        QStringLiteral("smtp-password-file"),
        QStringLiteral("File whose first line is the SMTP AUTH password."), QStringLiteral("FILE"));
    const QCommandLineOption smtpCaFile(
        QStringLiteral("smtp-ca-file"),
        QStringLiteral("PEM CA certificates that verify the SMTP server instead of the system "
                       "store."),
        QStringLiteral("FILE"));
    const QCommandLineOption mailFrom(
        QStringLiteral("mail-from"),
        QStringLiteral("Sender address of every mail. Default: no-reply@HOST of --public-url."),
        QStringLiteral("ADDRESS"));
    const QCommandLineOption lockoutThreshold(
        QStringLiteral("lockout-threshold"),
        QStringLiteral("Wrong passwords within the lockout window that lock an account. "
                       "Default: 5."),
        QStringLiteral("N"));
    const QCommandLineOption lockoutWindow(
        QStringLiteral("lockout-window"),
        QStringLiteral("Window in which wrong passwords are counted, in minutes. Default: 15."),
        QStringLiteral("MINUTES"));
    const QCommandLineOption lockoutDuration(
        QStringLiteral("lockout-duration"),
        QStringLiteral("How long a locked account stays locked, in minutes. Default: 15."),
        QStringLiteral("MINUTES"));
    const QCommandLineOption ipRateLimit(
        QStringLiteral("ip-rate-limit"),
        QStringLiteral("Requests per minute to the sign-in and account routes from one client "
                       "IP address. Default: 300."),
        QStringLiteral("N"));
    const QCommandLineOption accountRateLimit(
        QStringLiteral("account-rate-limit"),
        QStringLiteral("Requests per minute naming one account (sign-in, reset, password "
                       "change). Default: 10."),
        QStringLiteral("N"));
    const QCommandLineOption trustedProxy(
        QStringLiteral("trusted-proxy"),
        QStringLiteral("IP address of a reverse proxy whose X-Forwarded-For header names the "
                       "client. Repeat for several. Default: none, the header is ignored."),
        QStringLiteral("IP"));
    const QCommandLineOption deriveWorker(
        QStringLiteral("derive-worker"),
        QStringLiteral("The chartinsight-derive program that extracts text and renders previews "
                       "of stored files. Default: the one next to chartinsight-server."),
        QStringLiteral("FILE"));
    const QCommandLineOption deriveTimeout(
        QStringLiteral("derive-timeout"),
        QStringLiteral("Wall-clock and CPU time limit of one chartinsight-derive run, in "
                       "seconds. Default: 60."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption deriveMemory(
        QStringLiteral("derive-memory-limit"),
        QStringLiteral("Address-space limit of one chartinsight-derive run, in MiB. Default: "
                       "1024."),
        QStringLiteral("MIB"));
    const QCommandLineOption logLevel = logLevelOption();
    const QCommandLineOption retentionInterval(
        QStringLiteral("retention-interval"),
        QStringLiteral("Time between two passes of the retention scheduler, which erases expired "
                       "records and mails expiration warnings, in seconds. Default: 60."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption retentionWarningDays(
        QStringLiteral("retention-warning-days"),
        QStringLiteral("Days before a record's expiration at which its uploader and its team's "
                       "manage_files holders get a warning mail, comma-separated, or none. "
                       "Default: 7,1."),
        QStringLiteral("DAYS"));
    parser.addOptions({dataDir, listen, signatures, tlsCert, tlsKey, maxUpload, allowedOrigin,
                       publicUrl, smtpUrl, smtpUser, smtpPasswordFile, smtpCaFile, mailFrom,
                       lockoutThreshold, lockoutWindow, lockoutDuration, ipRateLimit,
                       accountRateLimit, trustedProxy});
    parser.addOptions({retentionInterval, retentionWarningDays});
    parser.addOption(logLevel);
    parser.addOptions({deriveWorker, deriveTimeout, deriveMemory});

    if (!parser.parse(arguments))
        return usageError(parser.errorText(),
                          QStringLiteral("run '%1 serve --help'").arg(QLatin1String(kProgram)));
    if (parser.isSet(QStringLiteral("help")))
        return printText(helpTextFor(parser, QStringLiteral("serve")));
    if (parser.positionalArguments().size() > 1) {
        return usageError(QStringLiteral("unexpected argument '%1'; run '%2 serve --help'")
                              .arg(parser.positionalArguments().at(1), QLatin1String(kProgram)));
    }

    ParsedCommandLine result;
    result.action = ParsedCommandLine::Action::Serve;
    ServeOptions& options = result.serve;
    if (parser.isSet(logLevel)) {
        const Result<QtMsgType> level = parseLogLevel(parser.value(logLevel));
        if (!level)
            return usageError(QStringLiteral("--log-level: ") + level.error().message);
        options.logLevel = level.value();
    }

    options.dataDir = parser.value(dataDir);
    if (options.dataDir.isEmpty())
        return usageError(
            QStringLiteral("--data-dir DIR is required; name the server's data folder"));

    if (parser.isSet(listen)) {
        const QString error =
            parseListenAddress(parser.value(listen), options.listenHost, options.listenPort);
        if (!error.isEmpty())
            return usageError(error);
    }

    options.signatureDir = parser.value(signatures);
    options.tlsCertificate = parser.value(tlsCert);
    options.tlsKey = parser.value(tlsKey);
    if (options.tlsCertificate.isEmpty() != options.tlsKey.isEmpty()) {
        return usageError(
            QStringLiteral("--tls-cert and --tls-key must be given together; add the "
                           "missing one or drop both to use a self-signed certificate"));
    }

    if (parser.isSet(maxUpload)) {
        bool ok = false;
        const qint64 bytes = parser.value(maxUpload).toLongLong(&ok);
        if (!ok || bytes < 1) {
            return usageError(
                QStringLiteral("--max-upload-size '%1' is invalid; give a whole number "
                               "of bytes of at least 1, for example 104857600 for 100 MiB")
                    .arg(parser.value(maxUpload)));
        }
        options.maxUploadSize = bytes;
    }

    for (const QString& origin : parser.values(allowedOrigin)) {
        const QString normalised = CommandLine::normaliseOrigin(origin);
        if (normalised.isEmpty()) {
            return usageError(
                QStringLiteral("--allowed-origin '%1' is not an origin; use "
                               "scheme://host[:port], for example https://portal.clinic.test")
                    .arg(origin));
        }
        if (!options.allowedOrigins.contains(normalised))
            options.allowedOrigins << normalised;
    }

    const auto positive = [&](const QCommandLineOption& option, int& value, int max) {
        if (!parser.isSet(option))
            return QString();
        bool ok = false;
        const int number = parser.value(option).toInt(&ok);
        if (!ok || number < 1 || number > max) {
            return QStringLiteral("--%1 '%2' is invalid; give a whole number from 1 to %3")
                .arg(option.names().constFirst(), parser.value(option))
                .arg(max);
        }
        value = number;
        return QString();
    };
    for (const QString& error :
         {positive(lockoutThreshold, options.lockoutThreshold, 1000),
          positive(lockoutWindow, options.lockoutWindowMinutes, 24 * 60),
          positive(lockoutDuration, options.lockoutDurationMinutes, 7 * 24 * 60),
          positive(ipRateLimit, options.ipRequestsPerMinute, 1000000),
          positive(retentionInterval, options.retentionIntervalSeconds, 24 * 60 * 60),
          positive(accountRateLimit, options.accountRequestsPerMinute, 100000),
          positive(deriveTimeout, options.deriveTimeoutSeconds, 3600),
          positive(deriveMemory, options.deriveMemoryMiB, 1024 * 1024)}) {
        if (!error.isEmpty())
            return usageError(error);
    }

    if (parser.isSet(publicUrl)) {
        const QUrl url(parser.value(publicUrl), QUrl::StrictMode);
        if (!url.isValid() || url.scheme() != u"https" || url.host().isEmpty() || url.hasQuery() ||
            url.hasFragment() || !url.userInfo().isEmpty()) {
            return usageError(QStringLiteral("--public-url '%1' is invalid; use an https URL such "
                                             "as https://records.clinic.test")
                                  .arg(parser.value(publicUrl)));
        }
        options.publicUrl = url.toString(QUrl::StripTrailingSlash);
    }
    options.smtpUrl = parser.value(smtpUrl);
    options.smtpUser = parser.value(smtpUser);
    options.smtpPasswordFile = parser.value(smtpPasswordFile);
    options.smtpCaFile = parser.value(smtpCaFile);
    options.mailFrom = parser.value(mailFrom);
    for (const QString& proxy : parser.values(trustedProxy)) {
        const QHostAddress address(proxy);
        if (address.isNull()) {
            return usageError(QStringLiteral("--trusted-proxy '%1' is not an IP address; give "
                                             "the proxy's address, for example 10.0.0.5")
                                  .arg(proxy));
        }
        options.trustedProxies << address.toString();
    }
    options.deriveWorker = parser.value(deriveWorker);
    if (parser.isSet(retentionWarningDays)) {
        const QString text = parser.value(retentionWarningDays).trimmed();
        options.retentionWarningDays.clear();
        if (text != QLatin1String("none")) {
            for (const QString& item : text.split(u',')) {
                bool ok = false;
                const int days = item.trimmed().toInt(&ok);
                if (!ok || days < 1 || days > 365) {
                    return usageError(
                        QStringLiteral("--retention-warning-days '%1' is invalid; give whole "
                                       "numbers of days from 1 to 365 separated by commas, for "
                                       "example 7,1, or none")
                            .arg(text));
                }
                if (!options.retentionWarningDays.contains(days))
                    options.retentionWarningDays << days;
            }
        }
    }
    options.clockOffsetFile =
        environment.value(QString::fromLatin1(kTestClockOffsetVariable)).trimmed();

    const QString environmentError =
        readEnvironment(environment, options.databaseKey, options.bcryptCost);
    if (!environmentError.isEmpty())
        return usageError(environmentError);
    return result;
}

ParsedCommandLine parseAddUser(const QStringList& arguments, const QProcessEnvironment& environment)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Creates a user account in the server's database. The password is read from standard "
        "input (one line) and must have 12 to 256 characters, be hard to guess and not contain "
        "the e-mail's local part. Works while the server runs."));
    parser.addHelpOption();
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("The server's data folder. Required."),
                                     QStringLiteral("DIR"));
    const QCommandLineOption email(QStringLiteral("email"),
                                   QStringLiteral("E-mail address the user signs in with; stored "
                                                  "trimmed and in lower case. Required."),
                                   QStringLiteral("EMAIL"));
    const QCommandLineOption organization(
        QStringLiteral("organization"),
        QStringLiteral("Organization the user belongs to; created when missing. Default: %1.")
            .arg(QLatin1String(kDefaultOrganization)),
        QStringLiteral("NAME"));
    const QCommandLineOption admin(QStringLiteral("admin"),
                                   QStringLiteral("Make the user an administrator."));
    parser.addOptions({dataDir, email, organization, admin});

    if (!parser.parse(arguments))
        return usageError(parser.errorText(),
                          QStringLiteral("run '%1 add-user --help'").arg(QLatin1String(kProgram)));
    if (parser.isSet(QStringLiteral("help")))
        return printText(helpTextFor(parser, QStringLiteral("add-user")));
    if (parser.positionalArguments().size() > 1) {
        return usageError(QStringLiteral("unexpected argument '%1'; run '%2 add-user --help'")
                              .arg(parser.positionalArguments().at(1), QLatin1String(kProgram)));
    }

    ParsedCommandLine result;
    result.action = ParsedCommandLine::Action::AddUser;
    AddUserOptions& options = result.addUser;

    options.dataDir = parser.value(dataDir);
    if (options.dataDir.isEmpty())
        return usageError(
            QStringLiteral("--data-dir DIR is required; name the server's data folder"));

    options.email = normaliseEmail(parser.value(email));
    if (options.email.isEmpty())
        return usageError(
            QStringLiteral("--email EMAIL is required; give the user's e-mail address"));
    if (!isValidEmail(options.email)) {
        return usageError(QStringLiteral("--email '%1' is not a valid e-mail address; use the form "
                                         "name@example.org")
                              .arg(parser.value(email)));
    }

    if (parser.isSet(organization)) {
        options.organization = parser.value(organization).trimmed();
        bool hasControl = false;
        for (const QChar c : std::as_const(options.organization))
            hasControl = hasControl || c.category() == QChar::Other_Control;
        if (options.organization.isEmpty() || hasControl ||
            options.organization.size() > kMaxOrganizationNameLength) {
            return usageError(
                QStringLiteral("--organization '%1' is invalid; use 1 to %2 characters "
                               "without control characters")
                    .arg(parser.value(organization))
                    .arg(kMaxOrganizationNameLength));
        }
    }
    options.admin = parser.isSet(admin);

    const QString environmentError =
        readEnvironment(environment, options.databaseKey, options.bcryptCost);
    if (!environmentError.isEmpty())
        return usageError(environmentError);
    return result;
}

ParsedCommandLine parseAuditVerify(const QStringList& arguments,
                                   const QProcessEnvironment& environment)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Checks the audit log's hash chain in the server's database and prints the number of "
        "entries and the hash of the last one. Exit status 3 means an entry was changed, removed "
        "or reordered; the output names the first such entry. Works while the server runs."));
    parser.addHelpOption();
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("The server's data folder. Required."),
                                     QStringLiteral("DIR"));
    parser.addOption(dataDir);

    // arguments[1] is "audit" and arguments[2] "verify"; the parser takes "audit" as the
    // program name.
    const QStringList parsed = arguments.mid(1);
    const QString help =
        QStringLiteral("run '%1 audit verify --help'").arg(QLatin1String(kProgram));
    if (!parser.parse(parsed))
        return usageError(parser.errorText(), help);
    if (parser.isSet(QStringLiteral("help")))
        return printText(helpTextFor(parser, QStringLiteral("audit verify")));
    const QStringList positional = parser.positionalArguments();
    if (positional.value(0) != u"verify") {
        return usageError(positional.isEmpty()
                              ? QStringLiteral("missing subcommand after 'audit'; use 'audit "
                                               "verify --data-dir DIR'")
                              : QStringLiteral("unknown subcommand 'audit %1'; use 'audit verify "
                                               "--data-dir DIR'")
                                    .arg(positional.value(0)));
    }
    if (positional.size() > 1) {
        return usageError(
            QStringLiteral("unexpected argument '%1'; %2").arg(positional.at(1), help));
    }

    ParsedCommandLine result;
    result.action = ParsedCommandLine::Action::AuditVerify;
    result.auditVerify.dataDir = parser.value(dataDir);
    if (result.auditVerify.dataDir.isEmpty())
        return usageError(
            QStringLiteral("--data-dir DIR is required; name the server's data folder"));

    int unusedCost = 0;
    const QString environmentError =
        readEnvironment(environment, result.auditVerify.databaseKey, unusedCost);
    if (!environmentError.isEmpty())
        return usageError(environmentError);
    return result;
}

} // namespace

ParsedCommandLine CommandLine::parse(const QStringList& arguments,
                                     const QProcessEnvironment& environment)
{
    const QString command = arguments.value(1);
    if (command.isEmpty()) {
        return usageError(
            QStringLiteral("missing command; run '%1 serve --data-dir DIR' or see '%1 --help'")
                .arg(QLatin1String(kProgram)));
    }
    if (command == u"--help" || command == u"-h" || command == u"help")
        return printText(topLevelHelp());
    if (command == u"--version" || command == u"-v")
        return printText(QStringLiteral("%1 %2\n").arg(QLatin1String(kProgram),
                                                       QStringLiteral(CHARTINSIGHT_VERSION)));
    if (command == u"serve")
        return parseServe(arguments, environment);
    if (command == u"add-user")
        return parseAddUser(arguments, environment);
    if (command == u"audit")
        return parseAuditVerify(arguments, environment);
    return usageError(
        QStringLiteral(
            "unknown command '%1'; use serve, add-user or audit verify, or see '%2 --help'")
            .arg(command, QLatin1String(kProgram)));
}

QString CommandLine::normaliseOrigin(const QString& origin)
{
    const QUrl url(origin, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != u"https" && scheme != u"http") || url.host().isEmpty() ||
        !url.userInfo().isEmpty() || (!url.path().isEmpty() && url.path() != u"/") ||
        url.hasQuery() || url.hasFragment()) {
        return {};
    }
    QString host = url.host(QUrl::FullyEncoded).toLower();
    if (host.contains(u':'))
        host = u'[' + host + u']';
    QString normalised = scheme + QStringLiteral("://") + host;
    if (url.port() != -1)
        normalised += u':' + QString::number(url.port());
    return normalised;
}

} // namespace chartinsight::server
