#pragma once

#include "client/ClientTask.h"
#include "core/Result.h"

#include <QJsonValue>
#include <QString>

#include <cstdio>

namespace chartinsight::cli {

// Writes `text` and a line break to `stream` as UTF-8 and flushes it.
void printLine(std::FILE* stream, const QString& text);

// Prints "chartinsight-cli: <operation>: <message>" on standard error and returns
// kExitFailure.
int fail(const QString& operation, const QString& message);

// Returns `text` with control characters replaced by '?', so that a name from the server cannot
// move the cursor or forge lines in a terminal.
QString printable(const QString& text);

// Waits for a task and returns its result or error. With a subject, progress is shown on
// standard error when it is a terminal.
Result<QJsonValue> waitFor(client::ClientTask* started, const QString& progressSubject = {});

} // namespace chartinsight::cli
