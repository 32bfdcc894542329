#include "RetentionCommands.h"

#include "CliOutput.h"
#include "client/DeletionReceipt.h"
#include "core/DateInput.h"
#include "core/ErrorCodes.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimeZone>

namespace chartinsight::cli {
namespace {

using client::ClientSession;

// Maximum size of a receipt or key file read from disk.
constexpr qint64 kMaxInputFileBytes = 64 * 1024;

// Formats an ISO 8601 time of the API in this computer's time zone with its offset, and in
// UTC, for example "2027-03-28 03:30 +02:00 (2027-03-28 01:30 UTC)". Returns "never" for null.
QString localAndUtc(const QJsonValue& value)
{
    const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (!time.isValid())
        return QStringLiteral("never");
    const QDateTime local = time.toLocalTime();
    return QStringLiteral("%1 %2 (%3 UTC)")
        .arg(local.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
             local.timeZone().displayName(local, QTimeZone::OffsetName),
             time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
}

Result<QByteArray> readSmallFile(const QString& path, const QString& what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(QString::fromLatin1(errc::kIo),
                         QStringLiteral("cannot read the %1 %2: %3")
                             .arg(what, printable(path), file.errorString()));
    }
    if (file.size() > kMaxInputFileBytes) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("the %1 %2 has more than %3 bytes; give the file that "
                                        "chartinsight-cli wrote")
                             .arg(what, printable(path))
                             .arg(kMaxInputFileBytes));
    }
    return file.readAll();
}

// Parses a date typed on the command line in this computer's time zone.
Result<QDateTime> parseTypedDate(const QString& text)
{
    return parseDateInput(text, LocalTimeRule::InZone, QTimeZone::systemTimeZone());
}

// The id of the organization's template named `name` (ignoring case).
Result<QString> templateIdByName(ClientSession& session, const QString& name)
{
    auto templates = waitFor(session.templates());
    if (!templates)
        return templates.error();
    for (const QJsonValue& value : templates->toArray()) {
        const QJsonObject item = value.toObject();
        if (item.value(QStringLiteral("name")).toString().compare(name.trimmed(),
                                                                  Qt::CaseInsensitive) == 0)
            return item.value(QStringLiteral("id")).toString();
    }
    return makeError(QString::fromLatin1(errc::kNotFound),
                     QStringLiteral("your organization has no template named '%1'; see "
                                    "'template list'")
                         .arg(printable(name)));
}

class RetentionCommands
{
public:
    RetentionCommands(const CommandLine& line, ClientSession& session)
        : m_line(line), m_session(session)
    {
    }

