// chartinsight-cli: the ChartInsight client library without a UI, for scripts and
// integrations. Output for programs goes to standard output; errors go to standard error as one
// line, "chartinsight-cli: <operation>: <message>".

#include "AccessCommands.h"
#include "CliOutput.h"
#include "CommandLine.h"
#include "DerivedCommands.h"
#include "RetentionCommands.h"
#include "ReportCommands.h"
#include "ExportCommand.h"
#include "Terminal.h"
#include "client/ApiClient.h"
#include "client/ClientSession.h"
#include "client/ProfileSettings.h"
#include "core/Logging.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSysInfo>
#include <QTemporaryDir>

#include <cstdio>
#include <memory>

using namespace chartinsight;
using namespace chartinsight::cli;
using client::ClientSession;
using client::ClientTask;

namespace {

const QString kDefaultServerUrl = QStringLiteral("https://127.0.0.1:8443");
constexpr qint64 kCopyBlockBytes = 1024 * 1024;

// Formats a usage error: the message without its final period, then the pointer to --help, so
// that a message ending in '.' does not come out as ". (see --help)".
QString usageLine(QString message)
{
    message = message.trimmed();
    while (message.endsWith(u'.'))
        message.chop(1);
    return QStringLiteral("chartinsight-cli: %1 (see --help)").arg(message);
}

class Cli
{
public:
    Cli(const CommandLine& line, ClientSession& session, client::ProfileSettings& profile)
        : m_line(line), m_session(session), m_profile(profile)
    {
    }

    int run()
    {
        const QString& command = m_line.command;
        if (command == QLatin1String("login"))
            return login();
        if (command == QLatin1String("password-reset"))
            return passwordReset();
        if (auto restored = waitFor(m_session.restoreSession()); !restored)
            return fail(QStringLiteral("reading the session"), restored.error().message);
        if (isAccessCommand(command))
            return runAccessCommand(m_line, m_session);
        if (isRetentionCommand(command))
            return runRetentionCommand(m_line, m_session);
        if (isDerivedCommand(command))
            return runDerivedCommand(m_line, m_session);
        if (command == QLatin1String("upload"))
            return upload();
        if (command == QLatin1String("list"))
            return list();
        if (command == QLatin1String("download"))
            return download();
        if (command == QLatin1String("export"))
            return runExportCommand(m_line, m_session);
        if (command == QLatin1String("report"))
            return report();
        if (command == QLatin1String("sync"))
            return sync();
        if (command == QLatin1String("sessions"))
            return sessions();
        if (command == QLatin1String("password"))
            return changePassword();
        if (command == QLatin1String("mfa"))
            return setMfa();
        if (command == QLatin1String("admin"))
            return m_line.arguments.first() == u"unlock" ? unlockUser() : setUserPassword();
        return logout();
    }

private:
    // Reads a secret: prompted for without echo on a terminal, else the next line of
    // standard input.
    static std::optional<QString> readSecret(const QString& prompt)
    {
        return isStandardInputTerminal() ? readPasswordFromTerminal(prompt)
                                         : readLineFromStandardInput();
    }

    int login()
    {
        std::optional<QString> password = readSecret(QStringLiteral("Password: "));
        if (!password || password->isEmpty())
            return fail(QStringLiteral("login"), QStringLiteral("no password was entered"));
        const QString device =
            QStringLiteral("chartinsight-cli on %1").arg(QSysInfo::machineHostName().left(64));
        auto signedIn = waitFor(m_session.signIn(m_line.email, *password, device));
        password->fill(u'\0');
        if (!signedIn)
            return fail(QStringLiteral("login"), signedIn.error().message);
        if (signedIn->toObject().value(QStringLiteral("mfa_required")).toBool()) {
            if (isStandardInputTerminal())
                printLine(stderr,
                          QStringLiteral("A sign-in code was sent to your e-mail address."));
            std::optional<QString> code = readSecret(QStringLiteral("E-mail code: "));
            if (!code || code->trimmed().isEmpty())
                return fail(QStringLiteral("login"),
                            QStringLiteral("no e-mail code was entered; run login again and "
                                           "enter the code from the newest e-mail"));
            auto verified = waitFor(m_session.verifyMfa(*code));
            if (!verified)
                return fail(QStringLiteral("login"), verified.error().message);
        }
        const QString server = m_session.settings().serverUrl.toString();
        if (auto saved = m_profile.saveConnection(server, m_session.settings().caFile); !saved)
            return fail(QStringLiteral("saving the connection"), saved.error().message);
        printLine(stdout, QStringLiteral("Signed in to %1.").arg(server));
        return kExitSuccess;
    }

