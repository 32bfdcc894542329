#pragma once

#include "CommandLine.h"

namespace chartinsight::server {

// Runs `chartinsight-server audit verify`: checks the audit trail's hash chain in the data
// folder's database. Prints the number of entries and the head hash and returns 0 when the
// chain is intact. Prints the first broken entry and returns 3 when it is not, and returns 1
// when the database cannot be read.
int runAuditVerifyCommand(const AuditVerifyOptions& options);

} // namespace chartinsight::server
