#pragma once

#include "CommandLine.h"
#include "client/ClientSession.h"

#include <QString>

namespace chartinsight::cli {

// Runs `report access|activity|invitations|logins`: a table, JSON (--json) or CSV (--csv, to
// standard output or --output FILE). A CSV for standard output is first saved whole in
// `stagingDir`, a private folder, so a transfer that breaks off prints nothing. Returns the
// exit status.
int runReportCommand(const CommandLine& line, client::ClientSession& session,
                     const QString& stagingDir);

} // namespace chartinsight::cli
