#include "ReportService.h"

#include "ApiResponse.h"
#include "AuditLog.h"
#include "AuthErrors.h"
#include "EmailAddress.h"
#include "ServerContext.h"
#include "SqlHelpers.h"
#include "core/CsvWriter.h"
#include "core/ErrorCodes.h"
#include "core/RecordInfo.h"
#include "mail/Clock.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QStringDecoder>

#include <memory>

namespace chartinsight::server {
namespace {

Q_LOGGING_CATEGORY(lcReports, "chartinsight.server.reports", QtInfoMsg)

constexpr qint64 kDayMs = 24LL * 60 * 60 * 1000;
constexpr qint64 kWeekMs = 7 * kDayMs;
constexpr int kDefaultDayBuckets = 30;
constexpr int kDefaultWeekBuckets = 26;
// Entries per database read of a CSV export: each read holds the database lock once.
constexpr int kCsvPageSize = 500;
constexpr int kMaxActionLength = 64;

const QStringList kCsvHeader = {
    QStringLiteral("sequence"),   QStringLiteral("time"),        QStringLiteral("actor_kind"),
    QStringLiteral("actor_id"),   QStringLiteral("actor_name"),  QStringLiteral("action"),
    QStringLiteral("target_kind"), QStringLiteral("target_id"),  QStringLiteral("target_name"),
    QStringLiteral("outcome"),    QStringLiteral("client_ip"),   QStringLiteral("device_id"),
    QStringLiteral("details")};

Error invalidRequest(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kInvalidRequest), message);
}

