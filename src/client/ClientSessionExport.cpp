// Data export: the streamed tar archive of GET /api/v1/export/..., written to a .part file,
// checked and renamed.

#include "ApiClient.h"
#include "ClientLogging.h"
#include "ClientSessionImpl.h"
#include "PartFile.h"
#include "core/ErrorCodes.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkReply>

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace chartinsight::client {
namespace {

// Bytes the reply may buffer before the socket stops reading, which bounds memory use when
// the disk is slower than the network.
constexpr qint64 kReadBufferBytes = 1024 * 1024;
// Largest manifest.json accepted; the server writes a few KiB plus the ids of damaged and
// skipped records.
constexpr qint64 kMaxManifestBytes = 64LL * 1024 * 1024;
constexpr int kSupportedFormatVersion = 1;

struct ExportState
{
    std::shared_ptr<PartFile> file;
    qint64 received = 0;
    std::optional<Error> failure;
    bool finished = false;
};

Error incompleteArchive(const QString& detail)
{
    return makeError(QString::fromLatin1(errc::kIntegrity),
                     QStringLiteral("The export archive is incomplete or damaged (%1), so it was "
                                    "not saved. Start the export again; if it keeps failing, "
                                    "give the server's administrator the time of the attempt.")
                         .arg(detail));
}

struct ArchiveReader
{
    archive* handle = archive_read_new();
    ~ArchiveReader() { archive_read_free(handle); }
};

// Reads the archive's member list, checks that manifest.json comes last and that its counts
// match the record.json and content members, and returns the manifest.
Result<QJsonObject> checkArchive(const QString& path)
{
    ArchiveReader reader;
    archive_read_support_format_tar(reader.handle);
    if (archive_read_open_filename(reader.handle, QFile::encodeName(path).constData(),
                                   64 * 1024) != ARCHIVE_OK) {
        return incompleteArchive(QString::fromUtf8(archive_error_string(reader.handle)));
    }
    qint64 recordFiles = 0;
    qint64 members = 0;
    QString lastMember;
    QByteArray manifest;
    for (;;) {
        archive_entry* entry = nullptr;
        const int status = archive_read_next_header(reader.handle, &entry);
        if (status == ARCHIVE_EOF)
            break;
        if (status != ARCHIVE_OK)
            return incompleteArchive(QString::fromUtf8(archive_error_string(reader.handle)));
        ++members;
        const char* name = archive_entry_pathname_utf8(entry);
        lastMember = name ? QString::fromUtf8(name) : QString();
        if (lastMember.startsWith(QStringLiteral("records/")) &&
            lastMember.endsWith(QStringLiteral("/record.json")))
            ++recordFiles;
        manifest.clear();
        if (lastMember == QStringLiteral("manifest.json")) {
            const qint64 size = archive_entry_size(entry);
            if (size < 0 || size > kMaxManifestBytes)
                return incompleteArchive(QStringLiteral("manifest.json has %1 bytes").arg(size));
            manifest.resize(qsizetype(size));
            if (archive_read_data(reader.handle, manifest.data(), size_t(size)) != size)
                return incompleteArchive(QString::fromUtf8(archive_error_string(reader.handle)));
        } else if (archive_read_data_skip(reader.handle) != ARCHIVE_OK) {
            return incompleteArchive(QString::fromUtf8(archive_error_string(reader.handle)));
        }
    }
    if (lastMember != QStringLiteral("manifest.json"))
        return incompleteArchive(QStringLiteral("it does not end with manifest.json"));

    const QJsonObject object = QJsonDocument::fromJson(manifest).object();
    const int version = object.value(QStringLiteral("format_version")).toInt();
    if (version != kSupportedFormatVersion) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The export archive has format version %1, but this "
                                        "client reads version %2; update the client.")
                             .arg(version)
                             .arg(kSupportedFormatVersion));
    }
    const QJsonObject counts = object.value(QStringLiteral("counts")).toObject();
    const qint64 expectedRecords = counts.value(QStringLiteral("records")).toInteger() -
                                   counts.value(QStringLiteral("skipped")).toInteger();
    const qint64 expectedMembers = expectedRecords +
                                   counts.value(QStringLiteral("files")).toInteger() +
                                   2; // audit.json and manifest.json
    if (recordFiles != expectedRecords || members != expectedMembers) {
        return incompleteArchive(QStringLiteral("%1 members with %2 records, the manifest counts "
                                                "%3 members with %4 records")
                                     .arg(members)
                                     .arg(recordFiles)
                                     .arg(expectedMembers)
                                     .arg(expectedRecords));
    }
    return object;
}

void writeAvailable(QNetworkReply* reply, ExportState& state)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (state.failure || status < 200 || status >= 300)
        return;
    while (reply->bytesAvailable() > 0) {
        const QByteArray block = reply->read(kReadBufferBytes);
        if (auto written = state.file->write(block); !written) {
            state.failure = written.error();
            return;
        }
        state.received += block.size();
    }
}

} // namespace

ClientTask* ClientSession::exportArchive(ExportKind kind, const QString& outputPath)
{
    return d->startTask(
        [this, kind, outputPath](ClientTask* task) {
            auto part = PartFile::create(outputPath);
            if (!part) {
                task->failWith(part.error());
                return;
            }
            auto state = std::make_shared<ExportState>();
            state->file = std::move(part).value();
            const QString path = kind == ExportKind::Organization
                                     ? QStringLiteral("/api/v1/export/organization")
                                     : QStringLiteral("/api/v1/export/personal");
            task->reportProgress(ClientTask::Phase::Transferring, 0, 0);
            QNetworkReply* reply = d->api->get(path);
            reply->setParent(task);
            reply->setReadBufferSize(kReadBufferBytes);

            QObject::connect(reply, &QNetworkReply::readyRead, task, [reply, state, task] {
                writeAvailable(reply, *state);
                if (state->failure) {
                    ApiClient::markAbortedByCaller(reply);
                    reply->abort();
                    return;
                }
                task->reportProgress(ClientTask::Phase::Transferring, state->received, 0);
            });
            QObject::connect(reply, &QNetworkReply::finished, task,
                             [this, reply, state, task, outputPath] {
                if (state->finished)
                    return;
                state->finished = true;
                reply->deleteLater();
                if (!state->failure && reply->error() == QNetworkReply::NoError)
                    writeAvailable(reply, *state);
                if (state->failure) {
                    task->failWith(*state->failure);
                    return;
                }
                if (auto status = d->api->checkReply(reply); !status) {
                    qCWarning(lcSession) << "export ended after" << state->received
                                         << "bytes:" << status.error().code;
                    task->failWith(status.error());
                    return;
                }
                if (auto flushed = state->file->flush(); !flushed) {
                    task->failWith(flushed.error());
                    return;
                }
                auto manifest = checkArchive(state->file->partPath());
                if (!manifest) {
                    qCWarning(lcSession) << "export archive of" << state->received
                                         << "bytes failed its check:" << manifest.error().code;
                    task->failWith(manifest.error());
                    return;
                }
                if (auto committed = state->file->commit(); !committed) {
                    task->failWith(committed.error());
                    return;
                }
                QJsonObject result = manifest.value();
                result.insert(QStringLiteral("bytes"), state->received);
                result.insert(QStringLiteral("output"), QFileInfo(outputPath).absoluteFilePath());
                qCInfo(lcSession) << "export saved:" << state->received << "bytes";
                task->finishWith(result);
            });
        },
        true);
}

} // namespace chartinsight::client
