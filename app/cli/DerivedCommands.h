#pragma once

#include "CommandLine.h"
#include "client/ClientSession.h"

#include <QString>

namespace chartinsight::cli {

// Whether `command` reads the server's generated content: search, preview, text.
bool isDerivedCommand(const QString& command);

// Runs a generated-content command and returns the exit status. `search` lists the matching
// records like `list`; `preview` and `text` write the bytes to a file through a temporary file
// renamed into place, so a failure leaves no partial file.
int runDerivedCommand(const CommandLine& line, client::ClientSession& session);

} // namespace chartinsight::cli
