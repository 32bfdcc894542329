#include "ReportCommands.h"

#include "CliOutput.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

namespace chartinsight::cli {
namespace {

using client::ReportFilter;
using client::ReportKind;

constexpr int kDefaultTableEntries = 100;
constexpr int kMaxPageEntries = 1000;
constexpr qint64 kCopyBlockBytes = 1024 * 1024;

ReportKind reportKind(const QString& name)
{
    if (name == QLatin1String("access"))
        return ReportKind::Access;
    if (name == QLatin1String("invitations"))
        return ReportKind::Invitations;
    if (name == QLatin1String("logins"))
        return ReportKind::Logins;
    return ReportKind::Activity;
}

// The team id of `nameOrId`: a team the caller can see with that name (exact, else the only
// one that matches ignoring case) or that id.
Result<QString> findTeamId(client::ClientSession& session, const QString& nameOrId)
{
    auto listed = waitFor(session.teams());
    if (!listed)
        return listed.error();
    QStringList caseInsensitive;
    for (const QJsonValue& value : listed->toArray()) {
        const QJsonObject team = value.toObject();
        const QString id = team.value(QStringLiteral("id")).toString();
        const QString name = team.value(QStringLiteral("name")).toString();
        if (name == nameOrId || id == nameOrId)
            return id;
        if (name.compare(nameOrId, Qt::CaseInsensitive) == 0)
            caseInsensitive << id;
    }
    if (caseInsensitive.size() == 1)
        return caseInsensitive.first();
    return makeError(QStringLiteral("not_found"),
                     QStringLiteral("no team named '%1' among the teams you can see; run "
                                    "'chartinsight-cli team list' for their names")
                         .arg(printable(nameOrId)));
}

QString nameOrId(const QJsonObject& entry, const char* nameField, const char* idField,
                 const char* kindField)
{
    QString text = entry.value(QLatin1String(nameField)).toString();
    if (text.isEmpty())
        text = entry.value(QLatin1String(idField)).toString();
    if (text.isEmpty())
        text = entry.value(QLatin1String(kindField)).toString();
    return printable(text);
}

void printTable(const QJsonArray& entries)
{
    // Each column is as wide as its longest cell, so the columns line up for any names.
    QList<QStringList> rows{{QStringLiteral("TIME"), QStringLiteral("ACTOR"),
                             QStringLiteral("ACTION"), QStringLiteral("TARGET"),
                             QStringLiteral("OUTCOME")}};
    for (const QJsonValue& value : entries) {
        const QJsonObject entry = value.toObject();
        rows.append({printable(entry.value(QStringLiteral("time")).toString()),
                     nameOrId(entry, "actor_name", "actor_id", "actor_kind"),
                     printable(entry.value(QStringLiteral("action")).toString()),
                     nameOrId(entry, "target_name", "target_id", "target_kind"),
                     printable(entry.value(QStringLiteral("outcome")).toString())});
    }
    QList<qsizetype> widths(rows.first().size(), 0);
    for (const QStringList& row : std::as_const(rows)) {
        for (qsizetype column = 0; column < row.size(); ++column)
            widths[column] = std::max(widths[column], row[column].size());
    }
    for (const QStringList& row : std::as_const(rows)) {
        QString line;
        for (qsizetype column = 0; column + 1 < row.size(); ++column)
            line += row[column].leftJustified(widths[column]) + QStringLiteral("  ");
        line += row.last();
        printLine(stdout, line);
    }
}

int copyToStandardOutput(const QString& operation, const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(operation,
                    QStringLiteral("could not read the saved report: %1").arg(file.errorString()));
    QByteArray block;
    while (!(block = file.read(kCopyBlockBytes)).isEmpty()) {
        if (std::fwrite(block.constData(), 1, size_t(block.size()), stdout) != size_t(block.size()))
            return fail(operation, QStringLiteral("writing to standard output failed"));
    }
    if (std::fflush(stdout) != 0)
        return fail(operation, QStringLiteral("writing to standard output failed"));
    return kExitSuccess;
}

int exportCsv(const CommandLine& line, client::ClientSession& session, ReportKind kind,
              const ReportFilter& filter, const QString& stagingDir)
{
    const QString operation = QStringLiteral("report %1").arg(line.arguments.first());
    if (!line.output.isEmpty() && line.output != QLatin1String("-")) {
        auto saved =
            waitFor(session.downloadReportCsv(kind, filter, line.output), QStringLiteral("report"));
        if (!saved)
            return fail(operation, saved.error().message);
        return kExitSuccess;
    }
    QTemporaryDir staging(stagingDir + QStringLiteral("/report-XXXXXX"));
    if (!staging.isValid())
        return fail(operation, QStringLiteral("could not create a temporary folder in %1: %2")
                                   .arg(stagingDir, staging.errorString()));
    const QString path = staging.filePath(QStringLiteral("report.csv"));
    auto saved = waitFor(session.downloadReportCsv(kind, filter, path));
    if (!saved)
        return fail(operation, saved.error().message);
    return copyToStandardOutput(operation, path);
}

} // namespace

int runReportCommand(const CommandLine& line, client::ClientSession& session,
                     const QString& stagingDir)
{
    const QString operation = QStringLiteral("report %1").arg(line.arguments.first());
    const ReportKind kind = reportKind(line.arguments.first());
    ReportFilter filter;
    filter.since = line.since;
    filter.until = line.until;
    filter.user = line.users.value(0);
    filter.record = line.record;
    filter.action = line.action;
    if (!line.team.isEmpty()) {
        auto teamId = findTeamId(session, line.team);
        if (!teamId)
            return fail(operation, teamId.error().message);
        filter.team = teamId.value();
    }
    if (line.csv)
        return exportCsv(line, session, kind, filter, stagingDir);

    // Pages of up to 1000 entries until --limit entries are shown or the report ends.
    const int wanted = line.limit > 0 ? line.limit : kDefaultTableEntries;
    QJsonArray entries;
    while (entries.size() < wanted) {
        filter.limit = std::min(kMaxPageEntries, wanted - int(entries.size()));
        auto page = waitFor(session.report(kind, filter));
        if (!page)
            return fail(operation, page.error().message);
        const QJsonObject body = page->toObject();
        for (const QJsonValue& entry : body.value(QStringLiteral("entries")).toArray())
            entries.append(entry);
        const QJsonValue next = body.value(QStringLiteral("next_cursor"));
        if (!next.isString())
            break;
        filter.cursor = next.toString();
    }
    if (line.json) {
        std::fputs(QJsonDocument(entries).toJson(QJsonDocument::Indented).constData(), stdout);
        return kExitSuccess;
    }
    printTable(entries);
    return kExitSuccess;
}

} // namespace chartinsight::cli
