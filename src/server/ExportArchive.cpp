#include "ExportArchive.h"

#include "AccessPolicy.h"
#include "AuditLog.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "SqlHelpers.h"
#include "core/ErrorCodes.h"
#include "core/FileName.h"
#include "crypto/Hash.h"
#include "crypto/KeyWrap.h"
#include "crypto/SegmentedCipher.h"
#include "mail/Clock.h"
#include "storage/FileStore.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>
#include <QJsonDocument>

#include <algorithm>
#include <cstring>

namespace chartinsight::server {
namespace {

// Plaintext bytes copied into the archive per step; one segment of the stored format.
constexpr qsizetype kContentStep = crypto::kDefaultSegmentSize;

const QString kContentIncluded = QStringLiteral("included");
const QString kContentDamaged = QStringLiteral("damaged");

QString isoTime(qint64 milliseconds)
{
    return QDateTime::fromMSecsSinceEpoch(milliseconds, Qt::UTC).toString(Qt::ISODateWithMs);
}

QByteArray jsonBytes(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Indented);
}

// The member name of a record's file: its stored name, sanitised again so that no stored value
// can name a path outside the record's folder, and never "record.json", which the folder
// already holds. Case is ignored because many file systems ignore it.
QString contentMemberName(const QString& filename)
{
    auto sanitized = sanitizeFileName(filename);
    QString name = sanitized ? sanitized.value() : QStringLiteral("content");
    if (name.compare(QStringLiteral("record.json"), Qt::CaseInsensitive) == 0)
        name.prepend(QStringLiteral("file-"));
    return name;
}

QString recordFolder(const QString& recordId)
{
    return QStringLiteral("records/") + recordId + QLatin1Char('/');
}

Error archiveChanged(const QString& what)
{
    return makeError(QString::fromLatin1(errc::kInternal),
                     QStringLiteral("The export was stopped because %1 changed while it was "
                                    "being written; start the export again.")
                         .arg(what));
}

} // namespace

ExportArchive::ExportArchive(ServerContext& context, ExportPlan plan)
    : m_context(context), m_plan(std::move(plan)), m_records(*context.database)
{
}

ExportArchive::~ExportArchive()
{
    if (m_stage != Stage::Done && m_stage != Stage::Failed) {
        // The client went away or the server stopped before the end.
        qCInfo(lcRecords).noquote() << "export for user" << m_plan.user.userId << "ended after"
                                    << m_filesWritten << "of" << m_plan.recordIds.size()
                                    << "records";
    }
}

Result<qsizetype> ExportArchive::read(char* buffer, qsizetype capacity)
{
    while (m_pendingOffset >= m_pending.size()) {
        if (m_stage == Stage::Done)
            return qsizetype(0);
        if (m_stage == Stage::Failed) {
            return makeError(QString::fromLatin1(errc::kInternal),
                             QStringLiteral("The export already failed."));
        }
        if (auto advanced = advance(); !advanced) {
            recordFailure(advanced.error());
            return advanced.error();
        }
        m_pending = m_tar.takeOutput();
        m_pendingOffset = 0;
    }
    const qsizetype count = std::min(capacity, m_pending.size() - m_pendingOffset);
    std::memcpy(buffer, m_pending.constData() + m_pendingOffset, size_t(count));
    m_pendingOffset += count;
    return count;
}

Result<void> ExportArchive::advance()
{
    switch (m_stage) {
    case Stage::Records:
        if (m_reader)
            return continueRecord();
        if (m_recordIndex < m_plan.recordIds.size())
            return startRecord(m_plan.recordIds.at(m_recordIndex++));
        m_stage = Stage::Audit;
        return startAudit();
    case Stage::Audit:
        return continueAudit();
    case Stage::Manifest:
        return writeManifest();
    case Stage::Done:
    case Stage::Failed:
        break;
    }
    return {};
}

Result<std::optional<RecordRow>> ExportArchive::loadRecord(const QString& recordId)
{
    if (m_plan.scope == ExportScope::Organization)
        return m_records.findInOrganization(recordId, m_plan.user.organizationId);
    // Visibility is checked again here, so a record unshared during the export stays out.
    return m_records.findVisible(recordId, m_plan.user.userId);
}

