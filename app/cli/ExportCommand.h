#pragma once

#include "CommandLine.h"
#include "client/ClientSession.h"

namespace chartinsight::cli {

// Runs `export --output FILE [--organization]`: saves the data export archive, showing the
// bytes received on standard error, and prints a summary of the manifest on standard output.
// Returns the exit status.
int runExportCommand(const CommandLine& line, client::ClientSession& session);

} // namespace chartinsight::cli