    int passwordReset()
    {
        if (!m_line.email.isEmpty()) {
            auto requested = waitFor(m_session.requestPasswordReset(m_line.email));
            if (!requested)
                return fail(QStringLiteral("password reset"), requested.error().message);
            printLine(stdout, QStringLiteral("If the address is registered, a reset link is on "
                                             "its way. It is valid for a limited time."));
            return kExitSuccess;
        }
        std::optional<QString> password = readSecret(QStringLiteral("New password: "));
        if (!password || password->isEmpty())
            return fail(QStringLiteral("password reset"),
                        QStringLiteral("no new password was entered"));
        auto completed = waitFor(m_session.completePasswordReset(m_line.token, *password));
        password->fill(u'\0');
        if (!completed)
            return fail(QStringLiteral("password reset"), completed.error().message);
        printLine(stdout, QStringLiteral("Password changed. Sign in with the new password."));
        return kExitSuccess;
    }

    int changePassword()
    {
        std::optional<QString> current = readSecret(QStringLiteral("Current password: "));
        std::optional<QString> next;
        if (current && !current->isEmpty())
            next = readSecret(QStringLiteral("New password: "));
        if (!current || current->isEmpty() || !next || next->isEmpty())
            return fail(QStringLiteral("password change"),
                        QStringLiteral("enter the current password, then the new one, one line "
                                       "each"));
        auto changed = waitFor(m_session.changePassword(*current, *next));
        current->fill(u'\0');
        next->fill(u'\0');
        if (!changed)
            return fail(QStringLiteral("password change"), changed.error().message);
        printLine(stdout, QStringLiteral("Password changed. Your other sessions were signed out."));
        return kExitSuccess;
    }

    int setMfa()
    {
        const bool enable = m_line.arguments.first() == u"enable";
        std::optional<QString> password = readSecret(QStringLiteral("Password: "));
        if (!password || password->isEmpty())
            return fail(QStringLiteral("mfa"), QStringLiteral("no password was entered"));
        auto changed = waitFor(m_session.setMfaEnabled(enable, *password));
        password->fill(u'\0');
        if (!changed)
            return fail(QStringLiteral("mfa"), changed.error().message);
        const bool enabled = changed->toObject().value(QStringLiteral("mfa_enabled")).toBool();
        printLine(stdout, enabled ? QStringLiteral("E-mail codes at sign-in are on.")
                                  : QStringLiteral("E-mail codes at sign-in are off."));
        return kExitSuccess;
    }

