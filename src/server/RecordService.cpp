#include "RecordService.h"

#include "ServerContext.h"
#include "ServerLog.h"
#include "UploadSession.h"
#include "core/ErrorCodes.h"
#include "crypto/KeyWrap.h"
#include "crypto/SegmentedCipher.h"
#include "storage/FileStore.h"

namespace chartinsight::server {
namespace {

// Streams a committed object's plaintext from the start to the end.
class DecryptingBodySource : public BodySource
{
public:
    DecryptingBodySource(std::unique_ptr<crypto::DecryptingReader> reader, QString recordId)
        : m_reader(std::move(reader)), m_recordId(std::move(recordId))
    {
    }

    qint64 size() const override { return m_reader->size(); }

    Result<qsizetype> read(char* buffer, qsizetype capacity) override
    {
        auto read = m_reader->readAt(m_offset, buffer, capacity);
        if (!read) {
            qCCritical(lcRecords).noquote() << "reading record" << m_recordId << "at offset"
                                            << m_offset << "failed:" << read.error().message;
            return read.error();
        }
        m_offset += read.value();
        return read.value();
    }

private:
    std::unique_ptr<crypto::DecryptingReader> m_reader;
    QString m_recordId;
    qint64 m_offset = 0;
};

Error recordDamaged(const QString& recordId)
{
    return makeError(QString::fromLatin1(errc::kRecordDamaged),
                     QStringLiteral("The stored file of record %1 is damaged: it fails its "
                                    "integrity check, so the server sends none of it. Ask the "
                                    "administrator to restore the record from a backup.")
                         .arg(recordId));
}

Error recordNotFound(const QString& recordId)
{
    return makeError(
        QString::fromLatin1(errc::kNotFound),
        QStringLiteral("Record %1 was not found; list your records for their ids.").arg(recordId));
}

} // namespace

RecordService::RecordService(ServerContext& context)
    : m_context(context), m_records(*context.database)
{
}

Result<QList<RecordInfo>> RecordService::list(const SessionUser& user)
{
    auto rows = m_records.listForOwner(user.userId);
    if (!rows)
        return rows.error();
    QList<RecordInfo> records;
    records.reserve(rows->size());
    for (const RecordRow& row : std::as_const(rows.value()))
        records << row.toInfo();
    return records;
}

Result<RecordContent> RecordService::openContent(const SessionUser& user, const QString& recordId)
{
    auto row = m_records.findForOwner(recordId, user.userId);
    if (!row)
        return row.error();
    if (!row.value())
        return recordNotFound(recordId);
    const RecordRow& record = *row.value();

    auto dataKey =
        crypto::unwrapKey(m_context.secrets.masterKey, record.wrappedKey, record.id.toUtf8());
    if (!dataKey) {
        qCCritical(lcRecords).noquote()
            << "unwrapping the key of record" << record.id << "failed:" << dataKey.error().message;
        return dataKey.error();
    }
    auto reader = m_context.fileStore->open(record.objectId, dataKey.value());
    if (!reader) {
        qCCritical(lcRecords).noquote() << "opening object" << record.objectId << "of record"
                                        << record.id << "failed:" << reader.error().message;
        if (reader.error().code == QLatin1String(errc::kIntegrity))
            return recordDamaged(record.id);
        // A record whose object cannot be read is a server fault, never "not found".
        return makeError(QString::fromLatin1(errc::kStorage),
                         QStringLiteral("The stored file of record %1 cannot be read: %2")
                             .arg(record.id, reader.error().message));
    }
    if (reader.value()->size() != record.size) {
        qCCritical(lcRecords).noquote()
            << "object" << record.objectId << "of record" << record.id << "holds"
            << reader.value()->size() << "bytes, the record" << record.size;
        return recordDamaged(record.id);
    }
    // The status line cannot be taken back once sent, so the first segment is authenticated
    // before it: most damage then gets a clear error instead of a download that breaks off.
    // Damage in a later segment still ends the stream early. The reader caches the segment,
    // so the body does not decrypt it again.
    char first = 0;
    if (record.size > 0) {
        if (auto checked = reader.value()->readAt(0, &first, 1); !checked) {
            qCCritical(lcRecords).noquote()
                << "reading the first segment of object" << record.objectId << "of record"
                << record.id << "failed:" << checked.error().message;
            if (checked.error().code == QLatin1String(errc::kIntegrity))
                return recordDamaged(record.id);
            return checked.error();
        }
    }
    RecordContent content;
    content.info = record.toInfo();
    content.body = std::make_shared<DecryptingBodySource>(std::move(reader).value(), record.id);
    return content;
}

Result<std::unique_ptr<UploadSession>> RecordService::beginUpload(const SessionUser& user,
                                                                  const QString& filename)
{
    if (!m_context.scanner) {
        return makeError(QString::fromLatin1(errc::kScannerUnavailable),
                         QStringLiteral("Uploads are disabled because the server's malware "
                                        "scanner is not available: %1")
                             .arg(m_context.scannerError));
    }
    auto object = m_context.fileStore->begin();
    if (!object)
        return object.error();
    return std::make_unique<UploadSession>(m_context, user, filename, std::move(object).value());
}

} // namespace chartinsight::server
