#pragma once

#include "ExportService.h"
#include "HttpMessage.h"
#include "RecordRepository.h"
#include "TarWriter.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <memory>
#include <optional>

namespace chartinsight::crypto {
class DecryptingReader;
}

namespace chartinsight::server {

struct ServerContext;

// The tar archive of one export, produced member by member as the HTTP layer reads it: for
// each record its record.json and decrypted file (one 64 KiB segment per step), then
// audit.json, then manifest.json last. Memory stays bounded by one segment, one page of audit
// entries and the record ids of the plan, whatever the size of the export.
//
// Each record's content is decrypted and checked against its SHA-256 before its tar header is
// written. A damaged record is exported as record.json with "content": {"state": "damaged"} and
// no file, and the manifest lists it. A failure after a header was written (the object changed
// during the export, a database error) fails read(). The server then ends the response without
// the last chunk and the archive without its manifest, so no client takes it for complete.
class ExportArchive final : public BodySource
{
public:
    ExportArchive(ServerContext& context, ExportPlan plan);
    ~ExportArchive() override;

    qint64 size() const override { return kUnknownSize; }
    Result<qsizetype> read(char* buffer, qsizetype capacity) override;

    // Entries of audit.json read per database query.
    static constexpr int kAuditPageSize = 500;

private:
    enum class Stage
    {
        Records,
        Audit,
        Manifest,
        Done,
        Failed,
    };

    Result<void> advance();
    Result<void> startRecord(const QString& recordId);
    Result<void> continueRecord();
    Result<std::optional<RecordRow>> loadRecord(const QString& recordId);
    Result<QJsonObject> recordJson(const RecordRow& row, const QString& contentState,
                                   const QString& contentPath);
    // Decrypts the whole content once and compares it with the record's size and SHA-256.
    // Returns false for a damaged record, an error for anything else that failed.
    Result<bool> verifyContent(const RecordRow& row, crypto::DecryptingReader& reader);
    Result<void> startAudit();
    Result<void> continueAudit();
    // The serialised entries of audit.json after sequence `after`, up to one page, and the
    // last sequence read (matching or not) in `lastRead`. Empty with lastRead == after at the
    // end.
    Result<QList<QByteArray>> auditPage(qint64 after, qint64& lastRead);
    Result<void> writeManifest();
    void recordFailure(const Error& error);

    ServerContext& m_context;
    ExportPlan m_plan;
    RecordRepository m_records;
    TarWriter m_tar;
    Stage m_stage = Stage::Records;
    QByteArray m_pending;
    qsizetype m_pendingOffset = 0;

    qsizetype m_recordIndex = 0;
    std::unique_ptr<crypto::DecryptingReader> m_reader; // content member being written
    QString m_readerRecordId;
    qint64 m_readerOffset = 0;
    qint64 m_readerSize = 0;

    qint64 m_auditSize = 0;    // bytes of audit.json, counted before its header
    qint64 m_auditWritten = 0; // bytes of audit.json written so far
    qint64 m_auditCursor = 0;  // last sequence read for audit.json
    qint64 m_auditEntries = 0;
    bool m_auditFirstEntry = true;

    qint64 m_filesWritten = 0;
    qint64 m_contentBytes = 0;
    QJsonArray m_damaged; // record ids
    QJsonArray m_skipped; // record ids
};

} // namespace chartinsight::server
