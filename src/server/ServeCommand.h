#pragma once

#include "CommandLine.h"

namespace chartinsight::server {

// Runs `chartinsight-server serve`: prepares the data folder, database, secrets, scanner and
// certificate, prints the fingerprint and listening lines on stdout, and serves until SIGTERM
// or SIGINT. Returns the process exit status: 0 after a clean stop, 1 when start-up fails
// (with one line on stderr naming what failed).
int runServeCommand(const ServeOptions& options);

} // namespace chartinsight::server