QString isoTime(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString reportName(ReportKind kind)
{
    switch (kind) {
    case ReportKind::Access:
        return QStringLiteral("access");
    case ReportKind::Invitations:
        return QStringLiteral("invitations");
    case ReportKind::Logins:
        return QStringLiteral("logins");
    case ReportKind::Activity:
        break;
    }
    return QStringLiteral("activity");
}

QString encodeCursor(qint64 sequence)
{
    return QString::fromLatin1(
        ("s" + QByteArray::number(sequence))
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<qint64> decodeCursor(const QString& cursor)
{
    auto decoded = QByteArray::fromBase64Encoding(
        cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || !decoded.decoded.startsWith('s'))
        return std::nullopt;
    bool ok = false;
    const qint64 sequence = decoded.decoded.mid(1).toLongLong(&ok);
    if (!ok || sequence <= 0)
        return std::nullopt;
    return sequence;
}

// Parses an ISO 8601 date (the start of that day, UTC) or a date-time with "Z" or an offset.
std::optional<qint64> parseTime(const QString& text)
{
    static const QRegularExpression datePattern(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}\\z"));
    static const QRegularExpression dateTimePattern(
        QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?"
                       "(Z|[+-]\\d{2}:\\d{2})\\z"));
    QDateTime time;
    if (datePattern.match(text).hasMatch()) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (!date.isValid())
            return std::nullopt;
        time = date.startOfDay(Qt::UTC);
    } else if (dateTimePattern.match(text).hasMatch()) {
        time = QDateTime::fromString(text, Qt::ISODateWithMs);
    }
    if (!time.isValid() || time.toMSecsSinceEpoch() < 0)
        return std::nullopt;
    return time.toMSecsSinceEpoch();
}

// A query string split into names and values, percent-decoded as UTF-8. '+' stays '+', so a
// time offset such as "+01:00" may be sent unencoded.
Result<QList<std::pair<QString, QString>>> parseQuery(const QByteArray& query)
{
    QList<std::pair<QString, QString>> items;
    if (query.isEmpty())
        return items;
    for (const QByteArray& item : query.split('&')) {
        if (item.isEmpty())
            continue;
        const qsizetype equals = item.indexOf('=');
        const QByteArray rawName = equals < 0 ? item : item.left(equals);
        const QByteArray rawValue = equals < 0 ? QByteArray() : item.mid(equals + 1);
        QStringDecoder decodeName(QStringDecoder::Utf8);
        QStringDecoder decodeValue(QStringDecoder::Utf8);
        const QString name = decodeName(QByteArray::fromPercentEncoding(rawName));
        const QString value = decodeValue(QByteArray::fromPercentEncoding(rawValue));
        if (decodeName.hasError() || decodeValue.hasError()) {
            return invalidRequest(QStringLiteral("The query parameter %1 is not valid UTF-8 "
                                                 "after percent-decoding; percent-encode its "
                                                 "UTF-8 bytes.")
                                      .arg(ApiResponse::quoted(QString::fromLatin1(rawName))));
        }
        items.append({name, value});
    }
    return items;
}

bool isForbiddenNameCharacter(char32_t codePoint)
{
    switch (QChar::category(codePoint)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Other_NotAssigned:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    default:
        return false;
    }
}

// Streams a report as CSV, one page of kCsvPageSize entries per database read, so memory and
// the time the database lock is held stay bounded whatever the number of entries.
class CsvReportSource : public BodySource
{
public:
    CsvReportSource(storage::SqlDatabase& database, ReportQuery query, QString viewerId,
                    bool viewerManagesOrganization)
        : m_reports(database), m_policy(database), m_query(std::move(query)),
          m_names(database, m_policy, viewerId, m_query.organizationId,
                  viewerManagesOrganization),
          m_viewerId(std::move(viewerId))
    {
        m_pending = CsvWriter::textRecord(kCsvHeader);
    }

    qint64 size() const override { return kUnknownSize; }

    Result<qsizetype> read(char* buffer, qsizetype capacity) override
    {
        while (m_offset == m_pending.size() && !m_finished) {
            m_pending.clear();
            m_offset = 0;
            if (auto filled = fillPage(); !filled) {
                qCCritical(lcReports).noquote()
                    << "CSV export for user" << m_viewerId << "failed after"
                    << m_entriesWritten << "entries:" << filled.error().message;
                return filled.error();
            }
        }
        const qsizetype count = std::min(capacity, m_pending.size() - m_offset);
        memcpy(buffer, m_pending.constData() + m_offset, size_t(count));
        m_offset += count;
        if (m_finished && m_offset == m_pending.size() && count == 0) {
            qCInfo(lcReports).noquote() << "CSV export for user" << m_viewerId << "sent"
                                        << m_entriesWritten << "entries";
        }
        return count;
    }

private:
    Result<void> fillPage()
    {
        auto page = m_reports.page(m_query, kCsvPageSize);
        if (!page)
            return page.error();
        if (page->size() < kCsvPageSize)
            m_finished = true;
        for (const AuditEntry& entry : std::as_const(page.value())) {
            auto actorName = m_names.actorName(entry);
            if (!actorName)
                return actorName.error();
            auto targetName = m_names.targetName(entry);
            if (!targetName)
                return targetName.error();
            m_pending += CsvWriter::record({
                CsvWriter::numberField(entry.sequence),
                CsvWriter::textField(isoTime(entry.createdAt)),
                CsvWriter::textField(entry.actorKind),
                CsvWriter::textField(entry.actorId),
                CsvWriter::textField(actorName.value()),
                CsvWriter::textField(entry.action),
                CsvWriter::textField(entry.targetKind),
                CsvWriter::textField(entry.targetId),
                CsvWriter::textField(targetName.value()),
                CsvWriter::textField(entry.outcome),
                CsvWriter::textField(entry.clientIp),
                CsvWriter::textField(entry.deviceId),
                CsvWriter::textField(QString::fromUtf8(
                    QJsonDocument(entry.details).toJson(QJsonDocument::Compact))),
            });
            m_query.beforeSequence = entry.sequence;
            ++m_entriesWritten;
        }
        return {};
    }

    ReportRepository m_reports;
    AccessPolicy m_policy;
    ReportQuery m_query;
    NameResolver m_names;
    QString m_viewerId;
    QByteArray m_pending;
    qsizetype m_offset = 0;
    bool m_finished = false;
    qint64 m_entriesWritten = 0;
};

} // namespace

struct ReportService::Parameters
{
    RouteId route = RouteId::None;
    ReportQuery query;
    int limit = kDefaultPageSize;
    bool csv = false;
    bool managesOrganization = false;
    qint64 bucketMs = kDayMs;
    bool sinceGiven = false;
    bool untilGiven = false;
};

ReportService::ReportService(ServerContext& context)
    : m_context(context), m_policy(*context.database), m_reports(*context.database)
{
}

bool ReportService::handles(RouteId route)
{
    switch (route) {
    case RouteId::ReportAccess:
    case RouteId::ReportActivity:
    case RouteId::ReportActivityChart:
    case RouteId::ReportInvitations:
    case RouteId::ReportLogins:
        return true;
    default:
        return false;
    }
}

