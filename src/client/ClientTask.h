#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QString>

namespace chartinsight::client {

// One asynchronous client operation (sign-in, upload, sync, download...). It reports progress,
// then emits finished() exactly once and deletes itself later (deleteLater) unless the caller
// took ownership with setAutoDelete(false). The CLI waits with wait(); view models connect to
// the signals.
class ClientTask : public QObject
{
    Q_OBJECT
public:
    enum class Phase
    {
        Queued,
        Scanning,
        Transferring,
        Processing,
        Done
    };
    Q_ENUM(Phase)

    explicit ClientTask(QObject* parent = nullptr);

    bool isFinished() const { return m_finished; }
    bool succeeded() const { return m_finished && !m_failed; }
    const Error& error() const { return m_error; }
    // Machine-readable facts about a failure, for UIs that show them: "unlock_at" (ISO 8601
    // UTC) for account_locked, "retry_after" (seconds) for rate_limited, "attempts_left" for
    // invalid_code. Empty for most errors.
    QJsonObject errorDetails() const { return m_errorDetails; }
    // Operation-specific result: a record object for upload, an array of records for list...
    QJsonValue result() const { return m_result; }
    // Binary result, for operations that return bytes (the viewer's content).
    QByteArray payload() const { return m_payload; }

    // Runs a nested event loop until finished(). For the CLI and tests, never the GUI thread.
    void wait();
    void setAutoDelete(bool autoDelete) { m_autoDelete = autoDelete; }

    // Called by the operation's implementation.
    void reportProgress(Phase phase, qint64 done, qint64 total);
    void finishWith(QJsonValue result, QByteArray payload = {});
    void failWith(Error error);
    // Sets the details that the next failWith reports.
    void setErrorDetails(QJsonObject details) { m_errorDetails = std::move(details); }

signals:
    void progress(chartinsight::client::ClientTask::Phase phase, qint64 done, qint64 total);
    void finished();

private:
    void complete();
    QJsonValue m_result;
    QByteArray m_payload;
    Error m_error;
    QJsonObject m_errorDetails;
    bool m_finished = false;
    bool m_failed = false;
    bool m_autoDelete = true;
};

} // namespace chartinsight::client
