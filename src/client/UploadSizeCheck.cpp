#include "UploadSizeCheck.h"

#include "ApiClient.h"
#include "ClientLogging.h"
#include "core/ErrorCodes.h"

#include <QJsonObject>
#include <QLocale>
#include <QNetworkReply>

namespace chartinsight::client {

void UploadSizeCheck::start(ApiClient* api, QObject* context, const QString& filePath, qint64 size,
                            std::function<void(Result<void>)> done)
{
    QNetworkReply* reply = api->get(QStringLiteral("/api/v1/health"), ApiClient::Auth::None);
    reply->setParent(context);
    QObject::connect(reply, &QNetworkReply::finished, context,
                     [api, reply, filePath, size, done = std::move(done)] {
                         reply->deleteLater();
                         auto health = api->readJsonReply(reply);
                         if (!health) {
                             done(health.error());
                             return;
                         }
                         const QJsonValue published =
                             health->value(QStringLiteral("max_upload_size"));
                         // A server that publishes no limit still enforces its own.
                         const qint64 maxSize = published.isDouble() ? published.toInteger() : -1;
                         if (maxSize > 0 && size > maxSize) {
                             qCInfo(lcSession) << "not uploading a file of" << size
                                               << "bytes: the server accepts" << maxSize;
                             done(tooLarge(filePath, size, maxSize, api->serverUrl().toString()));
                             return;
                         }
                         done({});
                     });
}

Error UploadSizeCheck::tooLarge(const QString& filePath, qint64 size, qint64 maxSize,
                                const QString& server)
{
    const QLocale c = QLocale::c();
    return makeError(QString::fromLatin1(errc::kPayloadTooLarge),
                     QStringLiteral("The file %1 is %2 bytes (%3), larger than the %4 bytes (%5) "
                                    "that the server at %6 accepts, so it was not sent. Upload a "
                                    "smaller file, or ask the administrator to raise "
                                    "--max-upload-size.")
                         .arg(filePath, QString::number(size), c.formattedDataSize(size),
                              QString::number(maxSize), c.formattedDataSize(maxSize), server));
}

} // namespace chartinsight::client