Result<HttpResponse> ReportService::handle(const HttpRequest& request, const RouteMatch& match,
                                           const SessionUser& caller)
{
    auto parameters = parseParameters(request, match.route, caller);
    if (!parameters)
        return parameters.error();
    if (match.route == RouteId::ReportActivityChart)
        return chart(parameters.value());
    if (parameters->query.kind == ReportKind::Access && !parameters->managesOrganization) {
        if (auto allowed = requireAccessReport(caller, parameters->query.recordId); !allowed)
            return allowed.error();
    }
    return parameters->csv ? csvExport(parameters.value(), caller)
                           : jsonPage(parameters.value(), caller);
}

Result<ReportService::Parameters> ReportService::parseParameters(const HttpRequest& request,
                                                                 RouteId route,
                                                                 const SessionUser& caller)
{
    Parameters parameters;
    parameters.route = route;
    ReportQuery& query = parameters.query;
    query.organizationId = caller.organizationId;
    switch (route) {
    case RouteId::ReportAccess:
        query.kind = ReportKind::Access;
        break;
    case RouteId::ReportInvitations:
        query.kind = ReportKind::Invitations;
        break;
    case RouteId::ReportLogins:
        query.kind = ReportKind::Logins;
        break;
    default:
        query.kind = ReportKind::Activity;
        break;
    }

    auto home = m_policy.homePermissions(caller.userId);
    if (!home)
        return home.error();
    parameters.managesOrganization = hasPermission(home.value(), Permission::ManageOrganization);
    if (!parameters.managesOrganization)
        query.uploaderScope = caller.userId;

    auto items = parseQuery(request.query);
    if (!items)
        return items.error();
    const bool isChart = route == RouteId::ReportActivityChart;
    QStringList allowed = {QStringLiteral("since"),  QStringLiteral("until"),
                           QStringLiteral("user"),   QStringLiteral("team"),
                           QStringLiteral("record"), QStringLiteral("action"),
                           QStringLiteral("outcome")};
    if (isChart)
        allowed << QStringLiteral("bucket");
    else
        allowed << QStringLiteral("limit") << QStringLiteral("cursor") << QStringLiteral("format");

    QStringList seen;
    for (const auto& [name, value] : std::as_const(items.value())) {
        if (!allowed.contains(name)) {
            return invalidRequest(QStringLiteral("The query parameter %1 is unknown here; use %2.")
                                      .arg(ApiResponse::quoted(name),
                                           allowed.join(QStringLiteral(", "))));
        }
        if (seen.contains(name)) {
            return invalidRequest(
                QStringLiteral("The query parameter %1 is given twice; give it once.").arg(name));
        }
        seen << name;
        const QString quotedValue = ApiResponse::quoted(value);

        if (name == QLatin1String("since") || name == QLatin1String("until")) {
            const std::optional<qint64> time = parseTime(value);
            if (!time) {
                return invalidRequest(
                    QStringLiteral("The value of %1, %2, is not a valid time; use an ISO 8601 "
                                   "date such as 2026-12-01 (the start of that day, UTC) or a "
                                   "date-time with offset such as 2026-12-01T08:30:00+01:00.")
                        .arg(name, quotedValue));
            }
            if (name == QLatin1String("since")) {
                query.since = time;
                parameters.sinceGiven = true;
            } else {
                query.until = time;
                parameters.untilGiven = true;
            }
        } else if (name == QLatin1String("user")) {
            if (value.contains(QLatin1Char('@'))) {
                auto found = m_reports.userIdByEmail(caller.organizationId, normaliseEmail(value));
                if (!found)
                    return found.error();
                if (!found.value()) {
                    return invalidRequest(QStringLiteral("No user of your organization has the "
                                                         "e-mail address %1; check the address "
                                                         "or give the user's id.")
                                              .arg(quotedValue));
                }
                query.actorId = *found.value();
            } else if (isValidRecordId(value)) {
                // Any id is accepted, because entries outlive the users they name.
                query.actorId = value;
            } else {
                return invalidRequest(QStringLiteral("The value of user, %1, is neither an "
                                                     "e-mail address nor a user id.")
                                          .arg(quotedValue));
            }
        } else if (name == QLatin1String("team")) {
            bool known = false;
            if (isValidRecordId(value)) {
                auto team = m_reports.isTeamOf(caller.organizationId, value);
                if (!team)
                    return team.error();
                known = team.value();
            }
            if (!known) {
                return invalidRequest(QStringLiteral("The value of team, %1, is not the id of a "
                                                     "team of your organization; GET "
                                                     "/api/v1/teams lists them.")
                                          .arg(quotedValue));
            }
            query.teamId = value;
        } else if (name == QLatin1String("record")) {
            if (!isValidRecordId(value)) {
                return invalidRequest(QStringLiteral("The value of record, %1, is not a record "
                                                     "id; record ids are lower-case UUIDs.")
                                          .arg(quotedValue));
            }
            query.recordId = value;
        } else if (name == QLatin1String("action")) {
            static const QRegularExpression actionPattern(
                QStringLiteral("^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*\\.?\\z"));
            if (value.size() > kMaxActionLength || !actionPattern.match(value).hasMatch()) {
                return invalidRequest(QStringLiteral("The value of action, %1, is not an action "
                                                     "name; give one such as record.viewed, or "
                                                     "a prefix ending in '.' such as record.")
                                          .arg(quotedValue));
            }
            query.action = value;
            query.actionIsPrefix = value.endsWith(QLatin1Char('.'));
        } else if (name == QLatin1String("outcome")) {
            if (value != QLatin1String("success") && value != QLatin1String("denied") &&
                value != QLatin1String("failed")) {
                return invalidRequest(QStringLiteral("The value of outcome, %1, is unknown; use "
                                                     "success, denied or failed.")
                                          .arg(quotedValue));
            }
            query.outcome = value;
        } else if (name == QLatin1String("limit")) {
            bool ok = false;
            const int limit = value.toInt(&ok);
            if (!ok || limit < 1 || limit > kMaxPageSize) {
                return invalidRequest(QStringLiteral("The value of limit, %1, is not a whole "
                                                     "number from 1 to %2.")
                                          .arg(quotedValue)
                                          .arg(kMaxPageSize));
            }
            parameters.limit = limit;
        } else if (name == QLatin1String("cursor")) {
            const std::optional<qint64> before = decodeCursor(value);
            if (!before) {
                return invalidRequest(QStringLiteral("The cursor %1 is not one this server "
                                                     "issued; pass next_cursor unchanged, or "
                                                     "leave it out for the newest page.")
                                          .arg(quotedValue));
            }
            query.beforeSequence = *before;
        } else if (name == QLatin1String("format")) {
            if (value != QLatin1String("csv") && value != QLatin1String("json")) {
                return invalidRequest(
                    QStringLiteral("The value of format, %1, is unknown; use json or csv.")
                        .arg(quotedValue));
            }
            parameters.csv = value == QLatin1String("csv");
        } else if (name == QLatin1String("bucket")) {
            if (value != QLatin1String("day") && value != QLatin1String("week")) {
                return invalidRequest(
                    QStringLiteral("The value of bucket, %1, is unknown; use day or week.")
                        .arg(quotedValue));
            }
            parameters.bucketMs = value == QLatin1String("week") ? kWeekMs : kDayMs;
        }
    }

    if (query.since && query.until && *query.since >= *query.until) {
        return invalidRequest(QStringLiteral("The period is empty: since (%1) is not before until "
                                             "(%2). Swap them or widen the period.")
                                  .arg(isoTime(*query.since), isoTime(*query.until)));
    }
    if (query.kind == ReportKind::Access && query.recordId.isEmpty()) {
        return invalidRequest(QStringLiteral("The access report needs ?record=ID, the id of the "
                                             "record whose access history to show."));
    }
    if (query.kind == ReportKind::Logins) {
        // For this report `user` names the account whose sign-ins are listed, as actor or
        // target, instead of filtering by actor.
        if (query.actorId.isEmpty()) {
            return invalidRequest(QStringLiteral("The login report needs ?user=EMAIL_OR_ID, the "
                                                 "user whose sign-ins to show."));
        }
        query.subjectUserId = query.actorId;
        query.actorId.clear();
    }
    return parameters;
}

