#include "UploadSession.h"

#include "AccessPolicy.h"
#include "AuditLog.h"
#include "Derivatives.h"
#include "RecordRepository.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "core/ErrorCodes.h"
#include "crypto/KeyWrap.h"
#include "crypto/Random.h"
#include "mail/Clock.h"
#include "scan/Scanner.h"
#include "storage/FileStore.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>

namespace chartinsight::server {
namespace {

constexpr qint64 kMillisecondsPerDay = 24LL * 60 * 60 * 1000;

const char* verdictName(scan::Verdict verdict)
{
    switch (verdict) {
    case scan::Verdict::Clean:
        return "clean";
    case scan::Verdict::Infected:
        return "infected";
    case scan::Verdict::Incomplete:
        return "incomplete";
    case scan::Verdict::Encrypted:
        return "encrypted";
    case scan::Verdict::Failed:
        return "failed";
    }
    return "unknown";
}

} // namespace

UploadSession::UploadSession(ServerContext& context, SessionUser owner, QString filename,
                             UploadTarget target, std::unique_ptr<storage::PendingObject> object)
    : m_context(context), m_owner(std::move(owner)), m_filename(std::move(filename)),
      m_target(std::move(target)), m_recordId(crypto::randomUuid()), m_object(std::move(object))
{
}

UploadSession::~UploadSession()
{
    if (!m_done)
        discard(QStringLiteral("the upload did not complete"));
}

void UploadSession::discard(const QString& reason)
{
    if (m_done)
        return;
    m_done = true;
    m_context.fileStore->discard(*m_object);
    qCInfo(lcRecords).noquote() << "upload rejected: record" << m_recordId << "object"
                                << m_object->objectId << "user" << m_owner.userId << "after"
                                << m_received << "bytes:" << reason;
}

Result<void> UploadSession::append(const char* data, qsizetype size)
{
    if (m_done) {
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("The upload was already closed."));
    }
    if (m_received + size > m_context.maxUploadSize) {
        m_received += size;
        discard(QStringLiteral("the body is larger than the upload limit"));
        return makeError(QString::fromLatin1(errc::kPayloadTooLarge),
                         QStringLiteral("The file is larger than this server's upload limit of "
                                        "%1 bytes; split it or ask the administrator to raise "
                                        "--max-upload-size.")
                             .arg(m_context.maxUploadSize));
    }
    if (auto written = m_object->writer->write(data, size); !written) {
        discard(QStringLiteral("encrypting failed: ") + written.error().message);
        return written.error();
    }
    m_hash.addData(data, size);
    m_received += size;
    return {};
}

Result<RecordInfo> UploadSession::finish()
{
    if (m_done) {
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("The upload was already closed."));
    }
    if (auto finished = m_object->writer->finish(); !finished) {
        discard(QStringLiteral("finishing the encrypted file failed: ") + finished.error().message);
        return finished.error();
    }

    auto reader = m_context.fileStore->openPending(*m_object);
    if (!reader) {
        discard(QStringLiteral("reading the encrypted file back failed: ") +
                reader.error().message);
        return reader.error();
    }
    crypto::DecryptingReader& plaintext = *reader.value();
    const scan::ReadAtFunction readAt = [&plaintext](char* buffer, qint64 count,
                                                     qint64 offset) -> qint64 {
        auto read = plaintext.readAt(offset, buffer, qsizetype(count));
        return read ? qint64(read.value()) : -1;
    };
    // The name appears only in the verdict's message, which goes back to the uploader.
    const scan::ScanResult scanned =
        m_context.scanner->scanReader(plaintext.size(), readAt, m_filename);
    if (!scanned.isClean()) {
        discard(QStringLiteral("scan verdict %1%2")
                    .arg(QLatin1String(verdictName(scanned.verdict)),
                         scanned.signature.isEmpty()
                             ? QString()
                             : QStringLiteral(" (%1)").arg(scanned.signature)));
        return scanned.toError();
    }

    RecordRow row;
    row.id = m_recordId;
    row.organizationId = m_owner.organizationId;
    row.ownerId = m_owner.userId;
    row.filename = m_filename;
    row.size = m_received;
    row.sha256 = QString::fromLatin1(m_hash.result().toHex());
    row.objectId = m_object->objectId;
    // The server clock, so that a retention period counts from the same time as the
    // scheduler that erases the record.
    row.createdAt = m_context.clock ? m_context.clock->currentMSecsSinceEpoch()
                                    : QDateTime::currentMSecsSinceEpoch();
    row.templateId = m_target.templateId;
    if (m_target.expiresAt)
        row.expiresAt = m_target.expiresAt;
    else if (m_target.retentionDays)
        row.expiresAt = row.createdAt + qint64(*m_target.retentionDays) * kMillisecondsPerDay;
    row.teamId = m_target.teamId;
    row.teamName = m_target.teamName;
    row.sharing = m_target.sharing;
    auto wrapped =
        crypto::wrapKey(m_context.secrets.masterKey, m_object->dataKey, m_recordId.toUtf8());
    if (!wrapped) {
        discard(QStringLiteral("wrapping the data key failed: ") + wrapped.error().message);
        return wrapped.error();
    }
    row.wrappedKey = wrapped.value();

    // The row is inserted first and the object committed last inside one transaction: a failed
    // commit rolls the row back, and a failed COMMIT removes the object again below.
    RecordRepository records(*m_context.database);
    AccessPolicy policy(*m_context.database);
    auto stored = m_context.database->transaction([&]() -> Result<void> {
        auto allowed = policy.requireTeam(m_owner.userId, row.teamId, Permission::ManageFiles);
        if (!allowed)
            return allowed.error();
        if (auto inserted = records.insert(row, m_target.sharedWith); !inserted)
            return inserted;
        // The job joins the record's transaction, so every stored record gets its text and
        // preview derived, by this server or another one, even after a crash.
        if (auto queued = enqueueDeriveJob(*m_context.database, row.id, row.createdAt); !queued)
            return queued;
        AuditEntry entry =
            userAuditEntry(m_owner, QStringLiteral("record.uploaded"), QStringLiteral("record"),
                           row.id, QStringLiteral("success"));
        entry.details = QJsonObject{{QStringLiteral("team_id"), row.teamId},
                                    {QStringLiteral("size"), double(row.size)}};
        if (auto audited = AuditLog(*m_context.database).append(std::move(entry)); !audited)
            return audited;
        return m_context.fileStore->commit(*m_object);
    });
    if (!stored) {
        if (!m_object->committed) {
            discard(QStringLiteral("storing failed: ") + stored.error().message);
            return stored.error();
        }
        m_done = true;
        const auto removed = m_context.fileStore->remove(m_object->objectId);
        qCWarning(lcRecords).noquote()
            << "upload rejected: record" << m_recordId << "object" << m_object->objectId << "user"
            << m_owner.userId << ": the database write failed after the commit ("
            << stored.error().message << "); removing the object"
            << (removed ? "succeeded" : "failed: " + removed.error().message);
        return stored.error();
    }
    m_done = true;
    qCInfo(lcRecords).noquote() << "stored record" << m_recordId << "object" << m_object->objectId
                                << "user" << m_owner.userId << "size" << m_received;
    RecordInfo info = row.toInfo();
    info.sharedWith =
        m_target.sharing == QLatin1String(kSharingUsers) ? m_target.sharedWith : QStringList();
    info.canEdit = true;  // manage_files in the team was checked just above
    info.canShare = true; // the uploader
    info.canDelete = true; // the uploader, and a new record is under no legal hold
    info.derived = QString::fromLatin1(kJobPending);
    return info;
}

} // namespace chartinsight::server
