#include "AccessHistory.h"

#include "core/RecordInfo.h"

namespace chartinsight::ui {

AccessHistory::AccessHistory(QObject* parent) : AuditEntryModel(parent) {}

void AccessHistory::open(const QString& recordId, const QString& recordName)
{
    if (recordId != m_recordId || recordName != m_recordName) {
        m_recordId = recordId;
        m_recordName = recordName;
        emit recordChanged();
    }
    clearMessages();
    refresh();
}

void AccessHistory::close()
{
    clear();
    if (m_recordId.isEmpty() && m_recordName.isEmpty())
        return;
    m_recordId.clear();
    m_recordName.clear();
    emit recordChanged();
}

client::ReportKind AccessHistory::reportKind() const
{
    return client::ReportKind::Access;
}

const char* AccessHistory::reportName() const
{
    return "access";
}

Result<client::ReportFilter> AccessHistory::buildFilter() const
{
    if (!isValidRecordId(m_recordId)) {
        return makeError(QStringLiteral("invalid_request"),
                         tr("Choose a record in the records list to see who opened it."));
    }
    client::ReportFilter filter;
    filter.record = m_recordId;
    return filter;
}

QString AccessHistory::actionDescription() const
{
    return tr("read who opened this record");
}

} // namespace chartinsight::ui