Result<void> ReportService::requireAccessReport(const SessionUser& caller,
                                                const QString& recordId)
{
    auto uploader = m_reports.isUploader(caller.organizationId, caller.userId, recordId);
    if (!uploader)
        return uploader.error();
    if (uploader.value())
        return {};
    auto visible = m_policy.canSeeRecord(caller.userId, recordId);
    if (!visible)
        return visible.error();
    return makeError(QString::fromLatin1(authc::kForbidden),
                     QStringLiteral("Only the uploader of record %1 and holders of "
                                    "manage_organization in General may read its access report.")
                         .arg(recordId));
}

Result<HttpResponse> ReportService::jsonPage(const Parameters& parameters,
                                             const SessionUser& caller)
{
    auto entries = m_reports.page(parameters.query, parameters.limit + 1);
    if (!entries)
        return entries.error();
    const bool more = entries->size() > parameters.limit;
    if (more)
        entries->resize(parameters.limit);

    NameResolver names(*m_context.database, m_policy, caller.userId, caller.organizationId,
                       parameters.managesOrganization);
    QJsonArray array;
    for (const AuditEntry& entry : std::as_const(entries.value())) {
        auto actorName = names.actorName(entry);
        if (!actorName)
            return actorName.error();
        auto targetName = names.targetName(entry);
        if (!targetName)
            return targetName.error();
        array.append(QJsonObject{
            {QStringLiteral("sequence"), double(entry.sequence)},
            {QStringLiteral("time"), isoTime(entry.createdAt)},
            {QStringLiteral("actor_kind"), entry.actorKind},
            {QStringLiteral("actor_id"), entry.actorId},
            {QStringLiteral("actor_name"), actorName.value()},
            {QStringLiteral("action"), entry.action},
            {QStringLiteral("target_kind"), entry.targetKind},
            {QStringLiteral("target_id"), entry.targetId},
            {QStringLiteral("target_name"), targetName.value()},
            {QStringLiteral("outcome"), entry.outcome},
            {QStringLiteral("client_ip"), entry.clientIp},
            {QStringLiteral("device_id"), entry.deviceId},
            {QStringLiteral("details"), entry.details},
        });
    }
    const QJsonValue next =
        more ? QJsonValue(encodeCursor(entries->last().sequence)) : QJsonValue(QJsonValue::Null);
    HttpResponse response = ApiResponse::json(
        200, QJsonObject{{QStringLiteral("entries"), array}, {QStringLiteral("next_cursor"), next}});
    response.userId = caller.userId;
    return response;
}

