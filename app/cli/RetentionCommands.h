#pragma once

#include "CommandLine.h"
#include "client/ClientSession.h"
#include "core/Result.h"

#include <QString>

namespace chartinsight::cli {

// Exit status of verify-receipt when the receipt's signature does not match.
inline constexpr int kExitInvalidReceipt = 3;

// Whether `command` is one of the retention commands: delete, expire, hold, verify-receipt,
// template.
bool isRetentionCommand(const QString& command);

// Runs a retention command and returns the exit status.
int runRetentionCommand(const CommandLine& line, client::ClientSession& session);

// Adds `upload --expires DATE --template NAME` to `options`: the date is read in this
// computer's time zone (see parseDateInput), and the template name is resolved to its id.
Result<void> addUploadRetention(const CommandLine& line, client::ClientSession& session,
                                client::UploadOptions& options);

} // namespace chartinsight::cli