    int sessions()
    {
        auto listed = waitFor(m_session.listSessions());
        if (!listed)
            return fail(QStringLiteral("sessions"), listed.error().message);
        const QJsonArray sessions = listed->toArray();
        if (m_line.json) {
            std::fputs(QJsonDocument(sessions).toJson(QJsonDocument::Indented).constData(), stdout);
            return kExitSuccess;
        }
        printLine(stdout, QStringLiteral("%1  %2  %3  %4")
                              .arg(QStringLiteral("ID"), -36)
                              .arg(QStringLiteral("LAST USED (UTC)"), -16)
                              .arg(QStringLiteral("CURRENT"), -7)
                              .arg(QStringLiteral("DEVICE")));
        for (const QJsonValue& value : sessions) {
            const QJsonObject session = value.toObject();
            const QDateTime used = QDateTime::fromString(
                session.value(QStringLiteral("last_used_at")).toString(), Qt::ISODateWithMs);
            const bool current = session.value(QStringLiteral("current")).toBool();
            printLine(stdout,
                      QStringLiteral("%1  %2  %3  %4")
                          .arg(printable(session.value(QStringLiteral("id")).toString()), -36)
                          .arg(used.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")), -16)
                          .arg(current ? QStringLiteral("yes") : QStringLiteral("no"), -7)
                          .arg(printable(session.value(QStringLiteral("device_name")).toString())));
        }
        return kExitSuccess;
    }

    // Returns the id of the organization's user with the e-mail address in the admin command,
    // or an empty string after printing why there is none.
    QString adminTargetUserId(const QString& operation)
    {
        const QString email = m_line.arguments.at(1).trimmed();
        auto users = waitFor(m_session.listUsers());
        if (!users) {
            fail(operation, users.error().message);
            return {};
        }
        for (const QJsonValue& value : users->toArray()) {
            const QJsonObject user = value.toObject();
            if (user.value(QStringLiteral("email"))
                    .toString()
                    .compare(email, Qt::CaseInsensitive) == 0)
                return user.value(QStringLiteral("id")).toString();
        }
        fail(operation, QStringLiteral("no user %1 in your organization; check the address")
                            .arg(printable(email)));
        return {};
    }

    int setUserPassword()
    {
        const QString operation = QStringLiteral("admin set-password");
        const QString userId = adminTargetUserId(operation);
        if (userId.isEmpty())
            return kExitFailure;
        std::optional<QString> password = readSecret(QStringLiteral("New password: "));
        if (!password || password->isEmpty())
            return fail(operation, QStringLiteral("enter the new password as one line"));
        auto changed = waitFor(m_session.setUserPassword(userId, *password));
        password->fill(u'\0');
        if (!changed)
            return fail(operation, changed.error().message);
        printLine(stdout,
                  QStringLiteral("Password set for %1. Their sessions and reset links ended.")
                      .arg(printable(m_line.arguments.at(1).trimmed())));
        return kExitSuccess;
    }

    int unlockUser()
    {
        const QString userId = adminTargetUserId(QStringLiteral("admin unlock"));
        if (userId.isEmpty())
            return kExitFailure;
        const QString email = m_line.arguments.at(1).trimmed();
        auto unlocked = waitFor(m_session.unlockUser(userId));
        if (!unlocked)
            return fail(QStringLiteral("admin unlock"), unlocked.error().message);
        printLine(stdout, QStringLiteral("Unlocked %1.").arg(printable(email)));
        return kExitSuccess;
    }

    int upload()
    {
        // Team and user names are resolved once, before the first file is scanned.
        auto options = resolveUploadOptions(m_line, m_session);
        if (!options)
            return fail(QStringLiteral("upload"), options.error().message);
        if (auto retention = addUploadRetention(m_line, m_session, *options); !retention)
            return fail(QStringLiteral("upload"), retention.error().message);
        // TODO: files are uploaded one at a time, so each waits for the server's fsyncs of the
        // one before. Overlapping two or three uploads would hide that latency for small files.
        for (const QString& path : m_line.arguments) {
            const QString name = QFileInfo(path).fileName();
            auto uploaded = waitFor(m_session.upload(path, *options), printable(name));
            if (!uploaded) {
                return fail(QStringLiteral("upload of %1").arg(printable(path)),
                            uploaded.error().message);
            }
            printLine(stdout, uploaded->toObject().value(QStringLiteral("id")).toString());
        }
        return kExitSuccess;
    }

    int list()
    {
        auto listed =
            waitFor(m_line.offline ? m_session.listCachedRecords() : m_session.listRecords());
        if (!listed)
            return fail(QStringLiteral("list"), listed.error().message);
        if (!m_line.offline && !m_session.isOnline())
            printLine(stderr, QStringLiteral("chartinsight-cli: the server cannot be reached; "
                                             "showing the offline cache"));
        const QJsonArray records = listed->toArray();
        if (m_line.json) {
            std::fputs(QJsonDocument(records).toJson(QJsonDocument::Indented).constData(), stdout);
            return kExitSuccess;
        }
        printLine(stdout, QStringLiteral("%1  %2  %3  %4")
                              .arg(QStringLiteral("ID"), -36)
                              .arg(QStringLiteral("SIZE"), 12)
                              .arg(QStringLiteral("CREATED (UTC)"), -16)
                              .arg(QStringLiteral("FILENAME")));
        for (const QJsonValue& value : records) {
            const QJsonObject record = value.toObject();
            const QDateTime created = QDateTime::fromString(
                record.value(QStringLiteral("created_at")).toString(), Qt::ISODateWithMs);
            printLine(stdout,
                      QStringLiteral("%1  %2  %3  %4")
                          .arg(record.value(QStringLiteral("id")).toString(), -36)
                          .arg(record.value(QStringLiteral("size")).toInteger(), 12)
                          .arg(created.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")), -16)
                          .arg(printable(record.value(QStringLiteral("filename")).toString())));
        }
        return kExitSuccess;
    }

    int download()
    {
        const QString& id = m_line.arguments.first();
        if (m_line.output == QLatin1String("-"))
            return downloadToStandardOutput(id);
        auto downloaded = waitFor(m_session.download(id, m_line.output));
        if (!downloaded)
            return fail(QStringLiteral("download of %1").arg(printable(id)),
                        downloaded.error().message);
        return kExitSuccess;
    }

    // `download ID --output -`: the record is downloaded and checked against its SHA-256 in a
    // private folder of the profile first, so standard output never receives bytes that fail
    // the check. The copy is deleted afterwards.
    int downloadToStandardOutput(const QString& id)
    {
        const QString operation = QStringLiteral("download of %1").arg(printable(id));
        if (auto created = m_profile.ensureProfileDir(); !created)
            return fail(operation, created.error().message);
        QTemporaryDir staging(m_profile.profileDir() + QStringLiteral("/download-XXXXXX"));
        if (!staging.isValid())
            return fail(operation, QStringLiteral("could not create a temporary folder in %1: %2")
                                       .arg(m_profile.profileDir(), staging.errorString()));
        const QString path = staging.filePath(QStringLiteral("record"));
        auto downloaded = waitFor(m_session.download(id, path));
        if (!downloaded)
            return fail(operation, downloaded.error().message);

        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return fail(
                operation,
                QStringLiteral("could not read the downloaded copy: %1").arg(file.errorString()));
        QByteArray block;
        while (!(block = file.read(kCopyBlockBytes)).isEmpty()) {
            if (std::fwrite(block.constData(), 1, size_t(block.size()), stdout) !=
                size_t(block.size()))
                return fail(operation, QStringLiteral("writing to standard output failed"));
        }
        if (std::fflush(stdout) != 0)
            return fail(operation, QStringLiteral("writing to standard output failed"));
        return kExitSuccess;
    }

    int report()
    {
        if (auto created = m_profile.ensureProfileDir(); !created)
            return fail(QStringLiteral("report"), created.error().message);
        return runReportCommand(m_line, m_session, m_profile.profileDir());
    }

    int sync()
    {
        auto synced = waitFor(m_session.sync(), QStringLiteral("records"));
        if (!synced)
            return fail(QStringLiteral("sync"), synced.error().message);
        const QJsonObject summary = synced->toObject();
        const QJsonArray damaged = summary.value(QStringLiteral("damaged")).toArray();
        printLine(stdout,
                  QStringLiteral("Synced: %1 added, %2 removed, %3 records cached.")
                      .arg(summary.value(QStringLiteral("added")).toInt())
                      .arg(summary.value(QStringLiteral("removed")).toInt())
                      .arg(summary.value(QStringLiteral("total")).toInt() - damaged.size()));
        if (damaged.isEmpty())
            return kExitSuccess;
        QStringList names;
        for (const QJsonValue& value : damaged) {
            const QJsonObject record = value.toObject();
            names.append(QStringLiteral("%1 (%2)").arg(
                printable(record.value(QStringLiteral("id")).toString()),
                printable(record.value(QStringLiteral("filename")).toString())));
        }
        return fail(QStringLiteral("sync"),
                    QStringLiteral("skipped %1 damaged record(s) that the server could not send: "
                                   "%2. Ask the administrator to restore them from a backup.")
                        .arg(damaged.size())
                        .arg(names.join(QStringLiteral(", "))));
    }

    int logout()
    {
        auto signedOut = waitFor(m_line.all ? m_session.signOutEverywhere() : m_session.signOut());
        if (!signedOut)
            return fail(QStringLiteral("logout"), signedOut.error().message);
        printLine(
            stdout,
            QStringLiteral("Signed out of %1.").arg(m_session.settings().serverUrl.toString()));
        if (!signedOut->toObject().value(QStringLiteral("revoked_on_server")).toBool())
            printLine(stderr, QStringLiteral("chartinsight-cli: the server did not confirm the "
                                             "sign-out, so the session stays valid there until "
                                             "it expires"));
        return kExitSuccess;
    }

    const CommandLine& m_line;
    ClientSession& m_session;
    client::ProfileSettings& m_profile;
};

void configureLogging(const CommandLine& line)
{
    installLogHandler();
    // Without --verbose or --log-level only the single error line reaches standard error.
    // QT_LOGGING_RULES still overrides these settings.
    if (line.logLevel)
        setLogLevel(*line.logLevel);
    else
        setLogLevel(line.verbose ? QtDebugMsg : QtCriticalMsg);
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("chartinsight-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    auto parsed = parseCommandLine(QCoreApplication::arguments());
    if (!parsed) {
        printLine(stderr, usageLine(parsed.error().message));
        return kExitUsage;
    }
    const CommandLine& line = *parsed;
    if (line.command == QLatin1String("help")) {
        std::fputs(helpText().toUtf8().constData(), stdout);
        return kExitSuccess;
    }
    if (line.command == QLatin1String("version")) {
        printLine(stdout, QStringLiteral("chartinsight-cli 0.1.0"));
        return kExitSuccess;
    }
    configureLogging(line);

    client::ProfileSettings profile({});
    const QString savedServer = profile.savedServerUrl();
    const QString serverText = !line.serverUrl.isEmpty() ? line.serverUrl
                               : !savedServer.isEmpty()  ? savedServer
                                                         : kDefaultServerUrl;
    auto serverUrl = client::parseServerUrl(serverText);
    if (!serverUrl) {
        printLine(stderr, usageLine(serverUrl.error().message));
        return kExitUsage;
    }
    // Without --ca-file the session uses the CA file the profile keeps for this server URL.
    QString caFile = line.caFile;
    if (!caFile.isEmpty())
        caFile = QFileInfo(caFile).absoluteFilePath();

    client::ConnectionSettings settings;
    settings.serverUrl = *serverUrl;
    settings.caFile = caFile;
    settings.signatureDir = line.signatureDir;
    settings.profileDir = profile.profileDir();
    ClientSession session(settings);
    return Cli(line, session, profile).run();
}
