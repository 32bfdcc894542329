#pragma once

#include <QLoggingCategory>
#include <QString>

namespace chartinsight {

// Installs the process-wide Qt message handler: one line per event on stderr,
// "2026-12-04T15:27:14.123Z info chartinsight.server.http: message". Control characters in
// the message are escaped so that a value taken from a request cannot forge a second line.
// Categories are named chartinsight.<library>.<component>; debug is off unless the rule
// "chartinsight.*.debug=true" is set through QT_LOGGING_RULES.
void installLogHandler();

// Returns `text` with CR, LF and other control characters escaped as \xNN, for log lines.
QString escapeForLog(const QString& text);

} // namespace chartinsight
