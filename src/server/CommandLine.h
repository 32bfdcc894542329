#pragma once

#include <QByteArray>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

namespace chartinsight::server {

inline constexpr quint16 kDefaultPort = 8443;
inline constexpr qint64 kDefaultMaxUploadSize = 2LL * 1024 * 1024 * 1024; // bytes (2 GiB)
inline constexpr char kDefaultOrganization[] = "Default";

// Settings of `chartinsight-server serve`, from the command line and the environment.
struct ServeOptions
{
    QString dataDir;
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = kDefaultPort; // 0 lets the system pick a free port
    QString signatureDir;   // --signatures; empty means Scanner::signatureDirectory's default
    QString tlsCertificate; // PEM files given with --tls-cert and --tls-key; empty: self-signed
    QString tlsKey;
    qint64 maxUploadSize = kDefaultMaxUploadSize; // bytes of plaintext
    QStringList allowedOrigins;                   // normalised "scheme://host[:port]", for CORS
    std::optional<QByteArray> databaseKey; // 32 bytes from CHARTINSIGHT_DB_KEY, else DIR/db.key
    int bcryptCost = 12;                   // CHARTINSIGHT_BCRYPT_COST

    QString publicUrl; // --public-url without a trailing '/'; empty: https://LISTEN
    QString smtpUrl;   // empty: mail goes to DIR/outbox
    QString smtpUser;
    QString smtpPasswordFile;
    QString smtpCaFile;
    QString mailFrom; // empty: no-reply@<host of the public URL>
    int lockoutThreshold = 5;
    int lockoutWindowMinutes = 15;
    int lockoutDurationMinutes = 15;
    int ipRequestsPerMinute = 300;
    int accountRequestsPerMinute = 10;
    QStringList trustedProxies;
    QString clockOffsetFile; // CHARTINSIGHT_TEST_CLOCK_OFFSET_FILE, for tests only
    int retentionIntervalSeconds = 60;    // --retention-interval: time between scheduler passes
    QList<int> retentionWarningDays{7, 1}; // --retention-warning-days; empty: no warnings
    std::optional<QtMsgType> logLevel; // --log-level; unset keeps info
    // chartinsight-derive and its limits; an empty path means the program next to the server.
    QString deriveWorker;
    int deriveTimeoutSeconds = 60;
    int deriveMemoryMiB = 1024;
};

// Settings of `chartinsight-server add-user`.
struct AddUserOptions
{
    QString dataDir;
    QString email; // normalised: trimmed and lower-case
    QString organization = QString::fromLatin1(kDefaultOrganization);
    bool admin = false;
    std::optional<QByteArray> databaseKey;
    int bcryptCost = 12;
};

// Settings of `chartinsight-server audit verify`.
struct AuditVerifyOptions
{
    QString dataDir;
    std::optional<QByteArray> databaseKey;
};

// Outcome of parsing the command line: a command to run, text to print (help, version) or a
// usage error, which the caller prints as one line on stderr and exits with status 2.
struct ParsedCommandLine
{
    enum class Action
    {
        Serve,
        AddUser,
        AuditVerify,
        PrintText,
        UsageError
    };
    Action action = Action::UsageError;
    ServeOptions serve;
    AddUserOptions addUser;
    AuditVerifyOptions auditVerify;
    QString text; // help or version text for PrintText, the one-line message for UsageError
};

// Parses `chartinsight-server serve|add-user|audit verify [options]` with QCommandLineParser, and
// the environment variables CHARTINSIGHT_DB_KEY and CHARTINSIGHT_BCRYPT_COST.
class CommandLine
{
public:
    static ParsedCommandLine parse(const QStringList& arguments,
                                   const QProcessEnvironment& environment);

    // Returns the normalised form of an origin ("scheme://host[:port]", lower case), or an
    // empty string when `origin` is not an http or https origin without path or query.
    static QString normaliseOrigin(const QString& origin);
};

} // namespace chartinsight::server
