#include "Logging.h"

#include <QDateTime>
#include <QStringList>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace chartinsight {
namespace {

// Large enough that one line, which redactLogMessage() caps, leaves in one write(), so lines of
// processes that append to the same file do not interleave.
constexpr std::size_t kLogFileBufferBytes = 64 * 1024;

// Levels in increasing order, with their names in the same order.
constexpr QtMsgType kLevels[] = {QtDebugMsg, QtInfoMsg, QtWarningMsg, QtCriticalMsg};
const QStringList kLevelNames{QStringLiteral("debug"), QStringLiteral("info"),
                              QStringLiteral("warning"), QStringLiteral("critical")};

// Not a QString: a thread_local with a destructor could be gone when a static destructor logs.
thread_local const QString* t_requestId = nullptr;

std::FILE* s_output = nullptr;

const char* levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "critical";
    case QtFatalMsg:
        return "fatal";
    }
    return "unknown";
}

void writeLogLine(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    QByteArray line = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() + ' ' +
                      levelName(type) + ' ' + (context.category ? context.category : "default");
    if (t_requestId && !t_requestId->isEmpty())
        line += " [request " + escapeForLog(*t_requestId).toUtf8() + ']';
    line += ": " + escapeForLog(redactLogMessage(message)).toUtf8() + '\n';
    std::FILE* output = s_output ? s_output : stderr;
    std::fwrite(line.constData(), 1, size_t(line.size()), output);
    std::fflush(output);
}

void openLogFile()
{
    const char* path = std::getenv(kLogFileVariable);
    if (!path || !*path)
        return;
    std::FILE* file = std::fopen(path, "a");
    if (!file) {
        std::fprintf(stderr,
                     "chartinsight: cannot open the log file %s named by %s: %s; logging to "
                     "standard error instead\n",
                     path, kLogFileVariable, std::strerror(errno));
        return;
    }
    std::setvbuf(file, nullptr, _IOFBF, kLogFileBufferBytes);
    s_output = file;
}

} // namespace

void installLogHandler()
{
    if (s_output) {
        std::fclose(s_output);
        s_output = nullptr;
    }
    openLogFile();
    QLoggingCategory::setFilterRules(QStringLiteral("chartinsight.*.debug=false"));
    qInstallMessageHandler(writeLogLine);
}

Result<QtMsgType> parseLogLevel(const QString& text)
{
    const qsizetype index = kLevelNames.indexOf(text.trimmed().toLower());
    if (index < 0) {
        return makeError(QStringLiteral("invalid_request"),
                         QStringLiteral("invalid log level \"%1\"; use one of %2")
                             .arg(escapeForLog(text), kLevelNames.join(QStringLiteral(", "))));
    }
    return kLevels[index];
}

void setLogLevel(QtMsgType lowest)
{
    QStringList rules;
    bool enabled = false;
    for (qsizetype i = 0; i < kLevelNames.size(); ++i) {
        enabled = enabled || kLevels[i] == lowest;
        rules.append(QStringLiteral("chartinsight.*.%1=%2")
                         .arg(kLevelNames.at(i),
                              enabled ? QStringLiteral("true") : QStringLiteral("false")));
    }
    QLoggingCategory::setFilterRules(rules.join(u'\n'));
}

QCommandLineOption logLevelOption()
{
    return QCommandLineOption(
        QStringLiteral("log-level"),
        QStringLiteral("Lowest level of log lines written: debug, info, warning or critical. "
                       "QT_LOGGING_RULES overrides it; CHARTINSIGHT_LOG_FILE sends the lines to "
                       "a file instead of standard error."),
        QStringLiteral("LEVEL"));
}

LogRequestScope::LogRequestScope(const QString& requestId)
    : m_requestId(requestId), m_previous(t_requestId)
{
    t_requestId = &m_requestId;
}

LogRequestScope::~LogRequestScope()
{
    t_requestId = m_previous;
}

} // namespace chartinsight
