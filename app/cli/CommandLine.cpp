#include "CommandLine.h"

#include <QCommandLineParser>
#include <QHash>

namespace chartinsight::cli {
namespace {

struct CommandSpec
{
    QStringList allowedOptions;
    int minArguments;
    int maxArguments; // -1: unlimited
    QString usage;
};

const QHash<QString, CommandSpec>& commandSpecs()
{
    static const QHash<QString, CommandSpec> specs = {
        {QStringLiteral("login"),
         {{QStringLiteral("email")}, 0, 0, QStringLiteral("login --email EMAIL")}},
        {QStringLiteral("upload"), {{}, 1, -1, QStringLiteral("upload FILE...")}},
        {QStringLiteral("list"),
         {{QStringLiteral("json"), QStringLiteral("offline")},
          0,
          0,
          QStringLiteral("list [--json] [--offline]")}},
        {QStringLiteral("download"),
         {{QStringLiteral("output")}, 1, 1, QStringLiteral("download ID --output FILE")}},
        {QStringLiteral("sync"), {{}, 0, 0, QStringLiteral("sync")}},
        {QStringLiteral("logout"),
         {{QStringLiteral("all")}, 0, 0, QStringLiteral("logout [--all]")}},
        {QStringLiteral("sessions"),
         {{QStringLiteral("json")}, 0, 0, QStringLiteral("sessions [--json]")}},
        {QStringLiteral("password-reset"),
         {{QStringLiteral("email"), QStringLiteral("token")},
          0,
          0,
          QStringLiteral("password-reset --email EMAIL | password-reset --token TOKEN")}},
        {QStringLiteral("password"), {{}, 1, 1, QStringLiteral("password change")}},
        {QStringLiteral("mfa"), {{}, 1, 1, QStringLiteral("mfa enable|disable")}},
        {QStringLiteral("admin"), {{}, 2, 2, QStringLiteral("admin unlock EMAIL")}},
    };
    return specs;
}

const QStringList kCommandOptions = {QStringLiteral("email"),   QStringLiteral("json"),
                                     QStringLiteral("offline"), QStringLiteral("output"),
                                     QStringLiteral("token"),   QStringLiteral("all")};

Error usageError(const QString& message)
{
    return makeError(QStringLiteral("usage"), message);
}

void addOptions(QCommandLineParser& parser)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions({
        {QStringLiteral("server"),
         QStringLiteral("Server URL, https://HOST:PORT. Default: the one saved by the last "
                        "login, else https://127.0.0.1:8443."),
         QStringLiteral("URL")},
        {QStringLiteral("ca-file"),
         QStringLiteral("PEM file of the certificates to trust for the server, for example the "
                        "server's <data dir>/tls/server.crt. Saved by login."),
         QStringLiteral("FILE")},
        {QStringLiteral("signatures"),
         QStringLiteral("ClamAV signature folder for the pre-scan before upload. Default: "
                        "$CHARTINSIGHT_SIGNATURES, else /var/lib/clamav."),
         QStringLiteral("DIR")},
        {QStringLiteral("email"),
         QStringLiteral("login, password-reset: the account's e-mail address."),
         QStringLiteral("EMAIL")},
        {QStringLiteral("token"),
         QStringLiteral("password-reset: the token of the reset link "
                        "(chartinsight://reset-password?token=TOKEN)."),
         QStringLiteral("TOKEN")},
        {QStringLiteral("all"), QStringLiteral("logout: end every session of the account.")},
        {QStringLiteral("json"), QStringLiteral("list: print a JSON array instead of a table.")},
        {QStringLiteral("offline"),
         QStringLiteral("list: show only the offline cache, without contacting the server.")},
        {QStringLiteral("output"), QStringLiteral("download: the file to write."),
         QStringLiteral("FILE")},
        {QStringLiteral("verbose"), QStringLiteral("Log requests and progress on standard error.")},
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")},
        {QStringLiteral("version"), QStringLiteral("Show the version.")},
    });
    parser.addPositionalArgument(
        QStringLiteral("command"),
        QStringLiteral("login, upload, list, download, sync, logout, sessions, "
                       "password-reset, password, mfa or admin."),
        QStringLiteral("COMMAND [ARGUMENTS]"));
}

} // namespace