Result<QJsonObject> ExportArchive::recordJson(const RecordRow& row, const QString& contentState,
                                              const QString& contentPath)
{
    QJsonObject object = row.toInfo().toJson();
    // Whether the exporting user may edit or share is a property of the request, not the record.
    object.remove(QStringLiteral("can_edit"));
    object.remove(QStringLiteral("can_share"));
    object.remove(QStringLiteral("can_delete"));
    auto shared = m_records.sharedWith(row.id);
    if (!shared)
        return shared.error();
    object.insert(QStringLiteral("shared_with"), QJsonArray::fromStringList(shared.value()));
    auto templateRow = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(db,
                             QStringLiteral("SELECT t.id, t.name, t.category, t.retention_days, "
                                            "t.sharing FROM records r JOIN record_templates t "
                                            "ON t.id = r.template_id WHERE r.id = ?"),
                             {row.id}, 5);
    });
    if (!templateRow)
        return templateRow.error();
    QJsonValue recordTemplate(QJsonValue::Null);
    if (templateRow.value()) {
        const QVariantList& columns = *templateRow.value();
        recordTemplate = QJsonObject{
            {QStringLiteral("id"), columns.at(0).toString()},
            {QStringLiteral("name"), columns.at(1).toString()},
            {QStringLiteral("category"), columns.at(2).toString()},
            {QStringLiteral("retention_days"), columns.at(3).isNull()
                                                   ? QJsonValue(QJsonValue::Null)
                                                   : QJsonValue(columns.at(3).toLongLong())},
            {QStringLiteral("sharing"), columns.at(4).toString()},
        };
    }
    object.insert(QStringLiteral("template"), recordTemplate);
    object.insert(QStringLiteral("content"),
                  QJsonObject{{QStringLiteral("state"), contentState},
                              {QStringLiteral("path"), contentPath.isEmpty()
                                                           ? QJsonValue(QJsonValue::Null)
                                                           : QJsonValue(contentPath)}});
    return object;
}

Result<bool> ExportArchive::verifyContent(const RecordRow& row, crypto::DecryptingReader& reader)
{
    if (reader.size() != row.size)
        return false;
    crypto::Sha256 hash;
    QByteArray segment(kContentStep, Qt::Uninitialized);
    qint64 offset = 0;
    while (offset < row.size) {
        auto read = reader.readAt(offset, segment.data(), segment.size());
        if (!read) {
            if (read.error().code == QLatin1String(errc::kIntegrity))
                return false;
            return read.error();
        }
        if (read.value() == 0)
            return false;
        hash.addData(segment.constData(), read.value());
        offset += read.value();
    }
    return QString::fromLatin1(hash.result().toHex()) == row.sha256;
}

Result<void> ExportArchive::startRecord(const QString& recordId)
{
    auto found = loadRecord(recordId);
    if (!found)
        return found.error();
    if (!found.value()) {
        qCInfo(lcRecords).noquote() << "export for user" << m_plan.user.userId
                                    << "skips record" << recordId
                                    << "because it was erased or hidden meanwhile";
        m_skipped.append(recordId);
        return {};
    }
    const RecordRow& row = *found.value();
    const QString folder = recordFolder(row.id);

    std::unique_ptr<crypto::DecryptingReader> reader;
    auto dataKey = crypto::unwrapKey(m_context.secrets.masterKey, row.wrappedKey, row.id.toUtf8());
    if (dataKey) {
        auto opened = m_context.fileStore->open(row.objectId, dataKey.value());
        if (opened) {
            reader = std::move(opened).value();
        } else if (opened.error().code != QLatin1String(errc::kIntegrity)) {
            qCCritical(lcRecords).noquote() << "export cannot open object" << row.objectId
                                            << "of record" << row.id << ":"
                                            << opened.error().message;
            return opened.error();
        }
    } else {
        qCCritical(lcRecords).noquote() << "export cannot unwrap the key of record" << row.id
                                        << ":" << dataKey.error().message;
    }
    bool intact = false;
    if (reader) {
        auto verified = verifyContent(row, *reader);
        if (!verified)
            return verified.error();
        intact = verified.value();
    }

    const QString contentPath = intact ? folder + contentMemberName(row.filename) : QString();
    auto json = recordJson(row, intact ? kContentIncluded : kContentDamaged, contentPath);
    if (!json)
        return json.error();
    if (auto added = m_tar.addFile(folder + QStringLiteral("record.json"), jsonBytes(*json),
                                   row.createdAt);
        !added)
        return added;
    if (!intact) {
        qCCritical(lcRecords).noquote() << "export leaves out the damaged content of record"
                                        << row.id;
        m_damaged.append(row.id);
        return {};
    }
    if (auto begun = m_tar.beginFile(contentPath, row.size, row.createdAt); !begun)
        return begun;
    m_reader = std::move(reader);
    m_readerRecordId = row.id;
    m_readerOffset = 0;
    m_readerSize = row.size;
    if (m_readerSize == 0)
        return continueRecord();
    return {};
}