Result<HttpResponse> ReportService::csvExport(const Parameters& parameters,
                                              const SessionUser& caller)
{
    ReportQuery query = parameters.query;
    // The export covers the trail as it is now: its own report.exported entry and later ones
    // are left out, however long the transfer takes.
    auto last = m_reports.lastSequence();
    if (!last)
        return last.error();
    query.throughSequence = last.value();

    QString targetKind;
    QString targetId;
    if (query.kind == ReportKind::Access) {
        targetKind = QStringLiteral("record");
        targetId = query.recordId;
    } else if (query.kind == ReportKind::Logins) {
        targetKind = QStringLiteral("user");
        targetId = query.subjectUserId;
    }
    AuditEntry exported = userAuditEntry(caller, QStringLiteral("report.exported"), targetKind,
                                         targetId, QStringLiteral("success"));
    exported.details = QJsonObject{{QStringLiteral("report"), reportName(query.kind)},
                                   {QStringLiteral("format"), QStringLiteral("csv")}};
    if (auto appended = AuditLog(*m_context.database).append(exported); !appended)
        return appended.error();
    qCInfo(lcReports).noquote() << "user" << caller.userId << "exports the"
                                << reportName(query.kind) << "report as CSV through entry"
                                << last.value();

    HttpResponse response;
    response.status = 200;
    response.setHeader("Content-Type", "text/csv; charset=utf-8");
    response.setHeader("Content-Disposition",
                       "attachment; filename=\"chartinsight-" + reportName(query.kind).toLatin1() +
                           "-report.csv\"");
    response.bodySource = std::make_shared<CsvReportSource>(
        *m_context.database, query, caller.userId, parameters.managesOrganization);
    response.userId = caller.userId;
    return response;
}

