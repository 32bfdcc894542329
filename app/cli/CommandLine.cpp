#include "CommandLine.h"

#include "core/Logging.h"

#include <QCommandLineParser>
#include <QHash>

#include <optional>

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
        {QStringLiteral("upload"),
         {{QStringLiteral("team"), QStringLiteral("share"), QStringLiteral("user"),
           QStringLiteral("expires"), QStringLiteral("template")},
          1,
          -1,
          QStringLiteral("upload [--team NAME] [--share private|team|users] [--user EMAIL]... "
                         "[--expires DATE] [--template NAME] FILE...")}},
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
        {QStringLiteral("admin"),
         {{}, 2, 2, QStringLiteral("admin unlock EMAIL | admin set-password EMAIL")}},
        {QStringLiteral("team"),
         {{QStringLiteral("json")}, 1, 2, QStringLiteral("team list [--json] | team create NAME")}},
        {QStringLiteral("member"),
         {{QStringLiteral("team"), QStringLiteral("permission"), QStringLiteral("json")},
          1,
          2,
          QStringLiteral("member list --team NAME [--json] | member add|set-permissions EMAIL "
                         "--team NAME [--permission NAME]... | member remove EMAIL --team "
                         "NAME")}},
        {QStringLiteral("invite"),
         {{QStringLiteral("team"), QStringLiteral("permission")},
          1,
          1,
          QStringLiteral("invite EMAIL --team NAME [--permission NAME]...")}},
        {QStringLiteral("invitation"),
         {{QStringLiteral("team"), QStringLiteral("json")},
          1,
          2,
          QStringLiteral("invitation list --team NAME [--json] | invitation resend ID | "
                         "invitation revoke ID")}},
        {QStringLiteral("share"),
         {{QStringLiteral("mode"), QStringLiteral("user")},
          1,
          1,
          QStringLiteral("share ID --mode private|team|users [--user EMAIL]...")}},
        {QStringLiteral("access"),
         {{QStringLiteral("json")}, 1, 1, QStringLiteral("access ID [--json]")}},
        {QStringLiteral("delete"),
         {{QStringLiteral("receipt")}, 1, 1, QStringLiteral("delete ID [--receipt FILE]")}},
        {QStringLiteral("expire"),
         {{QStringLiteral("at")}, 1, 1, QStringLiteral("expire ID --at DATE|none")}},
        {QStringLiteral("hold"), {{}, 2, 2, QStringLiteral("hold ID on|off")}},
        {QStringLiteral("verify-receipt"),
         {{QStringLiteral("key")}, 1, 1, QStringLiteral("verify-receipt FILE [--key FILE]")}},
        {QStringLiteral("template"),
         {{QStringLiteral("json"), QStringLiteral("category"), QStringLiteral("retention-days"),
           QStringLiteral("share"), QStringLiteral("rename")},
          1,
          2,
          QStringLiteral("template list [--json] | template create|update NAME [--category "
                         "TEXT] [--retention-days N|none] [--share private|team] [--rename "
                         "NEW] | template delete NAME")}},
        {QStringLiteral("report"),
         {{QStringLiteral("record"), QStringLiteral("since"), QStringLiteral("until"),
           QStringLiteral("user"), QStringLiteral("team"), QStringLiteral("action"),
           QStringLiteral("limit"), QStringLiteral("csv"), QStringLiteral("output"),
           QStringLiteral("json")},
          1,
          1,
          QStringLiteral("report access|activity|invitations|logins [--record ID] [--since "
                         "DATE] [--until DATE] [--user EMAIL] [--team NAME] [--action NAME] "
                         "[--limit N] [--json | --csv [--output FILE]]")}},
        {QStringLiteral("search"),
         {{QStringLiteral("json")}, 1, 16, QStringLiteral("search TEXT... [--json]")}},
        {QStringLiteral("preview"),
         {{QStringLiteral("output")}, 1, 1, QStringLiteral("preview ID --output FILE")}},
        {QStringLiteral("text"),
         {{QStringLiteral("output")}, 1, 1, QStringLiteral("text ID [--output FILE]")}},
        {QStringLiteral("export"),
         {{QStringLiteral("output"), QStringLiteral("organization")},
          0,
          0,
          QStringLiteral("export --output FILE [--organization]")}},
    };
    return specs;
}