QString helpText()
{
    QCommandLineParser parser;
    addOptions(parser);
    return parser.helpText() +
           QStringLiteral("\nCommands:\n"
                          "  login --email EMAIL        Sign in; the password is read from "
                          "standard input\n"
                          "                             when it is not a terminal, else "
                          "prompted for.\n"
                          "  upload FILE...             Scan each file, upload it and print "
                          "its record id.\n"
                          "  list [--json] [--offline]  List records (the offline cache when "
                          "the server is\n"
                          "                             unreachable, or with --offline).\n"
                          "  download ID --output FILE  Save a record, checked against its "
                          "SHA-256.\n"
                          "  sync                       Copy every record into the encrypted "
                          "offline cache.\n"
                          "  logout [--all]             Forget the session and clear the "
                          "offline cache;\n"
                          "                             --all ends every session of the "
                          "account.\n"
                          "  sessions [--json]          List the account's sessions.\n"
                          "  password-reset --email EMAIL\n"
                          "                             E-mail a reset link.\n"
                          "  password-reset --token TOKEN\n"
                          "                             Set a new password (read from "
                          "standard input).\n"
                          "  password change            Change the password: the current one, "
                          "then the new one,\n"
                          "                             one line each on standard input.\n"
                          "  mfa enable|disable         Turn e-mail codes at sign-in on or off "
                          "(needs the password).\n"
                          "  admin unlock EMAIL         Unlock an account locked after failed "
                          "sign-ins.\n"
                          "Sign-in with e-mail codes: login prompts for the code, or reads it "
                          "from the line\n"
                          "after the password when standard input is not a terminal.\n"
                          "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

Result<CommandLine> parseCommandLine(const QStringList& arguments)
{
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(arguments))
        return usageError(parser.errorText());

    CommandLine line;
    if (parser.isSet(QStringLiteral("help"))) {
        line.command = QStringLiteral("help");
        return line;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        line.command = QStringLiteral("version");
        return line;
    }
    QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError(QStringLiteral("no command given"));
    line.command = positional.takeFirst();
    line.arguments = positional;

    const auto spec = commandSpecs().constFind(line.command);
    if (spec == commandSpecs().constEnd())
        return usageError(QStringLiteral("unknown command '%1'").arg(line.command));
    for (const QString& option : kCommandOptions) {
        if (parser.isSet(option) && !spec->allowedOptions.contains(option)) {
            return usageError(QStringLiteral("--%1 does not apply to %2; usage: %3")
                                  .arg(option, line.command, spec->usage));
        }
    }
    const int count = int(line.arguments.size());
    if (count < spec->minArguments || (spec->maxArguments >= 0 && count > spec->maxArguments))
        return usageError(QStringLiteral("wrong arguments; usage: %1").arg(spec->usage));
    if (line.command == QLatin1String("login") && !parser.isSet(QStringLiteral("email")))
        return usageError(QStringLiteral("login needs --email EMAIL"));
    if (line.command == QLatin1String("download") && !parser.isSet(QStringLiteral("output")))
        return usageError(QStringLiteral("download needs --output FILE"));
    if (line.command == QLatin1String("password-reset") &&
        parser.isSet(QStringLiteral("email")) == parser.isSet(QStringLiteral("token")))
        return usageError(QStringLiteral("password-reset needs either --email EMAIL or --token "
                                         "TOKEN"));
    if (line.command == QLatin1String("password") && line.arguments.first() != u"change")
        return usageError(QStringLiteral("unknown password command '%1'; usage: password change")
                              .arg(line.arguments.first()));
    if (line.command == QLatin1String("mfa") && line.arguments.first() != u"enable" &&
        line.arguments.first() != u"disable")
        return usageError(QStringLiteral("unknown mfa command '%1'; usage: mfa enable|disable")
                              .arg(line.arguments.first()));
    if (line.command == QLatin1String("admin") && line.arguments.first() != u"unlock")
        return usageError(QStringLiteral("unknown admin command '%1'; usage: admin unlock EMAIL")
                              .arg(line.arguments.first()));

    line.serverUrl = parser.value(QStringLiteral("server"));
    line.caFile = parser.value(QStringLiteral("ca-file"));
    line.signatureDir = parser.value(QStringLiteral("signatures"));
    line.email = parser.value(QStringLiteral("email"));
    line.output = parser.value(QStringLiteral("output"));
    line.token = parser.value(QStringLiteral("token"));
    line.all = parser.isSet(QStringLiteral("all"));
    line.json = parser.isSet(QStringLiteral("json"));
    line.offline = parser.isSet(QStringLiteral("offline"));
    line.verbose = parser.isSet(QStringLiteral("verbose"));
    return line;
}

} // namespace chartinsight::cli
