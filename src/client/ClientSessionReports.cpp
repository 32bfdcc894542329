// ClientSession: audit reports (pages, CSV export, activity chart) and the account's display
// name.

#include "ApiClient.h"
#include "ClientLogging.h"
#include "ClientSessionImpl.h"
#include "PartFile.h"
#include "core/ErrorCodes.h"

#include <QJsonArray>
#include <QNetworkReply>
#include <QUrl>

#include <memory>

namespace chartinsight::client {
namespace {

// Bytes the reply may buffer before the socket stops reading, so memory stays bounded when the
// disk is slower than the network.
constexpr qint64 kCsvReadBufferBytes = 1024 * 1024;

QString reportPath(ReportKind kind)
{
    switch (kind) {
    case ReportKind::Access:
        return QStringLiteral("/api/v1/reports/access");
    case ReportKind::Activity:
        break;
    case ReportKind::Invitations:
        return QStringLiteral("/api/v1/reports/invitations");
    case ReportKind::Logins:
        return QStringLiteral("/api/v1/reports/logins");
    }
    return QStringLiteral("/api/v1/reports/activity");
}

// Appends "name=value" with every reserved byte of the value percent-encoded, '+' included,
// so that a time offset such as "+01:00" reaches the server unchanged.
void addQueryItem(QStringList& items, const char* name, const QString& value)
{
    if (value.isEmpty())
        return;
    items << QString::fromLatin1(name) + QLatin1Char('=') +
                 QString::fromLatin1(QUrl::toPercentEncoding(value));
}

QString filterQuery(const ReportFilter& filter, bool paged)
{
    QStringList items;
    addQueryItem(items, "since", filter.since.trimmed());
    addQueryItem(items, "until", filter.until.trimmed());
    addQueryItem(items, "user", filter.user.trimmed());
    addQueryItem(items, "team", filter.team.trimmed());
    addQueryItem(items, "record", filter.record.trimmed());
    addQueryItem(items, "action", filter.action.trimmed());
    addQueryItem(items, "outcome", filter.outcome.trimmed());
    if (paged) {
        if (filter.limit > 0)
            addQueryItem(items, "limit", QString::number(filter.limit));
        addQueryItem(items, "cursor", filter.cursor);
    }
    return items.join(QLatin1Char('&'));
}

std::optional<Error> checkRequiredFilter(ReportKind kind, const ReportFilter& filter)
{
    if (kind == ReportKind::Access && filter.record.trimmed().isEmpty()) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The access report needs a record id; choose the record "
                                        "whose access history to show."));
    }
    if (kind == ReportKind::Logins && filter.user.trimmed().isEmpty()) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The login report needs a user; give the user's e-mail "
                                        "address or id."));
    }
    return std::nullopt;
}

} // namespace

void ClientSession::Impl::getJsonWithQuery(ClientTask* task, const QString& path,
                                           const QString& query,
                                           std::function<void(Result<QJsonObject>)> then,
                                           bool retried)
{
    Impl* d = this;
    QNetworkReply* reply = api->getWithQuery(path, query);
    reply->setParent(task);
    QObject::connect(reply, &QNetworkReply::finished, task,
                     [d, task, reply, path, query, then, retried] {
                         reply->deleteLater();
                         auto response = d->api->readJsonReply(reply);
                         const bool expired =
                             !response &&
                             response.error().code == QLatin1String(autherr::kTokenExpired);
                         if (!expired || retried) {
                             if (!response)
                                 task->setErrorDetails(ApiClient::errorDetails(reply));
                             then(response);
                             return;
                         }
                         d->refreshTokens([d, task, path, query, then](Result<void> done) {
                             if (!done) {
                                 then(done.error());
                                 return;
                             }
                             d->getJsonWithQuery(task, path, query, then, true);
                         });
                     });
}

namespace {

bool isSuccessStatus(QNetworkReply* reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return status >= 200 && status < 300;
}

// One CSV transfer into a part file. Only a 2xx body is written, and an error body is left for
// ApiClient::checkReply to read.
struct CsvTransfer
{
    std::unique_ptr<PartFile> part;
    qint64 received = 0;
    std::optional<Error> failure;
};

void consumeCsv(QNetworkReply* reply, CsvTransfer& transfer)
{
    if (transfer.failure || !isSuccessStatus(reply))
        return;
    while (reply->bytesAvailable() > 0) {
        const QByteArray block = reply->read(kCsvReadBufferBytes);
        if (auto written = transfer.part->write(block); !written) {
            transfer.failure = written.error();
            return;
        }
        transfer.received += block.size();
    }
}

} // namespace

