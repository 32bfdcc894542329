// chartinsight-server: `serve` runs the HTTPS server, `add-user` creates an account and
// `audit verify` checks the audit log's hash chain.
// Exit status: 0 on success, 1 when the command fails, 2 for an invalid command line, 3 when
// `audit verify` finds a broken chain.

#include "core/Logging.h"
#include "server/AddUserCommand.h"
#include "server/AuditCommand.h"
#include "server/CommandLine.h"
#include "server/ServeCommand.h"

#include <QCoreApplication>
#include <QProcessEnvironment>

#include <csignal>
#include <cstdio>

int main(int argc, char* argv[])
{
    // A peer that closes its socket mid-write must produce an error, not end the process.
    std::signal(SIGPIPE, SIG_IGN);

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("chartinsight-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CHARTINSIGHT_VERSION));
    chartinsight::installLogHandler();

    using chartinsight::server::ParsedCommandLine;
    const ParsedCommandLine parsed = chartinsight::server::CommandLine::parse(
        QCoreApplication::arguments(), QProcessEnvironment::systemEnvironment());
    switch (parsed.action) {
    case ParsedCommandLine::Action::PrintText:
        std::fputs(qUtf8Printable(parsed.text), stdout);
        return 0;
    case ParsedCommandLine::Action::UsageError:
        std::fprintf(stderr, "chartinsight-server: %s\n", qUtf8Printable(parsed.text));
        return 2;
    case ParsedCommandLine::Action::Serve:
        if (parsed.serve.logLevel)
            chartinsight::setLogLevel(*parsed.serve.logLevel);
        return chartinsight::server::runServeCommand(parsed.serve);
    case ParsedCommandLine::Action::AddUser:
        return chartinsight::server::runAddUserCommand(parsed.addUser, stdin);
    case ParsedCommandLine::Action::AuditVerify:
        return chartinsight::server::runAuditVerifyCommand(parsed.auditVerify);
    }
    return 2;
}
