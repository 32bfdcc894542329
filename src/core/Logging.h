#pragma once

#include "LogRedaction.h"
#include "Result.h"

#include <QCommandLineOption>
#include <QLoggingCategory>
#include <QString>

namespace chartinsight {

// Environment variable naming a file that receives the log lines instead of standard error.
// The file is opened for appending, so several processes can share one.
inline constexpr char kLogFileVariable[] = "CHARTINSIGHT_LOG_FILE";

// Installs the process-wide Qt message handler, used by the server, the CLI and the desktop
// app. It writes one line per event,
// "2026-12-04T15:27:14.123Z info chartinsight.server.http [request 3fa2c1d4e5f6a7b8]: message",
// to standard error, or to the file named by CHARTINSIGHT_LOG_FILE. Every message, also those
// of Qt, QML and the libraries, passes once through redactLogMessage() and escapeForLog(), so no
// URL query value, token, e-mail address or control character reaches the line. Categories are
// named chartinsight.<library>.<component>; debug is off unless setLogLevel() or the rule
// "chartinsight.*.debug=true" in QT_LOGGING_RULES turns it on. Call it at the start, before
// other threads log; a second call reopens the file that CHARTINSIGHT_LOG_FILE names then.
void installLogHandler();

// Parses a log level name: "debug", "info", "warning" or "critical", in any case.
Result<QtMsgType> parseLogLevel(const QString& text);

// Sets the lowest level logged by the chartinsight.* categories. Rules in QT_LOGGING_RULES still
// take precedence, as Qt applies them last.
void setLogLevel(QtMsgType lowest);

// The --log-level LEVEL option shared by the three programs.
QCommandLineOption logLevelOption();

// Tags the log lines written by this thread while it exists with a request id. The server
// opens one around each piece of a request's work on a worker thread. The scope restores the
// previous id when it ends, so scopes nest.
class LogRequestScope
{
public:
    explicit LogRequestScope(const QString& requestId);
    ~LogRequestScope();
    LogRequestScope(const LogRequestScope&) = delete;
    LogRequestScope& operator=(const LogRequestScope&) = delete;

private:
    QString m_requestId;
    const QString* m_previous;
};

} // namespace chartinsight