const QStringList kReportOptions = {QStringLiteral("record"), QStringLiteral("since"),
                                   QStringLiteral("until"),  QStringLiteral("action"),
                                   QStringLiteral("limit"),  QStringLiteral("csv")};

const QStringList kCommandOptions = kReportOptions + QStringList{
    QStringLiteral("email"),      QStringLiteral("json"),  QStringLiteral("offline"),
    QStringLiteral("output"),     QStringLiteral("token"), QStringLiteral("all"),
    QStringLiteral("team"),       QStringLiteral("share"), QStringLiteral("user"),
    QStringLiteral("permission"), QStringLiteral("mode"),  QStringLiteral("organization")};

// Options of the retention commands, checked against the spec table like kCommandOptions.
const QStringList kRetentionOptions = {
    QStringLiteral("receipt"),  QStringLiteral("at"),       QStringLiteral("key"),
    QStringLiteral("expires"),  QStringLiteral("template"), QStringLiteral("category"),
    QStringLiteral("retention-days"), QStringLiteral("rename")};

// Checks the subcommands and the options of delete, expire, hold, verify-receipt and template
// that the spec table cannot express.
std::optional<Error> checkRetentionCommand(const CommandLine& line)
{
    const QString& command = line.command;
    const QString subcommand = line.arguments.value(0);
    const auto usage = [](const QString& message) {
        return std::optional<Error>(makeError(QStringLiteral("usage"), message));
    };
    if (command == QLatin1String("expire") && line.at.trimmed().isEmpty())
        return usage(QStringLiteral("expire needs --at DATE (ISO 8601, for example 2027-03-28 "
                                    "or 2027-03-28T14:30) or --at none"));
    if (command == QLatin1String("hold") && line.arguments.value(1) != QLatin1String("on") &&
        line.arguments.value(1) != QLatin1String("off"))
        return usage(QStringLiteral("hold takes on or off after the record id, not '%1'")
                         .arg(line.arguments.value(1)));
    if (command != QLatin1String("template"))
        return std::nullopt;
    const bool changes = line.category || line.retentionDays || line.rename ||
                         !line.share.isEmpty();
    if (subcommand == QLatin1String("list")) {
        if (line.arguments.size() != 1 || changes)
            return usage(QStringLiteral("template list takes only --json"));
        return std::nullopt;
    }
    const bool known = subcommand == QLatin1String("create") ||
                       subcommand == QLatin1String("update") ||
                       subcommand == QLatin1String("delete");
    if (!known)
        return usage(QStringLiteral("unknown template command '%1'; use list, create, update or "
                                    "delete")
                         .arg(subcommand));
    if (line.arguments.size() != 2)
        return usage(QStringLiteral("template %1 needs the template's name").arg(subcommand));
    if (line.json)
        return usage(QStringLiteral("--json applies to template list only"));
    if (subcommand == QLatin1String("delete") && changes)
        return usage(QStringLiteral("template delete takes only the template's name"));
    if (subcommand == QLatin1String("create") && line.rename)
        return usage(QStringLiteral("--rename applies to template update only"));
    if (!line.share.isEmpty() && line.share != QLatin1String("private") &&
        line.share != QLatin1String("team"))
        return usage(QStringLiteral("a template's --share is private or team, not '%1'")
                         .arg(line.share));
    return std::nullopt;
}

