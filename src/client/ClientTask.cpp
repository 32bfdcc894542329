#include "ClientTask.h"

#include "ClientLogging.h"

#include <QEventLoop>

namespace chartinsight::client {

ClientTask::ClientTask(QObject* parent) : QObject(parent) {}

void ClientTask::wait()
{
    if (m_finished)
        return;
    QEventLoop loop;
    connect(this, &ClientTask::finished, &loop, &QEventLoop::quit);
    loop.exec();
}

void ClientTask::reportProgress(Phase phase, qint64 done, qint64 total)
{
    if (m_finished)
        return;
    emit progress(phase, done, total);
}

void ClientTask::finishWith(QJsonValue result, QByteArray payload)
{
    if (m_finished) {
        qCWarning(lcSession) << "ignoring a second result for a finished task";
        return;
    }
    m_result = std::move(result);
    m_payload = std::move(payload);
    complete();
}

void ClientTask::failWith(Error error)
{
    if (m_finished) {
        qCWarning(lcSession) << "ignoring a second error for a finished task:" << error.code;
        return;
    }
    m_error = std::move(error);
    m_failed = true;
    complete();
}

void ClientTask::complete()
{
    m_finished = true;
    emit progress(Phase::Done, 1, 1);
    emit finished();
    if (m_autoDelete)
        deleteLater();
}

} // namespace chartinsight::client
