#pragma once

#include "CommandLine.h"

#include <cstdio>

namespace chartinsight::server {

// Runs `chartinsight-server add-user`: reads one line from `input` as the password, checks the
// password policy and creates the user (and its organization when missing). Returns 0 on
// success and 1 on any failure, with one line on stderr naming the failed rule or step.
int runAddUserCommand(const AddUserOptions& options, std::FILE* input);

} // namespace chartinsight::server