Result<void> ExportArchive::continueRecord()
{
    if (m_readerOffset < m_readerSize) {
        QByteArray segment(
            qsizetype(std::min<qint64>(kContentStep, m_readerSize - m_readerOffset)),
            Qt::Uninitialized);
        auto read = m_reader->readAt(m_readerOffset, segment.data(), segment.size());
        if (!read || read.value() == 0) {
            qCCritical(lcRecords).noquote() << "export stops: record" << m_readerRecordId
                                            << "failed at offset" << m_readerOffset
                                            << "after it was verified";
            return archiveChanged(QStringLiteral("the stored file of record %1")
                                      .arg(m_readerRecordId));
        }
        if (auto written = m_tar.writeData(segment.constData(), read.value()); !written)
            return written;
        m_readerOffset += read.value();
        m_contentBytes += read.value();
    }
    if (m_readerOffset >= m_readerSize) {
        m_reader.reset();
        ++m_filesWritten;
    }
    return {};
}

Result<QList<QByteArray>> ExportArchive::auditPage(qint64 after, qint64& lastRead)
{
    lastRead = after;
    auto found = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::rows(
            db,
            QStringLiteral("SELECT sequence, created_at, actor_kind, actor_id, action, "
                           "target_kind, target_id, outcome, client_ip, device_id, details, "
                           "organization_id FROM audit_log WHERE sequence > ? AND sequence <= ? "
                           "ORDER BY sequence LIMIT ?"),
            {after, m_plan.lastAuditSequence, qint64(kAuditPageSize)}, 12);
    });
    if (!found)
        return found.error();
    const bool wholeOrganization = m_plan.scope == ExportScope::Organization;
    QList<QByteArray> entries;
    for (const QVariantList& columns : std::as_const(found.value())) {
        lastRead = columns.at(0).toLongLong();
        const QString actorId = columns.at(3).toString();
        const QString targetId = columns.at(6).toString();
        const QString organizationId = columns.at(11).toString();
        const bool matches =
            (wholeOrganization && organizationId == m_plan.user.organizationId) ||
            (!actorId.isEmpty() && m_plan.auditActorIds.contains(actorId)) ||
            (!targetId.isEmpty() && m_plan.auditTargetIds.contains(targetId));
        if (!matches)
            continue;
        const QJsonObject entry{
            {QStringLiteral("sequence"), columns.at(0).toLongLong()},
            {QStringLiteral("time"), isoTime(columns.at(1).toLongLong())},
            {QStringLiteral("actor_kind"), columns.at(2).toString()},
            {QStringLiteral("actor_id"), actorId},
            {QStringLiteral("action"), columns.at(4).toString()},
            {QStringLiteral("target_kind"), columns.at(5).toString()},
            {QStringLiteral("target_id"), targetId},
            {QStringLiteral("outcome"), columns.at(7).toString()},
            {QStringLiteral("client_ip"), columns.at(8).toString()},
            {QStringLiteral("device_id"), columns.at(9).toString()},
            {QStringLiteral("details"),
             QJsonDocument::fromJson(columns.at(10).toString().toUtf8()).object()},
            {QStringLiteral("organization_id"), organizationId},
        };
        entries << QJsonDocument(entry).toJson(QJsonDocument::Compact);
    }
    return entries;
}

// audit.json is {"entries": [ ... ]} with one entry per line. Its tar header needs its size,
// so a first pass over the fixed range of the append-only trail counts the bytes and a second
// pass writes them. A difference between the passes stops the export.
namespace {
const QByteArray kAuditPrefix = "{\n\"entries\": [\n";
const QByteArray kAuditSeparator = ",\n";
const QByteArray kAuditSuffix = "\n]\n}\n";
const QByteArray kAuditEmptySuffix = "]\n}\n";
} // namespace

Result<void> ExportArchive::startAudit()
{
    qint64 size = kAuditPrefix.size();
    qint64 count = 0;
    qint64 cursor = 0;
    for (;;) {
        qint64 lastRead = cursor;
        auto page = auditPage(cursor, lastRead);
        if (!page)
            return page.error();
        if (lastRead == cursor)
            break;
        cursor = lastRead;
        for (const QByteArray& entry : std::as_const(page.value())) {
            size += entry.size() + (count > 0 ? kAuditSeparator.size() : 0);
            ++count;
        }
    }
    size += count > 0 ? kAuditSuffix.size() : kAuditEmptySuffix.size();
    m_auditSize = size;
    m_auditEntries = count;
    m_auditCursor = 0;
    m_auditFirstEntry = true;
    if (auto begun = m_tar.beginFile(QStringLiteral("audit.json"), size, m_plan.createdAt);
        !begun)
        return begun;
    if (auto written = m_tar.writeData(kAuditPrefix.constData(), kAuditPrefix.size()); !written)
        return written;
    m_auditWritten = kAuditPrefix.size();
    return {};
}

