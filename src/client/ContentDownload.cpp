#include "ContentDownload.h"

#include "ApiClient.h"
#include "ClientLogging.h"
#include "core/ErrorCodes.h"
#include "crypto/Hash.h"

#include <QNetworkReply>

#include <memory>
#include <optional>

namespace chartinsight::client {
namespace {

// Bytes the reply may buffer before the socket stops reading, which bounds memory use when
// the sink is slower than the network.
constexpr qint64 kReadBufferBytes = 1024 * 1024;

struct DownloadState
{
    RecordInfo record;
    ContentDownload::Sink sink;
    ContentDownload::Progress progress;
    ContentDownload::Done done;
    crypto::Sha256 hash;
    qint64 received = 0;
    std::optional<Error> failure;
    bool finished = false;
};

bool isSuccessStatus(QNetworkReply* reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return status >= 200 && status < 300;
}

// Passes everything available to the sink. Returns false when the transfer must stop.
bool consume(QNetworkReply* reply, DownloadState& state)
{
    if (state.failure || !isSuccessStatus(reply))
        return true;
    while (reply->bytesAvailable() > 0) {
        const QByteArray block = reply->read(kReadBufferBytes);
        if (state.received + block.size() > state.record.size) {
            state.failure = makeError(
                QString::fromLatin1(errc::kIntegrity),
                QStringLiteral("The server sent more bytes than the size of record %1 (%2 "
                               "bytes); the download was stopped and nothing was kept.")
                    .arg(state.record.id)
                    .arg(state.record.size));
            return false;
        }
        state.received += block.size();
        state.hash.addData(block);
        if (auto accepted = state.sink(block); !accepted) {
            state.failure = accepted.error();
            return false;
        }
    }
    if (state.progress)
        state.progress(state.received);
    return true;
}

Result<void> verify(DownloadState& state)
{
    const QString digest = QString::fromLatin1(state.hash.result().toHex());
    if (state.received == state.record.size && digest == state.record.sha256)
        return {};
    qCWarning(lcApi) << "content of record" << state.record.id
                     << "does not match its size or SHA-256";
    return makeError(QString::fromLatin1(errc::kIntegrity),
                     QStringLiteral("The content received for record %1 does not match the "
                                    "record's size and SHA-256 (%2 of %3 bytes received), so "
                                    "nothing was kept. Try again; if it keeps failing, report "
                                    "it to the server's administrator.")
                         .arg(state.record.id)
                         .arg(state.received)
                         .arg(state.record.size));
}

// The server sends the status line only after the first segment of the record authenticated,
// and it ends the connection early when a later segment fails. So a 2xx response whose body the
// server closed short is a damaged record, not an unreachable server. A timeout or a
// connection the client gave up on stays a network error.
// NOTE: a connection that drops mid-body for a network reason looks the same to Qt, so it is
// reported as a damaged record too.
bool brokeOffAfterSuccess(QNetworkReply* reply, const DownloadState& state)
{
    const QNetworkReply::NetworkError error = reply->error();
    const bool closedByServer = error == QNetworkReply::RemoteHostClosedError ||
                                error == QNetworkReply::ProtocolFailure ||
                                error == QNetworkReply::UnknownNetworkError;
    return closedByServer && isSuccessStatus(reply) && state.received < state.record.size;
}

Error brokeOffError(const DownloadState& state)
{
    qCWarning(lcApi) << "the server ended the content of record" << state.record.id << "after"
                     << state.received << "of" << state.record.size << "bytes";
    return makeError(QString::fromLatin1(errc::kRecordDamaged),
                     QStringLiteral("The download of record %1 broke off after %2 of %3 bytes "
                                    "because the server ended the transfer, which it does when "
                                    "the stored file is damaged. Nothing was kept. Ask the "
                                    "administrator to check the record.")
                         .arg(state.record.id)
                         .arg(state.received)
                         .arg(state.record.size));
}

QByteArray purposeValue(ContentDownload::Purpose purpose)
{
    switch (purpose) {
    case ContentDownload::Purpose::View:
        return QByteArrayLiteral("view");
    case ContentDownload::Purpose::Sync:
        return QByteArrayLiteral("sync");
    case ContentDownload::Purpose::Download:
        break;
    }
    return QByteArrayLiteral("download");
}

} // namespace

void ContentDownload::start(ApiClient* api, const RecordInfo& record, Purpose purpose,
                            QObject* context, Sink sink, Progress progress, Done done)
{
    auto state = std::make_shared<DownloadState>();
    state->record = record;
    state->sink = std::move(sink);
    state->progress = std::move(progress);
    state->done = std::move(done);

    QNetworkReply* reply =
        api->getWithHeader(QStringLiteral("/api/v1/records/%1/content").arg(record.id),
                           QByteArrayLiteral("X-ChartInsight-Purpose"), purposeValue(purpose));
    reply->setParent(context);
    reply->setReadBufferSize(kReadBufferBytes);

    QObject::connect(reply, &QNetworkReply::readyRead, context, [reply, state] {
        if (!consume(reply, *state)) {
            ApiClient::markAbortedByCaller(reply);
            reply->abort();
        }
    });
    QObject::connect(reply, &QNetworkReply::finished, context, [api, reply, state] {
        if (state->finished)
            return;
        state->finished = true;
        reply->deleteLater();
        if (!state->failure && reply->error() == QNetworkReply::NoError &&
            !consume(reply, *state)) {
            ApiClient::markAbortedByCaller(reply);
        }
        if (state->failure) {
            state->done(*state->failure);
            return;
        }
        if (brokeOffAfterSuccess(reply, *state)) {
            state->done(brokeOffError(*state));
            return;
        }
        if (auto status = api->checkReply(reply); !status) {
            state->done(status.error());
            return;
        }
        state->done(verify(*state));
    });
}

} // namespace chartinsight::client