Result<HttpResponse> ReportService::chart(const Parameters& parameters)
{
    ReportQuery query = parameters.query;
    const qint64 bucketMs = parameters.bucketMs;
    const int defaultBuckets = bucketMs == kWeekMs ? kDefaultWeekBuckets : kDefaultDayBuckets;
    const qint64 until =
        query.until.value_or(m_context.clock ? m_context.clock->currentMSecsSinceEpoch()
                                             : QDateTime::currentMSecsSinceEpoch());
    const qint64 since = query.since.value_or(std::max<qint64>(0, until - defaultBuckets * bucketMs));

    // Buckets start at midnight UTC, and weeks start on Monday. 1970-01-01 was a Thursday,
    // three days after a Monday.
    qint64 start = since - since % kDayMs;
    if (bucketMs == kWeekMs) {
        const qint64 day = start / kDayMs;
        start = (day - (day + 3) % 7) * kDayMs;
    }
    const qint64 bucketCount = (until - start + bucketMs - 1) / bucketMs;
    if (bucketCount > kMaxChartBuckets) {
        return invalidRequest(QStringLiteral("The period from %1 to %2 has %3 buckets; the chart "
                                             "shows at most %4. Shorten the period or use "
                                             "bucket=week.")
                                  .arg(isoTime(start), isoTime(until))
                                  .arg(bucketCount)
                                  .arg(kMaxChartBuckets));
    }
    query.since = std::max<qint64>(start, 0);
    query.until = until;
    auto counts = m_reports.chart(query, start, bucketMs);
    if (!counts)
        return counts.error();

    QList<QJsonObject> byAction(bucketCount);
    QList<qint64> totals(bucketCount, 0);
    for (const ChartCount& count : std::as_const(counts.value())) {
        if (count.bucket < 0 || count.bucket >= bucketCount)
            continue;
        byAction[count.bucket].insert(count.action, double(count.count));
        totals[count.bucket] += count.count;
    }
    QJsonArray buckets;
    for (qint64 i = 0; i < bucketCount; ++i) {
        buckets.append(QJsonObject{{QStringLiteral("start"), isoTime(start + i * bucketMs)},
                                   {QStringLiteral("count"), double(totals.at(i))},
                                   {QStringLiteral("by_action"), byAction.at(i)}});
    }
    return ApiResponse::json(200, QJsonObject{{QStringLiteral("buckets"), buckets}});
}

Result<QString> ReportService::setDisplayName(const SessionUser& caller,
                                              const QJsonValue& displayName)
{
    if (!displayName.isString()) {
        return invalidRequest(QStringLiteral("The body must be a JSON object with the string "
                                             "\"display_name\"; an empty string clears it."));
    }
    const QString name = displayName.toString().trimmed().normalized(QString::NormalizationForm_C);
    const auto codePoints = name.toUcs4(); // QList<uint> in Qt 6.4, QList<char32_t> later
    if (codePoints.size() > kMaxDisplayNameLength) {
        return invalidRequest(QStringLiteral("The display name %1 has %2 characters; use at most "
                                             "%3.")
                                  .arg(ApiResponse::quoted(name))
                                  .arg(codePoints.size())
                                  .arg(kMaxDisplayNameLength));
    }
    for (const char32_t codePoint : codePoints) {
        if (isForbiddenNameCharacter(codePoint)) {
            return invalidRequest(QStringLiteral("The display name %1 contains the control or "
                                                 "format character U+%2; remove it.")
                                      .arg(ApiResponse::quoted(name))
                                      .arg(uint(codePoint), 4, 16, QLatin1Char('0')));
        }
    }

    auto done = m_context.database->withLock([&](storage::SqlDatabase& db) -> Result<bool> {
        bool changed = false;
        auto saved = db.transaction([&]() -> Result<void> {
            auto current = sql::firstRow(
                db, QStringLiteral("SELECT display_name FROM users WHERE id = ?"),
                {caller.userId}, 1);
            if (!current)
                return current.error();
            if (!current.value()) {
                return makeError(QString::fromLatin1(errc::kNotFound),
                                 QStringLiteral("The signed-in account no longer exists."));
            }
            if (current.value()->at(0).toString() == name)
                return {};
            auto updated = sql::run(
                db, QStringLiteral("UPDATE users SET display_name = ? WHERE id = ?"),
                {name, caller.userId});
            if (!updated)
                return updated.error();
            changed = true;
            return AuditLog(db).append(userAuditEntry(caller,
                                                      QStringLiteral(
                                                          "account.display_name_changed"),
                                                      QStringLiteral("user"), caller.userId,
                                                      QStringLiteral("success")));
        });
        if (!saved)
            return saved.error();
        return changed;
    });
    if (!done)
        return done.error();
    if (done.value())
        qCInfo(lcReports).noquote() << "user" << caller.userId << "changed their display name";
    return name;
}

} // namespace chartinsight::server