Result<void> ExportArchive::continueAudit()
{
    qint64 lastRead = m_auditCursor;
    auto page = auditPage(m_auditCursor, lastRead);
    if (!page)
        return page.error();
    QByteArray text;
    if (lastRead == m_auditCursor) {
        text = m_auditFirstEntry ? kAuditEmptySuffix : kAuditSuffix;
        m_stage = Stage::Manifest;
    }
    m_auditCursor = lastRead;
    QByteArray entries;
    for (const QByteArray& entry : std::as_const(page.value())) {
        if (!m_auditFirstEntry)
            entries += kAuditSeparator;
        entries += entry;
        m_auditFirstEntry = false;
    }
    text.prepend(entries);
    if (m_auditWritten + text.size() > m_auditSize ||
        (m_stage == Stage::Manifest && m_auditWritten + text.size() != m_auditSize)) {
        return archiveChanged(QStringLiteral("the audit trail"));
    }
    m_auditWritten += text.size();
    return m_tar.writeData(text.constData(), text.size());
}

Result<void> ExportArchive::writeManifest()
{
    const bool wholeOrganization = m_plan.scope == ExportScope::Organization;
    const QJsonObject manifest{
        {QStringLiteral("format"), QStringLiteral("chartinsight-export")},
        {QStringLiteral("format_version"), ExportService::kFormatVersion},
        {QStringLiteral("kind"), wholeOrganization ? QStringLiteral("organization")
                                                   : QStringLiteral("personal")},
        {QStringLiteral("organization_id"), m_plan.user.organizationId},
        {QStringLiteral("exported_by"),
         QJsonObject{{QStringLiteral("user_id"), m_plan.user.userId},
                     {QStringLiteral("email"), m_plan.userEmail}}},
        {QStringLiteral("created_at"), isoTime(m_plan.createdAt)},
        {QStringLiteral("server_version"), QStringLiteral(CHARTINSIGHT_VERSION)},
        {QStringLiteral("counts"),
         QJsonObject{{QStringLiteral("records"), qint64(m_plan.recordIds.size())},
                     {QStringLiteral("files"), m_filesWritten},
                     {QStringLiteral("content_bytes"), m_contentBytes},
                     {QStringLiteral("damaged"), qint64(m_damaged.size())},
                     {QStringLiteral("skipped"), qint64(m_skipped.size())},
                     {QStringLiteral("audit_entries"), m_auditEntries}}},
        {QStringLiteral("damaged_records"), m_damaged},
        {QStringLiteral("skipped_records"), m_skipped},
        {QStringLiteral("audit_up_to_sequence"), m_plan.lastAuditSequence},
    };
    if (auto added =
            m_tar.addFile(QStringLiteral("manifest.json"), jsonBytes(manifest), m_plan.createdAt);
        !added)
        return added;
    if (auto finished = m_tar.finish(); !finished)
        return finished;
    m_stage = Stage::Done;
    qCInfo(lcRecords).noquote() << "export for user" << m_plan.user.userId << "finished:"
                                << m_filesWritten << "files," << m_damaged.size() << "damaged,"
                                << m_skipped.size() << "skipped," << m_auditEntries
                                << "audit entries";
    return {};
}

void ExportArchive::recordFailure(const Error& error)
{
    m_stage = Stage::Failed;
    qCCritical(lcRecords).noquote() << "export for user" << m_plan.user.userId
                                    << "failed:" << error.code << "-" << error.message;
    AuditEntry entry = userAuditEntry(
        m_plan.user,
        m_plan.scope == ExportScope::Organization ? QStringLiteral("export.organization")
                                                  : QStringLiteral("export.personal"),
        m_plan.scope == ExportScope::Organization ? QStringLiteral("organization")
                                                  : QStringLiteral("user"),
        m_plan.scope == ExportScope::Organization ? m_plan.user.organizationId
                                                  : m_plan.user.userId,
        QStringLiteral("failed"));
    entry.createdAt = m_context.clock->currentMSecsSinceEpoch();
    entry.details = QJsonObject{{QStringLiteral("records_written"), m_filesWritten}};
    if (auto appended = AuditLog(*m_context.database).append(entry); !appended) {
        qCCritical(lcRecords).noquote() << "audit entry of the failed export for user"
                                        << m_plan.user.userId
                                        << "failed:" << appended.error().message;
    }
}

} // namespace chartinsight::server
