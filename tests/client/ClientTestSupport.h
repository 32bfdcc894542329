#pragma once

#include "client/ClientTask.h"
#include "core/Result.h"

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QString>

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
    QList<client::ClientTask::Phase> phases; // distinct phases in the order reported
};
// Waits for `task` (which this takes ownership of) and returns its outcome.
TaskOutcome waitForTask(client::ClientTask* task);

// Synchronous keychain access through the client's SecretStore.
Result<std::optional<QString>> readSecret(const QString& entry);
Result<void> writeSecret(const QString& entry, const QString& value);
Result<void> removeSecret(const QString& entry);

} // namespace chartinsight::test
