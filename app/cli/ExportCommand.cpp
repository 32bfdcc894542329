#include "ExportCommand.h"

#include "CliOutput.h"
#include "Terminal.h"

#include <QJsonObject>
#include <QLocale>

#include <cstdio>
#include <memory>

namespace chartinsight::cli {
namespace {

using client::ClientTask;

// Without a terminal, a progress line is printed each time this many more bytes arrived, so a
// log of a long export shows that it advances without one line per network read.
constexpr qint64 kLoggedProgressStep = 64LL * 1024 * 1024;

// Shows the bytes received on standard error: one updating line on a terminal, else a line
// per kLoggedProgressStep.
class ExportProgress
{
public:
    explicit ExportProgress(ClientTask* task) : m_terminal(isStandardErrorTerminal())
    {
        QObject::connect(task, &ClientTask::progress, task,
                         [this](ClientTask::Phase, qint64 received, qint64) { show(received); });
    }
    ~ExportProgress()
    {
        if (m_terminal && m_shown)
            std::fputs("\r\033[K", stderr);
    }

private:
    void show(qint64 received)
    {
        if (!m_terminal) {
            if (received < m_nextLogged)
                return;
            m_nextLogged = (received / kLoggedProgressStep + 1) * kLoggedProgressStep;
        }
        const QString text =
            QStringLiteral("exporting: %1 received").arg(QLocale::c().formattedDataSize(received));
        if (text == m_last)
            return;
        m_last = text;
        m_shown = true;
        if (m_terminal) {
            std::fputs(("\r\033[K" + text).toLocal8Bit().constData(), stderr);
            std::fflush(stderr);
        } else {
            printLine(stderr, text);
        }
    }

    bool m_terminal;
    bool m_shown = false;
    qint64 m_nextLogged = kLoggedProgressStep;
    QString m_last;
};

} // namespace

int runExportCommand(const CommandLine& line, client::ClientSession& session)
{
    const QString operation = line.organization ? QStringLiteral("organization export")
                                                : QStringLiteral("personal export");
    std::unique_ptr<ClientTask> task(session.exportArchive(
        line.organization ? client::ExportKind::Organization : client::ExportKind::Personal,
        line.output));
    task->setAutoDelete(false);
    {
        ExportProgress progress(task.get());
        task->wait();
    }
    if (!task->succeeded())
        return fail(operation, task->error().message);

    const QJsonObject manifest = task->result().toObject();
    const QJsonObject counts = manifest.value(QStringLiteral("counts")).toObject();
    printLine(stdout,
              QStringLiteral("Saved %1 records (%2 files), %3 audit entries, %4 to %5.")
                  .arg(counts.value(QStringLiteral("records")).toInteger() -
                       counts.value(QStringLiteral("skipped")).toInteger())
                  .arg(counts.value(QStringLiteral("files")).toInteger())
                  .arg(counts.value(QStringLiteral("audit_entries")).toInteger())
                  .arg(QLocale::c().formattedDataSize(
                      manifest.value(QStringLiteral("bytes")).toInteger()))
                  .arg(printable(manifest.value(QStringLiteral("output")).toString())));
    const qint64 damaged = counts.value(QStringLiteral("damaged")).toInteger();
    if (damaged > 0) {
        printLine(stderr,
                  QStringLiteral("chartinsight-cli: %1: %2 records were saved without their "
                                 "file because the stored copy on the server is damaged; "
                                 "manifest.json lists their ids. Ask the administrator to "
                                 "restore them.")
                      .arg(operation)
                      .arg(damaged));
    }
    return kExitSuccess;
}

} // namespace chartinsight::cli