// Checks the subcommand and the options that the access commands (upload's sharing, team,
// member, invite, invitation, share) need beyond the spec table.
std::optional<Error> checkAccessCommand(const CommandLine& line)
{
    const QString& command = line.command;
    const QString subcommand = line.arguments.value(0);
    const auto usage = [](const QString& message) {
        return std::optional<Error>(makeError(QStringLiteral("usage"), message));
    };
    const QStringList modes = {QStringLiteral("private"), QStringLiteral("team"),
                               QStringLiteral("users")};
    if (command == QLatin1String("upload")) {
        if (!line.share.isEmpty() && !modes.contains(line.share))
            return usage(QStringLiteral("--share %1 is not a sharing mode; use private, team or "
                                        "users")
                             .arg(line.share));
        if (!line.users.isEmpty() && line.share != QLatin1String("users"))
            return usage(QStringLiteral("--user needs --share users"));
        if (line.share == QLatin1String("users") && line.users.isEmpty())
            return usage(QStringLiteral("--share users needs at least one --user EMAIL"));
        return std::nullopt;
    }
    if (command == QLatin1String("team")) {
        if (subcommand == QLatin1String("list") && line.arguments.size() == 1)
            return std::nullopt;
        if (subcommand == QLatin1String("create") && line.arguments.size() == 2)
            return std::nullopt;
        return usage(QStringLiteral("unknown team command; usage: team list [--json] | team "
                                    "create NAME"));
    }
    if (command == QLatin1String("member")) {
        const bool list = subcommand == QLatin1String("list");
        const bool withEmail = subcommand == QLatin1String("add") ||
                               subcommand == QLatin1String("remove") ||
                               subcommand == QLatin1String("set-permissions");
        if (!list && !withEmail)
            return usage(QStringLiteral("unknown member command '%1'; use list, add, remove or "
                                        "set-permissions")
                             .arg(subcommand));
        if (line.arguments.size() != (list ? 1 : 2))
            return usage(list ? QStringLiteral("member list takes no other argument")
                              : QStringLiteral("member %1 needs the member's e-mail address")
                                    .arg(subcommand));
        if (line.team.isEmpty())
            return usage(QStringLiteral("member %1 needs --team NAME").arg(subcommand));
        if (!line.permissions.isEmpty() && subcommand != QLatin1String("add") &&
            subcommand != QLatin1String("set-permissions"))
            return usage(QStringLiteral("--permission applies to member add and member "
                                        "set-permissions only"));
        return std::nullopt;
    }
    if (command == QLatin1String("invite")) {
        if (line.team.isEmpty())
            return usage(QStringLiteral("invite needs --team NAME"));
        return std::nullopt;
    }
    if (command == QLatin1String("invitation")) {
        if (subcommand == QLatin1String("list")) {
            if (line.arguments.size() != 1 || line.team.isEmpty())
                return usage(QStringLiteral("usage: invitation list --team NAME [--json]"));
            return std::nullopt;
        }
        if (subcommand != QLatin1String("resend") && subcommand != QLatin1String("revoke"))
            return usage(QStringLiteral("unknown invitation command '%1'; use list, resend or "
                                        "revoke")
                             .arg(subcommand));
        if (line.arguments.size() != 2)
            return usage(QStringLiteral("invitation %1 needs the invitation's id (see invitation "
                                        "list)")
                             .arg(subcommand));
        if (!line.team.isEmpty() || line.json)
            return usage(
                QStringLiteral("invitation %1 takes only the invitation's id").arg(subcommand));
        return std::nullopt;
    }
    if (command == QLatin1String("share")) {
        if (line.mode.isEmpty())
            return usage(QStringLiteral("share needs --mode private|team|users"));
        if (!modes.contains(line.mode))
            return usage(QStringLiteral("--mode %1 is not a sharing mode; use private, team or "
                                        "users")
                             .arg(line.mode));
        if (!line.users.isEmpty() && line.mode != QLatin1String("users"))
            return usage(QStringLiteral("--user needs --mode users"));
        if (line.mode == QLatin1String("users") && line.users.isEmpty())
            return usage(QStringLiteral("--mode users needs at least one --user EMAIL"));
    }
    return std::nullopt;
}

Error usageError(const QString& message)
{
    return makeError(QStringLiteral("usage"), message);
}

