#include "DerivedCommands.h"

#include "CliOutput.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cstdio>
#include <memory>

namespace chartinsight::cli {
namespace {

int search(const CommandLine& line, client::ClientSession& session)
{
    auto found = waitFor(session.searchRecords(line.arguments.join(u' ')));
    if (!found)
        return fail(QStringLiteral("search"), found.error().message);
    const QJsonArray records = found->toArray();
    if (line.json) {
        std::fputs(QJsonDocument(records).toJson(QJsonDocument::Indented).constData(), stdout);
        return kExitSuccess;
    }
    if (records.isEmpty()) {
        printLine(stderr, QStringLiteral("chartinsight-cli: no record matches"));
        return kExitSuccess;
    }
    printLine(stdout, QStringLiteral("%1  %2  %3")
                          .arg(QStringLiteral("ID"), -36)
                          .arg(QStringLiteral("CREATED (UTC)"), -16)
                          .arg(QStringLiteral("TITLE OR FILENAME")));
    for (const QJsonValue& value : records) {
        const QJsonObject record = value.toObject();
        const QDateTime created = QDateTime::fromString(
            record.value(QStringLiteral("created_at")).toString(), Qt::ISODateWithMs);
        QString name = record.value(QStringLiteral("title")).toString();
        if (name.isEmpty())
            name = record.value(QStringLiteral("filename")).toString();
        printLine(stdout, QStringLiteral("%1  %2  %3")
                              .arg(record.value(QStringLiteral("id")).toString(), -36)
                              .arg(created.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                   -16)
                              .arg(printable(name)));
    }
    return kExitSuccess;
}

int writeFile(const QString& operation, const QString& path, const QByteArray& bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        return fail(operation, QStringLiteral("could not write %1: %2; check the folder and "
                                              "its permissions")
                                   .arg(printable(path), file.errorString()));
    }
    return kExitSuccess;
}

int fetchContent(const CommandLine& line, client::ClientSession& session, bool preview)
{
    const QString& id = line.arguments.first();
    const QString operation =
        QStringLiteral("%1 of %2").arg(preview ? QStringLiteral("preview") : QStringLiteral("text"),
                                       printable(id));
    // waitFor() keeps only the result, and the bytes come in the task's payload.
    std::unique_ptr<client::ClientTask> task(preview ? session.recordPreview(id)
                                                     : session.recordText(id));
    task->setAutoDelete(false);
    task->wait();
    if (!task->succeeded())
        return fail(operation, task->error().message);
    const QByteArray bytes = task->payload();
    if (preview || !line.output.isEmpty())
        return writeFile(operation, line.output, bytes);
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    if (!bytes.endsWith('\n'))
        std::fputc('\n', stdout);
    std::fflush(stdout);
    return kExitSuccess;
}

} // namespace

bool isDerivedCommand(const QString& command)
{
    return command == QLatin1String("search") || command == QLatin1String("preview") ||
           command == QLatin1String("text");
}

int runDerivedCommand(const CommandLine& line, client::ClientSession& session)
{
    if (line.command == QLatin1String("search"))
        return search(line, session);
    return fetchContent(line, session, line.command == QLatin1String("preview"));
}

} // namespace chartinsight::cli
