#include "AuditViewModel.h"

#include "AccessText.h"
#include "AuditText.h"
#include "TaskFinished.h"
#include "UiLogging.h"
#include "core/RecordInfo.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QVariantMap>

namespace chartinsight::ui {
namespace {

// Maximum length of a filter value, in characters; longer text cannot be an id or e-mail.
constexpr qsizetype kMaxFilterChars = 254;

Error invalidFilter(const QString& message)
{
    return makeError(QStringLiteral("invalid_request"), message);
}

QVariantMap choice(const QString& value, const QString& text)
{
    return {{QStringLiteral("value"), value}, {QStringLiteral("text"), text}};
}

} // namespace

AuditViewModel::AuditViewModel(QObject* parent) : AuditEntryModel(parent) {}

void AuditViewModel::setFilterField(QString& field, const QString& value)
{
    const QString trimmed = value.trimmed();
    if (trimmed == field)
        return;
    field = trimmed;
    emit filterChanged();
}

void AuditViewModel::setSince(const QString& since)
{
    setFilterField(m_since, since);
}

void AuditViewModel::setUntil(const QString& until)
{
    setFilterField(m_until, until);
}

void AuditViewModel::setUser(const QString& user)
{
    setFilterField(m_user, user);
}

void AuditViewModel::setTeam(const QString& team)
{
    setFilterField(m_team, team);
}

void AuditViewModel::setRecord(const QString& record)
{
    setFilterField(m_record, record);
}

void AuditViewModel::setAction(const QString& action)
{
    setFilterField(m_action, action);
}

void AuditViewModel::setOutcome(const QString& outcome)
{
    setFilterField(m_outcome, outcome);
}

QString AuditViewModel::sinceError() const
{
    const Result<QDate> since = AuditText::parseFilterDate(m_since, tr("From"));
    return since ? QString() : since.error().message;
}

QString AuditViewModel::untilError() const
{
    const Result<QDate> until = AuditText::parseFilterDate(m_until, tr("To"));
    if (!until)
        return until.error().message;
    const Result<QDate> since = AuditText::parseFilterDate(m_since, tr("From"));
    if (since && since->isValid() && until->isValid() && *until < *since) {
        return tr("The period ends on %1, before it starts on %2: enter a To date on or after "
                  "the From date.")
            .arg(m_until, m_since);
    }
    return {};
}

bool AuditViewModel::isFiltered() const
{
    return !(m_since.isEmpty() && m_until.isEmpty() && m_user.isEmpty() && m_team.isEmpty() &&
             m_record.isEmpty() && m_action.isEmpty() && m_outcome.isEmpty());
}

QVariantList AuditViewModel::actionChoices() const
{
    return AuditText::actionChoices();
}

QVariantList AuditViewModel::outcomeChoices() const
{
    return AuditText::outcomeChoices();
}

void AuditViewModel::resetFilters()
{
    if (!isFiltered())
        return;
    m_since.clear();
    m_until.clear();
    m_user.clear();
    m_team.clear();
    m_record.clear();
    m_action.clear();
    m_outcome.clear();
    emit filterChanged();
}

Result<client::ReportFilter> AuditViewModel::currentFilter() const
{
    if (const QString error = sinceError(); !error.isEmpty())
        return invalidFilter(error);
    if (const QString error = untilError(); !error.isEmpty())
        return invalidFilter(error);
    for (const auto& [value, field] : {std::pair{&m_user, tr("User")}, {&m_team, tr("Team")},
                                       {&m_record, tr("Record")}, {&m_action, tr("Action")}}) {
        if (value->size() > kMaxFilterChars || value->contains(QLatin1Char('\n'))) {
            return invalidFilter(tr("The %1 filter is not valid: enter one id or e-mail address.")
                                     .arg(field));
        }
    }
    if (!m_record.isEmpty() && !isValidRecordId(m_record)) {
        return invalidFilter(
            tr("'%1' is not a record id: ids look like 123e4567-e89b-42d3-a456-426614174000. "
               "Copy it from the Record column, or leave the field empty.")
                .arg(m_record.left(64)));
    }

    client::ReportFilter filter;
    const QDate since = AuditText::parseFilterDate(m_since, {}).value();
    const QDate until = AuditText::parseFilterDate(m_until, {}).value();
    if (since.isValid())
        filter.since = AuditText::startOfLocalDay(since);
    // The To day is included: the period ends where the next local day starts.
    if (until.isValid())
        filter.until = AuditText::startOfLocalDay(until.addDays(1));
    filter.user = m_user;
    filter.team = m_team;
    filter.record = m_record;
    filter.action = m_action;
    filter.outcome = m_outcome;
    return filter;
}

Result<client::ReportFilter> AuditViewModel::buildFilter() const
{
    return currentFilter();
}

client::ReportKind AuditViewModel::reportKind() const
{
    return client::ReportKind::Activity;
}

const char* AuditViewModel::reportName() const
{
    return "activity";
}

QString AuditViewModel::actionDescription() const
{
    return tr("read the audit log");
}

void AuditViewModel::loadChoices()
{
    client::ClientSession* current = session();
    if (!current)
        return;
    whenFinished(current->organizationUsers(), this, [this](const client::ClientTask& finished) {
        if (!finished.succeeded()) {
            // The picker then offers only "Anyone", and the other filters still work.
            qCInfo(lcUiAudit) << "user list failed:" << finished.error().code;
            return;
        }
        QVariantList users{choice({}, tr("Anyone"))};
        for (const QJsonValue& value : AccessText::arrayOf(finished.result(), QStringLiteral("users"))) {
            const QJsonObject user = value.toObject();
            const QString email = user.value(QStringLiteral("email")).toString();
            const QString name = user.value(QStringLiteral("display_name")).toString();
            users.append(choice(email, name.isEmpty() ? email
                                                      : QStringLiteral("%1 <%2>").arg(name, email)));
        }
        m_userChoices = users;
        emit choicesChanged();
    });
    whenFinished(current->teams(), this, [this](const client::ClientTask& finished) {
        if (!finished.succeeded()) {
            qCInfo(lcUiAudit) << "team list failed:" << finished.error().code;
            return;
        }
        QVariantList teams{choice({}, tr("Any team"))};
        for (const QJsonValue& value : AccessText::arrayOf(finished.result(), QStringLiteral("teams"))) {
            const QJsonObject team = value.toObject();
            teams.append(choice(team.value(QStringLiteral("id")).toString(),
                                team.value(QStringLiteral("name")).toString()));
        }
        m_teamChoices = teams;
        emit choicesChanged();
    });
}

} // namespace chartinsight::ui