    int run()
    {
        const QString& command = m_line.command;
        if (command == QLatin1String("delete"))
            return deleteRecord();
        if (command == QLatin1String("expire"))
            return expire();
        if (command == QLatin1String("hold"))
            return hold();
        if (command == QLatin1String("verify-receipt"))
            return verifyReceipt();
        const QString subcommand = m_line.arguments.value(0);
        if (subcommand == QLatin1String("list"))
            return listTemplates();
        if (subcommand == QLatin1String("delete"))
            return deleteTemplate();
        return saveTemplate();
    }

private:
    int deleteRecord()
    {
        const QString id = m_line.arguments.first();
        const QString operation = QStringLiteral("delete %1").arg(printable(id));
        auto erased = waitFor(m_session.deleteRecord(id));
        if (!erased)
            return fail(operation, erased.error().message);
        const QJsonObject body = erased->toObject();
        if (!body.value(QStringLiteral("receipt")).isObject()) {
            return fail(operation,
                        QStringLiteral("the server started the erasure but has not finished it; "
                                       "run the command again in a few minutes to receive the "
                                       "receipt"));
        }
        const QByteArray text = QJsonDocument(body).toJson(QJsonDocument::Indented);
        if (m_line.receipt.isEmpty()) {
            std::fputs(text.constData(), stdout);
            std::fflush(stdout);
            return kExitSuccess;
        }
        // QSaveFile writes a temporary file and renames it, so the receipt file is whole or
        // absent.
        QSaveFile file(m_line.receipt);
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit()) {
            std::fputs(text.constData(), stdout);
            return fail(operation,
                        QStringLiteral("the record was erased, but the receipt could not be "
                                       "saved to %1 (%2); it was printed above instead")
                            .arg(printable(m_line.receipt), file.errorString()));
        }
        printLine(stdout, QStringLiteral("Erased record %1. The signed deletion receipt is in %2.")
                              .arg(printable(id), printable(m_line.receipt)));
        return kExitSuccess;
    }

    int expire()
    {
        const QString id = m_line.arguments.first();
        const QString operation = QStringLiteral("expire %1").arg(printable(id));
        QDateTime expiresAt;
        if (m_line.at.trimmed() != QLatin1String("none")) {
            auto parsed = parseTypedDate(m_line.at);
            if (!parsed)
                return fail(operation, parsed.error().message);
            expiresAt = parsed.value();
        }
        auto changed = waitFor(m_session.setExpiry(id, expiresAt));
        if (!changed)
            return fail(operation, changed.error().message);
        const QJsonValue stored = changed->toObject().value(QStringLiteral("expires_at"));
        if (stored.isNull()) {
            printLine(stdout, QStringLiteral("Record %1 no longer expires.").arg(printable(id)));
        } else {
            printLine(stdout, QStringLiteral("Record %1 expires on %2.")
                                  .arg(printable(id), localAndUtc(stored)));
        }
        return kExitSuccess;
    }

    int hold()
    {
        const QString id = m_line.arguments.first();
        const bool on = m_line.arguments.at(1) == QLatin1String("on");
        auto changed = waitFor(m_session.setLegalHold(id, on));
        if (!changed)
            return fail(QStringLiteral("hold %1").arg(printable(id)), changed.error().message);
        printLine(stdout, on ? QStringLiteral("Record %1 is under legal hold: it is not erased.")
                                   .arg(printable(id))
                             : QStringLiteral("Record %1 is no longer under legal hold.")
                                   .arg(printable(id)));
        return kExitSuccess;
    }

    int verifyReceipt()
    {
        const QString path = m_line.arguments.first();
        const QString operation = QStringLiteral("verify-receipt");
        auto receipt = readSmallFile(path, QStringLiteral("receipt file"));
        if (!receipt)
            return fail(operation, receipt.error().message);
        QByteArray publicKey;
        if (!m_line.key.isEmpty()) {
            auto key = readSmallFile(m_line.key, QStringLiteral("key file"));
            if (!key)
                return fail(operation, key.error().message);
            publicKey = key.value();
        } else {
            auto fetched = waitFor(m_session.receiptKey());
            if (!fetched) {
                return fail(operation, QStringLiteral("cannot fetch the receipt key from %1: %2; "
                                                      "give the key with --key FILE instead")
                                           .arg(m_session.settings().serverUrl.toString(),
                                                fetched.error().message));
            }
            publicKey =
                fetched->toObject().value(QStringLiteral("public_key")).toString().toLatin1();
        }
        auto verified = client::verifyDeletionReceipt(receipt.value(), publicKey);
        if (!verified) {
            fail(operation, verified.error().message);
            return verified.error().code == QLatin1String(errc::kInvalidSignature)
                       ? kExitInvalidReceipt
                       : kExitFailure;
        }
        const QJsonObject fields = verified->receipt;
        const QJsonObject requester = fields.value(QStringLiteral("requested_by")).toObject();
        printLine(stdout,
                  QStringLiteral("Valid deletion receipt: record %1 (SHA-256 %2) was erased on "
                                 "%3, requested by %4 %5. Signed by key %6.")
                      .arg(printable(fields.value(QStringLiteral("record_id")).toString()),
                           printable(fields.value(QStringLiteral("content_sha256")).toString()),
                           localAndUtc(fields.value(QStringLiteral("erased_at"))),
                           printable(requester.value(QStringLiteral("kind")).toString()),
                           printable(requester.value(QStringLiteral("id")).toString()),
                           verified->keyId));
        return kExitSuccess;
    }

    int listTemplates()
    {
        auto listed = waitFor(m_session.templates());
        if (!listed)
            return fail(QStringLiteral("template list"), listed.error().message);
        const QJsonArray templates = listed->toArray();
        if (m_line.json) {
            std::fputs(QJsonDocument(templates).toJson(QJsonDocument::Indented).constData(),
                       stdout);
            return kExitSuccess;
        }
        printLine(stdout, QStringLiteral("%1  %2  %3  %4")
                              .arg(QStringLiteral("NAME"), -24)
                              .arg(QStringLiteral("RETENTION"), -10)
                              .arg(QStringLiteral("SHARING"), -8)
                              .arg(QStringLiteral("CATEGORY")));
        for (const QJsonValue& value : templates) {
            const QJsonObject item = value.toObject();
            const QJsonValue days = item.value(QStringLiteral("retention_days"));
            printLine(stdout,
                      QStringLiteral("%1  %2  %3  %4")
                          .arg(printable(item.value(QStringLiteral("name")).toString()), -24)
                          .arg(days.isNull() ? QStringLiteral("-")
                                             : QStringLiteral("%1 d").arg(days.toInt()),
                               -10)
                          .arg(printable(item.value(QStringLiteral("sharing")).toString()), -8)
                          .arg(printable(item.value(QStringLiteral("category")).toString())));
        }
        return kExitSuccess;
    }

    // template create NAME ... and template update NAME ...: the options set the fields;
    // update keeps the fields it does not name.
    int saveTemplate()
    {
        const QString subcommand = m_line.arguments.value(0);
        const QString name = m_line.arguments.value(1);
        const QString operation = QStringLiteral("template %1").arg(subcommand);
        client::RecordTemplate fields;
        QString templateId;
        if (subcommand == QLatin1String("update")) {
            auto listed = waitFor(m_session.templates());
            if (!listed)
                return fail(operation, listed.error().message);
            QJsonObject current;
            for (const QJsonValue& value : listed->toArray()) {
                if (value.toObject().value(QStringLiteral("name")).toString().compare(
                        name.trimmed(), Qt::CaseInsensitive) == 0)
                    current = value.toObject();
            }
            if (current.isEmpty()) {
                return fail(operation, QStringLiteral("your organization has no template named "
                                                      "'%1'; see 'template list'")
                                           .arg(printable(name)));
            }
            templateId = current.value(QStringLiteral("id")).toString();
            fields.name = current.value(QStringLiteral("name")).toString();
            fields.category = current.value(QStringLiteral("category")).toString();
            fields.sharing = current.value(QStringLiteral("sharing")).toString();
            const QJsonValue days = current.value(QStringLiteral("retention_days"));
            if (!days.isNull())
                fields.retentionDays = days.toInt();
        } else {
            fields.name = name;
        }
        if (m_line.rename)
            fields.name = *m_line.rename;
        if (m_line.category)
            fields.category = *m_line.category;
        if (!m_line.share.isEmpty())
            fields.sharing = m_line.share;
        if (m_line.retentionDays) {
            if (*m_line.retentionDays == QLatin1String("none")) {
                fields.retentionDays.reset();
            } else {
                bool ok = false;
                const int days = m_line.retentionDays->toInt(&ok);
                if (!ok) {
                    return fail(operation,
                                QStringLiteral("--retention-days '%1' is not a whole number of "
                                               "days; give for example 30, or none")
                                    .arg(printable(*m_line.retentionDays)));
                }
                fields.retentionDays = days;
            }
        }
        auto saved = waitFor(templateId.isEmpty() ? m_session.createTemplate(fields)
                                                  : m_session.updateTemplate(templateId, fields));
        if (!saved)
            return fail(operation, saved.error().message);
        printLine(stdout, saved->toObject().value(QStringLiteral("id")).toString());
        return kExitSuccess;
    }

    int deleteTemplate()
    {
        const QString operation = QStringLiteral("template delete");
        auto id = templateIdByName(m_session, m_line.arguments.value(1));
        if (!id)
            return fail(operation, id.error().message);
        auto deleted = waitFor(m_session.deleteTemplate(id.value()));
        if (!deleted)
            return fail(operation, deleted.error().message);
        printLine(stdout, QStringLiteral("Deleted the template %1; records keep the expiration "
                                         "and sharing it gave them.")
                              .arg(printable(m_line.arguments.value(1))));
        return kExitSuccess;
    }

    const CommandLine& m_line;
    ClientSession& m_session;
};

} // namespace

bool isRetentionCommand(const QString& command)
{
    return command == QLatin1String("delete") || command == QLatin1String("expire") ||
           command == QLatin1String("hold") || command == QLatin1String("verify-receipt") ||
           command == QLatin1String("template");
}

int runRetentionCommand(const CommandLine& line, client::ClientSession& session)
{
    return RetentionCommands(line, session).run();
}

Result<void> addUploadRetention(const CommandLine& line, client::ClientSession& session,
                                client::UploadOptions& options)
{
    if (!line.expires.isEmpty()) {
        auto parsed = parseTypedDate(line.expires);
        if (!parsed)
            return parsed.error();
        options.expiresAt = parsed.value();
    }
    if (!line.templateName.isEmpty()) {
        auto id = templateIdByName(session, line.templateName);
        if (!id)
            return id.error();
        options.templateId = id.value();
    }
    return {};
}

} // namespace chartinsight::cli
