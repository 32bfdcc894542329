#pragma once

#include "client/ClientTask.h"
#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <optional>

// Helpers shared by the client and integration tests: real sample files made by real tools,
// and synchronous wrappers around the asynchronous client API.
namespace chartinsight::test {

// A PDF whose text layer contains `text`: a minimal PDF written by python3, then rewritten by
// poppler's pdftocairo (fonts embedded). Returns the path, or empty when a tool failed.
QString makePdf(const QString& dir, const QString& name, const QString& text);
// A 64x48 PNG drawn by ImageMagick's convert. Returns the path, or empty on failure.
QString makePng(const QString& dir, const QString& name);
// A file holding the EICAR test string.
QString makeEicarFile(const QString& dir, const QString& name);
// Writes `bytes` to dir/name and returns the path (empty on failure).
QString writeFile(const QString& dir, const QString& name, const QByteArray& bytes);
// Runs a python3 script with arguments; returns whether it exited with 0.
bool runPython(const QString& script, const QStringList& arguments);

QByteArray readFile(const QString& path);
// SHA-256 of a file as lower-case hex, computed with QCryptographicHash.
QString sha256OfFile(const QString& path);

// The outcome of a finished ClientTask, copied before the task is deleted.
struct TaskOutcome
{
    bool ok = false;
    Error error;
    QJsonValue result;
    QByteArray payload;
    QJsonObject errorDetails;
    QList<client::ClientTask::Phase> phases; // distinct phases in the order reported
};
// Waits for `task` (which this takes ownership of) and returns its outcome.
TaskOutcome waitForTask(client::ClientTask* task);

// Synchronous keychain access through the client's SecretStore.
Result<std::optional<QString>> readSecret(const QString& entry);
Result<void> writeSecret(const QString& entry, const QString& value);
Result<void> removeSecret(const QString& entry);

// Mail the server wrote to <data dir>/outbox/*.eml (no SMTP configured), oldest first, each
// with quoted-printable soft line breaks joined and "=3D" decoded.
QStringList outboxMessages(const QString& dataDir);
// Returns the messages in the outbox addressed to `email` after the first `skip` of them.
QStringList mailTo(const QString& dataDir, const QString& email, int skip = 0);
// Returns the 6-digit sign-in code of a message body, or empty.
QString mfaCodeOf(const QString& message);
// Returns the token of the reset link in a message, or empty.
QString resetTokenOf(const QString& message);

// The server's test clock: a file whose number of seconds the server adds to its clock. Point
// the server at it (CHARTINSIGHT_TEST_CLOCK_OFFSET_FILE) before ServerProcess::start.
class TestClock
{
public:
    TestClock();
    QString path() const { return m_path; }
    // Sets the offset, in seconds, that the server adds to the real time.
    bool setOffset(qint64 seconds);
    // Sets CHARTINSIGHT_TEST_CLOCK_OFFSET_FILE in this process, which ServerProcess passes on.
    void exportToEnvironment() const;

private:
    QTemporaryDir m_dir;
    QString m_path;
};

} // namespace chartinsight::test