// Checks `report KIND` and the options each kind needs.
std::optional<Error> checkReportCommand(const CommandLine& line, const QString& limitText)
{
    const QString kind = line.arguments.value(0);
    const QStringList kinds = {QStringLiteral("access"), QStringLiteral("activity"),
                               QStringLiteral("invitations"), QStringLiteral("logins")};
    if (!kinds.contains(kind))
        return usageError(QStringLiteral("unknown report '%1'; use access, activity, invitations "
                                         "or logins")
                              .arg(kind));
    if (kind == QLatin1String("access") && line.record.isEmpty())
        return usageError(QStringLiteral("report access needs --record ID"));
    if (kind == QLatin1String("logins") && line.users.isEmpty())
        return usageError(QStringLiteral("report logins needs --user EMAIL"));
    if (line.users.size() > 1)
        return usageError(QStringLiteral("report takes one --user"));
    if (line.csv && line.json)
        return usageError(QStringLiteral("--csv and --json exclude each other"));
    if (!line.output.isEmpty() && !line.csv)
        return usageError(QStringLiteral("--output needs --csv"));
    if (!limitText.isEmpty() && (line.limit < 1 || line.csv))
        return usageError(line.csv ? QStringLiteral("--limit does not apply to --csv, which "
                                                    "contains every matching entry")
                                   : QStringLiteral("--limit %1 is not a whole number of at "
                                                    "least 1")
                                         .arg(limitText));
    return std::nullopt;
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
        {QStringLiteral("output"),
         QStringLiteral("download: the file to write, or - for standard output. export: the "
                        "tar archive to write. preview: the PNG file to write. text: the file "
                        "to write instead of standard output."),
         QStringLiteral("FILE")},
        {QStringLiteral("organization"),
         QStringLiteral("export: export the whole organization (needs manage_organization) "
                        "instead of the records you may see.")},
        {QStringLiteral("team"),
         QStringLiteral("upload, member, invite, invitation list: the team, by name (see team "
                        "list)."),
         QStringLiteral("NAME")},
        {QStringLiteral("share"),
         QStringLiteral("upload: who sees the records: private (you only, the default), team "
                        "(the team's members) or users (you and each --user). template "
                        "create|update: private or team."),
         QStringLiteral("MODE")},
        {QStringLiteral("mode"),
         QStringLiteral("share: the new sharing mode: private, team or users."),
         QStringLiteral("MODE")},
        {QStringLiteral("user"),
         QStringLiteral("upload, share: a user of your organization to share with, by e-mail "
                        "address. Repeat it for several users."),
         QStringLiteral("EMAIL")},
        {QStringLiteral("permission"),
         QStringLiteral("member add, member set-permissions, invite: a permission to grant: "
                        "manage_files, manage_organization, manage_billing or manage_api. "
                        "Repeat it for several; none by default."),
         QStringLiteral("NAME")},
        {QStringLiteral("record"), QStringLiteral("report: the record, by id."),
         QStringLiteral("ID")},
        {QStringLiteral("since"),
         QStringLiteral("report: entries from this time on: an ISO 8601 date (the start of that "
                        "day, UTC) or a date-time with offset."),
         QStringLiteral("DATE")},
        {QStringLiteral("until"),
         QStringLiteral("report: entries before this time, in the form of --since."),
         QStringLiteral("DATE")},
        {QStringLiteral("action"),
         QStringLiteral("report: one action, such as record.viewed, or a prefix ending in '.', "
                        "such as record."),
         QStringLiteral("NAME")},
        {QStringLiteral("limit"),
         QStringLiteral("report: the number of entries to show, newest first (default 100)."),
         QStringLiteral("N")},
        {QStringLiteral("csv"),
         QStringLiteral("report: print every matching entry as CSV (RFC 4180), or save it to "
                        "--output FILE.")},
        {QStringLiteral("receipt"),
         QStringLiteral("delete: save the signed deletion receipt to this file instead of "
                        "printing it."),
         QStringLiteral("FILE")},
        {QStringLiteral("at"),
         QStringLiteral("expire: the new expiration, ISO 8601 in this computer's time zone "
                        "unless it has an offset (a date alone means the start of that day), "
                        "or none."),
         QStringLiteral("DATE")},
        {QStringLiteral("key"),
         QStringLiteral("verify-receipt: the server's receipt key as PEM, instead of fetching "
                        "it from the server."),
         QStringLiteral("FILE")},
        {QStringLiteral("expires"),
         QStringLiteral("upload: when the server erases the records, in the form of --at. "
                        "Default: the template's or the team's retention, else never."),
         QStringLiteral("DATE")},
        {QStringLiteral("template"),
         QStringLiteral("upload: a record template, by name (see template list); its retention "
                        "and sharing apply."),
         QStringLiteral("NAME")},
        {QStringLiteral("category"), QStringLiteral("template create|update: the category."),
         QStringLiteral("TEXT")},
        {QStringLiteral("retention-days"),
         QStringLiteral("template create|update: days until records uploaded with the "
                        "template expire, or none."),
         QStringLiteral("N")},
        {QStringLiteral("rename"), QStringLiteral("template update: the template's new name."),
         QStringLiteral("NAME")},
        {QStringLiteral("verbose"), QStringLiteral("Log requests and progress on standard error.")},
        logLevelOption(),
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")},
        {QStringLiteral("version"), QStringLiteral("Show the version.")},
    });
    parser.addPositionalArgument(
        QStringLiteral("command"),
        QStringLiteral("login, upload, list, download, sync, logout, sessions, "
                       "password-reset, password, mfa, admin, team, member, invite, "
                       "invitation, share, access, search, preview, text or report."),
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
                          "SHA-256; FILE - writes\n"
                          "                             it to standard output once the check "
                          "passed.\n"
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
                          "  admin set-password EMAIL   Set another user's password (read like "
                          "'password change');\n"
                          "                             their sessions and reset links end.\n"
                          "  upload --team NAME --share private|team|users [--user EMAIL]... "
                          "FILE...\n"
                          "                             Upload into a team with the given "
                          "sharing.\n"
                          "  team list [--json]         List the teams you can see.\n"
                          "  team create NAME           Create a team.\n"
                          "  member list --team NAME [--json]\n"
                          "                             List a team's members and their "
                          "permissions.\n"
                          "  member add EMAIL --team NAME [--permission NAME]...\n"
                          "                             Add a user of your organization to a "
                          "team.\n"
                          "  member set-permissions EMAIL --team NAME [--permission NAME]...\n"
                          "                             Replace a member's permissions.\n"
                          "  member remove EMAIL --team NAME\n"
                          "                             Remove a member from a team.\n"
                          "  invite EMAIL --team NAME [--permission NAME]...\n"
                          "                             E-mail an invitation into a team; "
                          "prints its id.\n"
                          "  invitation list --team NAME [--json]\n"
                          "                             List a team's invitations and their "
                          "state.\n"
                          "  invitation resend ID       Send a new link; the old one stops "
                          "working.\n"
                          "  invitation revoke ID       Cancel a pending invitation.\n"
                          "  share ID --mode private|team|users [--user EMAIL]...\n"
                          "                             Change who can see a record.\n"
                          "  access ID [--json]         List who can see a record and why.\n"
                          "  search TEXT... [--json]    List the records whose text, title or "
                          "file name contain\n"
                          "                             every word of TEXT.\n"
                          "  preview ID --output FILE   Save the server's preview image of a "
                          "record as PNG.\n"
                          "  text ID [--output FILE]    Print or save the text the server "
                          "extracted from a record.\n"
                          "  delete ID [--receipt FILE] Erase a record permanently and print or "
                          "save its signed\n"
                          "                             deletion receipt.\n"
                          "  expire ID --at DATE|none   Set or remove a record's expiration.\n"
                          "  hold ID on|off             Place a record under legal hold, or "
                          "lift the hold.\n"
                          "  verify-receipt FILE [--key FILE]\n"
                          "                             Check a deletion receipt's signature; "
                          "exit status 3 when\n"
                          "                             it does not match.\n"
                          "  template list [--json]     List the organization's record "
                          "templates.\n"
                          "  template create|update NAME [--category TEXT] [--retention-days "
                          "N|none]\n"
                          "                  [--share private|team] [--rename NEW]\n"
                          "                             Create or change a template.\n"
                          "  template delete NAME       Delete a template.\n"
                          "  report access --record ID  Who viewed, downloaded, previewed or "
                          "synced a record.\n"
                          "  report activity [--since DATE] [--until DATE] [--user EMAIL] "
                          "[--team NAME]\n"
                          "                  [--action NAME] [--limit N]\n"
                          "                             Audit entries, newest first.\n"
                          "  report invitations         Invitations sent, accepted and "
                          "revoked.\n"
                          "  report logins --user EMAIL Sign-ins, failures, lockouts and "
                          "sign-outs of a user.\n"
                          "                             Each report takes --json, or --csv "
                          "[--output FILE].\n"
                          "  export --output FILE [--organization]\n"
                          "                             Save your records, their metadata and "
                          "audit entries as a\n"
                          "                             tar archive (docs/export-format.md); "
                          "--organization exports\n"
                          "                             every record of the organization.\n"
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
    for (const QString& option : kRetentionOptions) {
        if (parser.isSet(option) && !spec->allowedOptions.contains(option)) {
            return usageError(QStringLiteral("--%1 does not apply to %2; usage: %3")
                                  .arg(option, line.command, spec->usage));
        }
    }
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
    if (line.command == QLatin1String("preview") &&
        (!parser.isSet(QStringLiteral("output")) ||
         parser.value(QStringLiteral("output")) == QLatin1String("-")))
        return usageError(QStringLiteral("preview needs --output FILE, the PNG file to write"));
    if (line.command == QLatin1String("export") &&
        (!parser.isSet(QStringLiteral("output")) ||
         parser.value(QStringLiteral("output")) == QLatin1String("-")))
        return usageError(QStringLiteral("export needs --output FILE, a file: the archive is "
                                         "checked on disk before it is kept"));
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
    if (line.command == QLatin1String("admin") && line.arguments.first() != u"unlock" &&
        line.arguments.first() != u"set-password")
        return usageError(QStringLiteral("unknown admin command '%1'; usage: admin unlock EMAIL "
                                         "or admin set-password EMAIL")
                              .arg(line.arguments.first()));

    line.serverUrl = parser.value(QStringLiteral("server"));
    line.caFile = parser.value(QStringLiteral("ca-file"));
    line.signatureDir = parser.value(QStringLiteral("signatures"));
    line.email = parser.value(QStringLiteral("email"));
    line.output = parser.value(QStringLiteral("output"));
    line.token = parser.value(QStringLiteral("token"));
    line.all = parser.isSet(QStringLiteral("all"));
    line.team = parser.value(QStringLiteral("team")).trimmed();
    line.share = parser.value(QStringLiteral("share"));
    line.mode = parser.value(QStringLiteral("mode"));
    line.users = parser.values(QStringLiteral("user"));
    line.permissions = parser.values(QStringLiteral("permission"));
    line.json = parser.isSet(QStringLiteral("json"));
    line.offline = parser.isSet(QStringLiteral("offline"));
    line.verbose = parser.isSet(QStringLiteral("verbose"));
    line.receipt = parser.value(QStringLiteral("receipt"));
    line.at = parser.value(QStringLiteral("at"));
    line.key = parser.value(QStringLiteral("key"));
    line.expires = parser.value(QStringLiteral("expires")).trimmed();
    line.templateName = parser.value(QStringLiteral("template")).trimmed();
    if (parser.isSet(QStringLiteral("category")))
        line.category = parser.value(QStringLiteral("category"));
    if (parser.isSet(QStringLiteral("retention-days")))
        line.retentionDays = parser.value(QStringLiteral("retention-days")).trimmed();
    if (parser.isSet(QStringLiteral("rename")))
        line.rename = parser.value(QStringLiteral("rename"));
    if (auto invalid = checkRetentionCommand(line))
        return *invalid;
    if (parser.isSet(QStringLiteral("log-level"))) {
        const Result<QtMsgType> level = parseLogLevel(parser.value(QStringLiteral("log-level")));
        if (!level)
            return usageError(QStringLiteral("--log-level: ") + level.error().message);
        line.logLevel = level.value();
    }
    line.record = parser.value(QStringLiteral("record")).trimmed();
    line.since = parser.value(QStringLiteral("since")).trimmed();
    line.until = parser.value(QStringLiteral("until")).trimmed();
    line.action = parser.value(QStringLiteral("action")).trimmed();
    line.csv = parser.isSet(QStringLiteral("csv"));
    const QString limitText = parser.value(QStringLiteral("limit")).trimmed();
    line.limit = limitText.toInt();
    if (line.command == QLatin1String("report")) {
        if (auto invalid = checkReportCommand(line, limitText))
            return *invalid;
    }
    line.organization = parser.isSet(QStringLiteral("organization"));
    if (auto invalid = checkAccessCommand(line))
        return *invalid;
    return line;
}

} // namespace chartinsight::cli
