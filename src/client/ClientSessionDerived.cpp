// ClientSession: the server's generated content of records (search over extracted text,
// preview images and text).

#include "ApiClient.h"
#include "ClientLogging.h"
#include "ClientSessionImpl.h"
#include "core/ErrorCodes.h"
#include "core/RecordInfo.h"

#include <QJsonArray>
#include <QNetworkReply>
#include <QUrl>

namespace chartinsight::client {
namespace {

// The server caps a preview PNG at 6 MiB and a text at 1 MiB; a larger body is not trusted.
constexpr qint64 kMaxPreviewBytes = 6 * 1024 * 1024;
constexpr qint64 kMaxTextBytes = 1024 * 1024;
constexpr int kMaxSearchLength = 200;

Error invalidArgument(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kInvalidRequest), message);
}

} // namespace

void ClientSession::Impl::getBytes(ClientTask* task, const QString& path, qint64 maxBytes,
                                   std::function<void(Result<QByteArray>)> then, bool retried)
{
    Impl* d = this;
    QNetworkReply* reply = api->get(path);
    reply->setParent(task);
    QObject::connect(reply, &QNetworkReply::finished, task,
                     [d, task, reply, path, maxBytes, then, retried] {
                         reply->deleteLater();
                         auto status = d->api->checkReply(reply);
                         const bool expired =
                             !status &&
                             status.error().code == QLatin1String(autherr::kTokenExpired);
                         if (expired && !retried) {
                             d->refreshTokens([d, task, path, maxBytes, then](Result<void> done) {
                                 if (!done) {
                                     then(done.error());
                                     return;
                                 }
                                 d->getBytes(task, path, maxBytes, then, true);
                             });
                             return;
                         }
                         if (!status) {
                             task->setErrorDetails(ApiClient::errorDetails(reply));
                             then(status.error());
                             return;
                         }
                         const QByteArray body = reply->readAll();
                         if (body.size() > maxBytes) {
                             then(makeError(QString::fromLatin1(errc::kPayloadTooLarge),
                                            QStringLiteral("The server sent %1 bytes for %2, "
                                                           "more than the %3 allowed.")
                                                .arg(body.size())
                                                .arg(path)
                                                .arg(maxBytes)));
                             return;
                         }
                         then(body);
                     });
}

ClientTask* ClientSession::searchRecords(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        return d->failedTask(
            invalidArgument(QStringLiteral("The search text is empty; type at least one word.")));
    }
    if (trimmed.size() > kMaxSearchLength) {
        return d->failedTask(invalidArgument(QStringLiteral("The search text has %1 characters; "
                                                            "use at most %2.")
                                                 .arg(trimmed.size())
                                                 .arg(kMaxSearchLength)));
    }
    const QString query =
        QStringLiteral("query=") + QString::fromLatin1(QUrl::toPercentEncoding(trimmed));
    return d->startTask(
        [this, query](ClientTask* task) {
            d->getJsonWithQuery(task, QStringLiteral("/api/v1/records"), query,
                                [task](Result<QJsonObject> response) {
                                    if (!response) {
                                        task->failWith(response.error());
                                        return;
                                    }
                                    QJsonArray records;
                                    for (const QJsonValue& value :
                                         response->value(QStringLiteral("records")).toArray()) {
                                        auto record = RecordInfo::fromJson(value.toObject());
                                        if (!record) {
                                            task->failWith(record.error());
                                            return;
                                        }
                                        records.append(record->toJson());
                                    }
                                    qCInfo(lcSession) << "search returned" << records.size()
                                                      << "records";
                                    task->finishWith(records);
                                });
        },
        true);
}

ClientTask* ClientSession::recordPreview(const QString& recordId)
{
    if (!isValidRecordId(recordId)) {
        return d->failedTask(invalidArgument(
            QStringLiteral("\"%1\" is not a record id; ids are lower-case UUIDs as the record "
                           "list shows them.")
                .arg(recordId.left(64))));
    }
    const QString path = QStringLiteral("/api/v1/records/%1/preview").arg(recordId);
    return d->startTask(
        [this, path](ClientTask* task) {
            d->getBytes(task, path, kMaxPreviewBytes, [task](Result<QByteArray> body) {
                if (!body) {
                    task->failWith(body.error());
                    return;
                }
                task->finishWith(
                    QJsonObject{{QStringLiteral("content_type"), QStringLiteral("image/png")}},
                    body.value());
            });
        },
        true);
}

ClientTask* ClientSession::recordText(const QString& recordId)
{
    if (!isValidRecordId(recordId)) {
        return d->failedTask(invalidArgument(
            QStringLiteral("\"%1\" is not a record id; ids are lower-case UUIDs as the record "
                           "list shows them.")
                .arg(recordId.left(64))));
    }
    const QString path = QStringLiteral("/api/v1/records/%1/text").arg(recordId);
    return d->startTask(
        [this, path](ClientTask* task) {
            d->getBytes(task, path, kMaxTextBytes, [task](Result<QByteArray> body) {
                if (!body) {
                    task->failWith(body.error());
                    return;
                }
                task->finishWith(QJsonObject{{QStringLiteral("content_type"),
                                              QStringLiteral("text/plain; charset=utf-8")}},
                                 body.value());
            });
        },
        true);
}

} // namespace chartinsight::client
