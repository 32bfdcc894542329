#pragma once

#include "CommandLine.h"
#include "client/ClientSession.h"
#include "core/Result.h"

#include <QString>

namespace chartinsight::cli {

// Whether `command` is one of the access commands: team, member, invite, invitation, share,
// access.
bool isAccessCommand(const QString& command);

// Runs an access command. Team names and e-mail addresses on the command line are resolved to
// ids through the API first. Returns the exit status.
int runAccessCommand(const CommandLine& line, client::ClientSession& session);

// Returns the upload options of `upload --team NAME --share MODE --user EMAIL...`, with the
// team and the users resolved to ids. Without --team the server picks the team.
Result<client::UploadOptions> resolveUploadOptions(const CommandLine& line,
                                                   client::ClientSession& session);

} // namespace chartinsight::cli