void ClientSession::Impl::fetchCsvReport(ClientTask* task, const QString& path,
                                         const QString& query, const QString& outputPath,
                                         bool retried)
{
    Impl* d = this;
    auto part = PartFile::create(outputPath);
    if (!part) {
        task->failWith(part.error());
        return;
    }
    auto transfer = std::make_shared<CsvTransfer>();
    transfer->part = std::move(part).value();

    QNetworkReply* reply = api->getWithQuery(path, query);
    reply->setParent(task);
    reply->setReadBufferSize(kCsvReadBufferBytes);
    QObject::connect(reply, &QNetworkReply::readyRead, task, [task, reply, transfer] {
        consumeCsv(reply, *transfer);
        if (transfer->failure) {
            ApiClient::markAbortedByCaller(reply);
            reply->abort();
            return;
        }
        task->reportProgress(ClientTask::Phase::Transferring, transfer->received, 0);
    });
    QObject::connect(
        reply, &QNetworkReply::finished, task,
        [d, task, reply, transfer, path, query, outputPath, retried] {
            reply->deleteLater();
            if (reply->error() == QNetworkReply::NoError)
                consumeCsv(reply, *transfer);
            if (transfer->failure) {
                transfer->part->discard();
                task->failWith(*transfer->failure);
                return;
            }
            auto status = d->api->checkReply(reply);
            if (!status) {
                transfer->part->discard();
                const bool expired = status.error().code == QLatin1String(autherr::kTokenExpired);
                if (expired && !retried) {
                    d->refreshTokens([d, task, path, query, outputPath](Result<void> done) {
                        if (!done) {
                            task->failWith(done.error());
                            return;
                        }
                        d->fetchCsvReport(task, path, query, outputPath, true);
                    });
                    return;
                }
                task->setErrorDetails(ApiClient::errorDetails(reply));
                task->failWith(status.error());
                return;
            }
            if (auto committed = transfer->part->commit(); !committed) {
                task->failWith(committed.error());
                return;
            }
            qCInfo(lcSession) << "saved a CSV report of" << transfer->received << "bytes";
            task->finishWith(QJsonObject{{QStringLiteral("bytes"), double(transfer->received)}});
        });
}

ClientTask* ClientSession::report(ReportKind kind, const ReportFilter& filter)
{
    if (auto missing = checkRequiredFilter(kind, filter))
        return d->failedTask(*missing);
    const QString path = reportPath(kind);
    const QString query = filterQuery(filter, true);
    return d->startTask(
        [this, path, query](ClientTask* task) {
            d->getJsonWithQuery(task, path, query, [task](Result<QJsonObject> page) {
                if (!page) {
                    task->failWith(page.error());
                    return;
                }
                QJsonObject result{
                    {QStringLiteral("entries"), page->value(QStringLiteral("entries")).toArray()},
                    {QStringLiteral("next_cursor"), page->value(QStringLiteral("next_cursor"))}};
                task->finishWith(result);
            });
        },
        true);
}

ClientTask* ClientSession::downloadReportCsv(ReportKind kind, const ReportFilter& filter,
                                             const QString& outputPath)
{
    if (auto missing = checkRequiredFilter(kind, filter))
        return d->failedTask(*missing);
    const QString path = reportPath(kind);
    QString query = filterQuery(filter, false);
    query += (query.isEmpty() ? QString() : QStringLiteral("&")) + QStringLiteral("format=csv");
    return d->startTask(
        [this, path, query, outputPath](ClientTask* task) {
            d->fetchCsvReport(task, path, query, outputPath);
        },
        true);
}

ClientTask* ClientSession::activityChart(const ReportFilter& filter, const QString& bucket)
{
    QString query = filterQuery(filter, false);
    if (!bucket.isEmpty()) {
        query += (query.isEmpty() ? QString() : QStringLiteral("&")) + QStringLiteral("bucket=") +
                 QString::fromLatin1(QUrl::toPercentEncoding(bucket));
    }
    return d->startTask(
        [this, query](ClientTask* task) {
            d->getJsonWithQuery(task, QStringLiteral("/api/v1/reports/activity/chart"), query,
                    [task](Result<QJsonObject> chart) {
                        if (!chart) {
                            task->failWith(chart.error());
                            return;
                        }
                        task->finishWith(chart->value(QStringLiteral("buckets")).toArray());
                    });
        },
        true);
}

ClientTask* ClientSession::setDisplayName(const QString& displayName)
{
    return d->startRequest(Impl::Verb::Patch, QStringLiteral("/api/v1/account"),
                           QJsonObject{{QStringLiteral("display_name"), displayName.trimmed()}});
}

} // namespace chartinsight::client
