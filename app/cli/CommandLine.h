#pragma once

#include "core/Result.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace chartinsight::cli {

// Exit statuses of chartinsight-cli.
inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// The parsed command line of chartinsight-cli. Options may come before or after the command.
struct CommandLine
{
    QString command;       // login, upload, list, download, sync, logout, sessions, password-reset,
                           // password, mfa, admin, team, member, invite, invitation, share,
                           // access; or help, version
    QStringList arguments; // positional arguments after the command
    QString serverUrl;     // empty: the saved one, else the default
    QString caFile;
    QString signatureDir;
    QString email;
    QString output;
    QString token;           // password-reset --token
    QString team;            // --team NAME: upload, member, invite, invitation list
    QString share;           // upload --share: private, team or users
    QString mode;            // share --mode: private, team or users
    QStringList users;       // --user EMAIL, repeatable: upload, share
    QStringList permissions; // --permission NAME, repeatable: member add/set-permissions, invite
    bool all = false;        // logout --all
    bool json = false;
    bool offline = false;
    bool verbose = false;
    // Retention commands: delete --receipt FILE, expire --at DATE|none, verify-receipt --key
    // FILE, upload --expires DATE --template NAME, and the template fields of template
    // create|update (unset optionals keep a template's field).
    QString receipt;
    QString at;
    QString key;
    QString expires;
    QString templateName;
    std::optional<QString> category;
    std::optional<QString> retentionDays; // a number of days or "none"
    std::optional<QString> rename;
    std::optional<QtMsgType> logLevel; // --log-level; unset: debug with --verbose, else critical
    // report: --record ID, --since DATE, --until DATE, --action NAME, --limit N, --csv
    QString record;
    QString since;
    QString until;
    QString action;
    int limit = 0; // 0: the command's default
    bool csv = false;
    bool organization = false; // export --organization
};

// Parses `arguments` (argv, program name first). A usage error carries the message to print.
Result<CommandLine> parseCommandLine(const QStringList& arguments);

// The text printed by --help.
QString helpText();

} // namespace chartinsight::cli
