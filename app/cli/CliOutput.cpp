#include "CliOutput.h"

#include "CommandLine.h"
#include "Terminal.h"

#include <memory>

namespace chartinsight::cli {
namespace {

using client::ClientTask;

// Shows a task's progress on one updating line of standard error.
class ProgressLine
{
public:
    ProgressLine(ClientTask* task, const QString& subject) : m_subject(subject)
    {
        QObject::connect(task, &ClientTask::progress, task,
                         [this](ClientTask::Phase phase, qint64 done, qint64 total) {
                             show(phase, done, total);
                         });
    }
    ~ProgressLine()
    {
        if (m_shown)
            std::fputs("\r\033[K", stderr);
    }

private:
    void show(ClientTask::Phase phase, qint64 done, qint64 total)
    {
        QString text;
        const int percent = total > 0 ? int(done * 100 / total) : 0;
        switch (phase) {
        case ClientTask::Phase::Scanning:
            text = QStringLiteral("scanning %1: %2%").arg(m_subject).arg(percent);
            break;
        case ClientTask::Phase::Transferring:
            text = QStringLiteral("sending %1: %2%").arg(m_subject).arg(percent);
            break;
        case ClientTask::Phase::Processing:
            text = QStringLiteral("the server is scanning %1").arg(m_subject);
            break;
        default:
            return;
        }
        if (text == m_last)
            return;
        m_last = text;
        m_shown = true;
        std::fputs(("\r\033[K" + text).toLocal8Bit().constData(), stderr);
        std::fflush(stderr);
    }

    QString m_subject;
    QString m_last;
    bool m_shown = false;
};

} // namespace

void printLine(std::FILE* stream, const QString& text)
{
    const QByteArray bytes = text.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

int fail(const QString& operation, const QString& message)
{
    printLine(stderr, QStringLiteral("chartinsight-cli: %1: %2").arg(operation, message));
    return kExitFailure;
}

QString printable(const QString& text)
{
    QString cleaned = text;
    for (QChar& c : cleaned) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            c = u'?';
    }
    return cleaned;
}

Result<QJsonValue> waitFor(ClientTask* started, const QString& progressSubject)
{
    std::unique_ptr<ClientTask> task(started);
    task->setAutoDelete(false);
    std::unique_ptr<ProgressLine> progress;
    if (!progressSubject.isEmpty() && isStandardErrorTerminal())
        progress = std::make_unique<ProgressLine>(task.get(), progressSubject);
    task->wait();
    progress.reset();
    if (!task->succeeded())
        return task->error();
    return task->result();
}

} // namespace chartinsight::cli
