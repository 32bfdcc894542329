#include "ClientSession.h"

#include "ApiClient.h"
#include "CacheOpener.h"
#include "ClientLogging.h"
#include "ClientSessionImpl.h"
#include "ContentDownload.h"
#include "LocalScanner.h"
#include "OfflineCache.h"
#include "PartFile.h"
#include "ProfileSettings.h"
#include "SecretStore.h"
#include "UploadSizeCheck.h"
#include "core/ErrorCodes.h"
#include "core/FileName.h"
#include "scan/Scanner.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QNetworkReply>
#include <QRegularExpression>

#include <optional>

namespace chartinsight::client {
namespace {

// Scan rate assumed for the server when it scans an upload after the last byte arrived.
// clamscan measured about 40 MB/s per core on a 2-core Debian 12 machine. A tenth of that is an
// estimate that leaves room for a busy server.
constexpr qint64 kServerScanBytesPerSecond = 4LL * 1024 * 1024;
// A task that needs the session refreshes the tokens first when the access token expires
// within this many seconds.
constexpr qint64 kRefreshMarginSeconds = 60;

Error notSignedIn(const QString& server)
{
    return makeError(QString::fromLatin1(errc::kNotSignedIn),
                     QStringLiteral("Not signed in to %1: sign in first (chartinsight-cli login "
                                    "--email EMAIL, or the sign-in page of the desktop app).")
                         .arg(server));
}

Error invalidRecordId(const QString& id)
{
    QString shown = id.left(64);
    shown.replace(QRegularExpression(QStringLiteral("[^0-9A-Za-z-]")), QStringLiteral("?"));
    return makeError(QString::fromLatin1(errc::kInvalidRequest),
                     QStringLiteral("'%1' is not a record id: ids look like "
                                    "123e4567-e89b-42d3-a456-426614174000 (see the list "
                                    "command).")
                         .arg(shown));
}

Error recordNotFound(const QString& id)
{
    return makeError(QString::fromLatin1(errc::kNotFound),
                     QStringLiteral("Record %1 was not found on the server, or you have no "
                                    "access to it.")
                         .arg(id));
}

Result<QList<RecordInfo>> parseRecordList(const QJsonObject& body)
{
    const QJsonValue records = body.value(QStringLiteral("records"));
    if (!records.isArray()) {
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("The server's record list has no \"records\" array."));
    }
    QList<RecordInfo> list;
    for (const QJsonValue& entry : records.toArray()) {
        auto record = RecordInfo::fromJson(entry.toObject());
        if (!record)
            return record.error();
        list.append(*record);
    }
    return list;
}

std::optional<RecordInfo> findRecord(const QList<RecordInfo>& records, const QString& id)
{
    for (const RecordInfo& record : records) {
        if (record.id == id)
            return record;
    }
    return std::nullopt;
}

QJsonArray toJsonArray(const QList<RecordInfo>& records, const QSet<QString>& cachedIds)
{
    QJsonArray array;
    for (const RecordInfo& record : records) {
        QJsonObject object = record.toJson();
        object.insert(QStringLiteral("cached"), cachedIds.contains(record.id));
        array.append(object);
    }
    return array;
}

// Returns the percent-encoded query of an upload: the file name, then the team, the sharing
// mode, the user ids, the expiration and the template when the options set them.
QString uploadQuery(const QString& fileName, const UploadOptions& options)
{
    const auto encode = [](const QString& value) {
        return QString::fromLatin1(QUrl::toPercentEncoding(value));
    };
    QString query = QStringLiteral("filename=") + encode(fileName);
    if (!options.teamId.isEmpty())
        query += QStringLiteral("&team=") + encode(options.teamId);
    if (!options.sharing.isEmpty())
        query += QStringLiteral("&sharing=") + encode(options.sharing);
    for (const QString& userId : options.userIds)
        query += QStringLiteral("&user=") + encode(userId);
    if (options.expiresAt.isValid())
        query += QStringLiteral("&expires_at=") +
                 encode(options.expiresAt.toUTC().toString(Qt::ISODateWithMs));
    if (!options.templateId.isEmpty())
        query += QStringLiteral("&template=") + encode(options.templateId);
    return query;
}

QSet<QString> idsOf(const QList<RecordInfo>& records)
{
    QSet<QString> ids;
    for (const RecordInfo& record : records)
        ids.insert(record.id);
    return ids;
}

} // namespace

ClientSession::Impl::Impl(ClientSession* session, ConnectionSettings connection)
    : q(session), settings(std::move(connection)), profile(settings.profileDir)
{
    auto url = parseServerUrl(settings.serverUrl.toString());
    if (url) {
        server = url->toString();
        api = new ApiClient(*url, q);
    } else {
        configurationError = url.error();
        api = new ApiClient(QUrl(), q);
    }
    // Without a CA file in the settings, the one the profile keeps for this server URL applies.
    // A CA file never carries over to another server, so pins work there.
    if (!configurationError && settings.caFile.isEmpty())
        settings.caFile = profile.caFile(server);
    if (!configurationError && !settings.caFile.isEmpty()) {
        if (auto loaded = api->setCaFile(settings.caFile); !loaded)
            configurationError = loaded.error();
    }
    QStringList pins = profile.trustedFingerprints(server);
    if (!settings.pinnedFingerprint.isEmpty())
        pins.prepend(settings.pinnedFingerprint);
    api->setPinnedFingerprints(pins);
    signatureDir = scan::Scanner::signatureDirectory(settings.signatureDir);

    secrets = new SecretStore(q);
    cacheOpener = new CacheOpener(profile.cacheFilePath(), secrets, q);

    QObject::connect(api, &ApiClient::reachabilityChanged, q, [this](bool reachable) {
        if (online == reachable)
            return;
        online = reachable;
        qCInfo(lcSession) << (reachable ? "server reachable" : "server unreachable");
        emit q->onlineChanged(reachable);
    });
    QObject::connect(api, &ApiClient::certificateUntrusted, q,
                     &ClientSession::certificateUntrusted);
    QObject::connect(api, &ApiClient::accessTokenRejected, q, [this] {
        qCInfo(lcSession) << "the server rejected the stored session; signing out locally";
        forgetSession();
    });
}

ClientTask* ClientSession::Impl::startTask(std::function<void(ClientTask*)> body, bool needsSession)
{
    auto* task = new ClientTask(q);
    // The body runs from the event loop, so the caller can connect to the task's signals
    // before anything is reported.
    QMetaObject::invokeMethod(
        task,
        [this, task, body = std::move(body), needsSession] {
            if (configurationError) {
                task->failWith(*configurationError);
                return;
            }
            if (needsSession && !signedIn) {
                task->failWith(notSignedIn(server));
                return;
            }
            // Refreshing ahead of expiry keeps streamed uploads and downloads, which are not
            // sent twice, from failing with "token_expired".
            const bool expiresSoon =
                accessExpiresAt.isValid() && !refreshToken.isEmpty() &&
                QDateTime::currentDateTimeUtc().addSecs(kRefreshMarginSeconds) >= accessExpiresAt;
            if (!needsSession || !expiresSoon) {
                body(task);
                return;
            }
            refreshTokens([task, body](Result<void> refreshed) {
                if (!refreshed) {
                    task->failWith(refreshed.error());
                    return;
                }
                body(task);
            });
        },
        Qt::QueuedConnection);
    return task;
}

void ClientSession::Impl::setSignedIn(bool value)
{
    if (signedIn == value)
        return;
    signedIn = value;
    emit q->signedInChanged(value);
}

void ClientSession::Impl::forgetSession()
{
    api->setAccessToken(QString());
    refreshToken.clear();
    accessExpiresAt = QDateTime();
    setSignedIn(false);
    secrets->remove(sessionEntryName(server), q, [](Result<void> removed) {
        if (!removed)
            qCWarning(lcSession) << "could not delete the rejected session token:"
                                 << removed.error().code;
    });
}

void ClientSession::Impl::withCache(ClientTask* task, std::function<void(OfflineCache*)> then)
{
    if (auto created = profile.ensureProfileDir(); !created) {
        task->failWith(created.error());
        return;
    }
    cacheOpener->open(task, [this, task, then = std::move(then)](Result<OfflineCache*> opened) {
        if (!opened) {
            task->failWith(opened.error());
            return;
        }
        OfflineCache* cache = *opened;
        if (!cacheOwnerBound) {
            if (auto bound = cache->bindOwner(server, userId); !bound) {
                task->failWith(bound.error());
                return;
            }
            cacheOwnerBound = true;
        }
        // Every use of the cache first drops the records whose expiration passed on this
        // computer's clock, so an offline client stops showing them on time.
        if (auto purged = cache->purgeExpired(server, localNow()); !purged) {
            task->failWith(purged.error());
            return;
        }
        then(cache);
    });
}

void ClientSession::Impl::withOptionalCache(ClientTask* task,
                                            std::function<void(OfflineCache*)> then)
{
    if (auto created = profile.ensureProfileDir(); !created) {
        qCWarning(lcSession) << "continuing without the offline cache:" << created.error().code;
        then(nullptr);
        return;
    }
    cacheOpener->open(task, [this, then = std::move(then)](Result<OfflineCache*> opened) {
        if (!opened) {
            qCWarning(lcSession) << "continuing without the offline cache:" << opened.error().code;
            then(nullptr);
            return;
        }
        if (!cacheOwnerBound) {
            if (auto bound = (*opened)->bindOwner(server, userId); !bound) {
                qCWarning(lcSession)
                    << "continuing without the offline cache:" << bound.error().code;
                then(nullptr);
                return;
            }
            cacheOwnerBound = true;
        }
        if (auto purged = (*opened)->purgeExpired(server, localNow()); !purged) {
            qCWarning(lcSession) << "continuing without the offline cache:" << purged.error().code;
            then(nullptr);
            return;
        }
        then(*opened);
    });
}

QDateTime ClientSession::Impl::localNow() const
{
    return settings.localClock ? settings.localClock() : QDateTime::currentDateTimeUtc();
}

void ClientSession::Impl::fetchRecordList(ClientTask* task,
                                          std::function<void(Result<QList<RecordInfo>>)> then)
{
    sendJson(task, Verb::Get, QStringLiteral("/api/v1/records"), {},
             [then](Result<QJsonObject> body) {
                 if (!body) {
                     then(body.error());
                     return;
                 }
                 then(parseRecordList(*body));
             });
}

ClientSession::ClientSession(ConnectionSettings settings, QObject* parent)
    : QObject(parent), d(std::make_unique<Impl>(this, std::move(settings)))
{
}

ClientSession::~ClientSession()
{
    // Tasks go first, while the network access manager and the cache they use still exist.
    qDeleteAll(findChildren<ClientTask*>(QString(), Qt::FindDirectChildrenOnly));
}

const ConnectionSettings& ClientSession::settings() const
{
    return d->settings;
}

bool ClientSession::isSignedIn() const
{
    return d->signedIn;
}

bool ClientSession::isOnline() const
{
    return d->online;
}

bool ClientSession::localScannerUsesDemoSignatures() const
{
    return LocalScanner::usesDemoSignatures(d->signatureDir).value_or(false);
}

ClientTask* ClientSession::restoreSession()
{
    return d->startTask(
        [this](ClientTask* task) {
            d->secrets->read(
                sessionEntryName(d->server), task,
                [this, task](Result<std::optional<QString>> token) {
                    if (!token) {
                        task->failWith(token.error());
                        return;
                    }
                    const bool found = token->has_value() && !(*token)->isEmpty();
                    if (found) {
                        d->loadStoredTokens(**token);
                        d->userId = d->profile.userId(d->server);
                        d->cacheOwnerBound = false;
                    }
                    d->setSignedIn(found);
                    qCInfo(lcSession)
                        << (found ? "restored the stored session" : "no stored session");
                    task->finishWith(QJsonObject{{QStringLiteral("signed_in"), found}});
                });
        },
        false);
}

ClientTask* ClientSession::signIn(const QString& email, const QString& password,
                                  const QString& deviceName)
{
    return d->startTask(
        [this, email, password, deviceName](ClientTask* task) {
            if (email.trimmed().isEmpty() || password.isEmpty()) {
                task->failWith(makeError(QString::fromLatin1(errc::kInvalidRequest),
                                         QStringLiteral("Enter both the e-mail address and the "
                                                        "password.")));
                return;
            }
            d->mfaToken.clear();
            QJsonObject request{{QStringLiteral("email"), email},
                                {QStringLiteral("password"), password}};
            if (!deviceName.isEmpty())
                request.insert(QStringLiteral("device_name"), deviceName);
            d->sendAnonymous(
                task, QStringLiteral("/api/v1/auth/login"), request,
                [this, task](Result<QJsonObject> body) {
                    if (!body) {
                        task->failWith(body.error());
                        return;
                    }
                    if (body->value(QStringLiteral("mfa_required")).toBool()) {
                        const QString mfaToken =
                            body->value(QStringLiteral("mfa_token")).toString();
                        if (mfaToken.isEmpty() || mfaToken.size() > kMaxTokenChars) {
                            task->failWith(makeError(
                                QString::fromLatin1(errc::kInternal),
                                QStringLiteral("The server asked for an e-mail code but sent "
                                               "no valid mfa_token.")));
                            return;
                        }
                        d->mfaToken = mfaToken;
                        qCInfo(lcSession) << "sign-in waits for the e-mailed code";
                        task->finishWith(QJsonObject{{QStringLiteral("mfa_required"), true}});
                        return;
                    }
                    d->acceptTokens(task, *body, [task](Result<QString> userId) {
                        if (!userId) {
                            task->failWith(userId.error());
                            return;
                        }
                        task->finishWith(QJsonObject{{QStringLiteral("user_id"), *userId}});
                    });
                });
        },
        false);
}

ClientTask* ClientSession::signOut()
{
    return d->startTask(
        [this](ClientTask* task) {
            if (!d->api->hasAccessToken()) {
                d->signOutLocally(task, false);
                return;
            }
            // Revoking on the server first makes the token useless even where a copy of it
            // survives; the local sign-out follows whatever the server responds.
            d->sendJson(task, Impl::Verb::Post, QStringLiteral("/api/v1/auth/logout"), {},
                        [this, task](Result<QJsonObject> revoked) {
                            d->finishServerSignOut(task, revoked);
                        });
        },
        false);
}

void ClientSession::Impl::finishServerSignOut(ClientTask* task, const Result<QJsonObject>& revoked)
{
    const bool gone = revoked.ok() || revoked.error().code == QLatin1String(errc::kUnauthorized) ||
                      revoked.error().code == QLatin1String(autherr::kSessionRevoked);
    if (!gone)
        qCWarning(lcSession) << "the server did not revoke the session:" << revoked.error().code;
    signOutLocally(task, gone);
}

void ClientSession::Impl::signOutLocally(ClientTask* task, bool revokedOnServer)
{
    const QJsonObject result{{QStringLiteral("revoked_on_server"), revokedOnServer}};
    secrets->remove(sessionEntryName(server), task, [this, task, result](Result<void> removed) {
        if (!removed) {
            task->failWith(removed.error());
            return;
        }
        api->setAccessToken(QString());
        refreshToken.clear();
        accessExpiresAt = QDateTime();
        setSignedIn(false);
        qCInfo(lcSession) << "signed out";
        if (!cacheOpener->cacheFileExists()) {
            task->finishWith(result);
            return;
        }

        // The records of a signed-out user must not stay readable on this computer.
        cacheOpener->open(task, [this, task, result](Result<OfflineCache*> cache) {
            if (!cache) {
                qCWarning(lcSession) << "signed out, but the offline cache could not be cleared:"
                                     << cache.error().code;
            } else if (auto purged = (*cache)->removeServer(server); !purged) {
                qCWarning(lcSession)
                    << "signed out, but clearing the offline cache failed:" << purged.error().code;
            } else {
                qCInfo(lcSession) << "removed" << *purged << "cached records";
            }
            cacheOwnerBound = false;
            task->finishWith(result);
        });
    });
}

ClientTask* ClientSession::checkServer()
{
    return d->startTask(
        [this](ClientTask* task) {
            QNetworkReply* reply =
                d->api->get(QStringLiteral("/api/v1/health"), ApiClient::Auth::None);
            reply->setParent(task);
            QObject::connect(reply, &QNetworkReply::finished, task, [this, task, reply] {
                reply->deleteLater();
                auto body = d->api->readJsonReply(reply);
                if (!body) {
                    task->failWith(body.error());
                    return;
                }
                task->finishWith(*body);
            });
        },
        false);
}

void ClientSession::trustFingerprint(const QString& fingerprint)
{
    const QString canonical = normalizeFingerprint(fingerprint);
    if (canonical.isEmpty() || d->configurationError) {
        qCWarning(lcSession) << "not trusting a value that is not a SHA-256 fingerprint";
        return;
    }
    d->api->addPinnedFingerprint(canonical);
    if (auto saved = d->profile.addTrustedFingerprint(d->server, canonical); !saved)
        qCWarning(lcSession) << "the trusted fingerprint could not be saved:" << saved.error().code;
    else
        qCInfo(lcSession).noquote() << "trusting the certificate with fingerprint" << canonical;
}

ClientTask* ClientSession::upload(const QString& filePath, const UploadOptions& options)
{
    return d->startTask(
        [this, filePath, options](ClientTask* task) {
            const QFileInfo info(filePath);
            if (!info.isFile() || !info.isReadable()) {
                task->failWith(makeError(QString::fromLatin1(errc::kIo),
                                         QStringLiteral("The file does not exist, is not a "
                                                        "regular file or is not readable.")));
                return;
            }
            auto fileName = sanitizeFileName(info.fileName());
            if (!fileName) {
                task->failWith(fileName.error());
                return;
            }
            const qint64 size = info.size();
            const QDateTime modified = info.lastModified();
            task->reportProgress(ClientTask::Phase::Scanning, 0, size);
            if (auto created = d->profile.ensureProfileDir(); !created) {
                task->failWith(created.error());
                return;
            }
            d->checkSizeThenScan(
                size, d->signatureDir, d->profile.profileDir() + QStringLiteral("/scan-tmp"),
                info.absoluteFilePath(), task,
                [task](qint64 done, qint64 total) {
                    task->reportProgress(ClientTask::Phase::Scanning, done, total);
                },
                [this, task, path = info.absoluteFilePath(), name = *fileName, size, modified,
                 options](Result<void> clean) {
                    if (!clean) {
                        task->failWith(clean.error());
                        return;
                    }
                    d->startUpload(task, path, name, size, modified, options);
                });
        },
        true);
}

void ClientSession::Impl::checkSizeThenScan(qint64 size, const QString& signatureDir,
                                            const QString& tempDir, const QString& filePath,
                                            ClientTask* task,
                                            LocalScanner::ProgressCallback progress,
                                            LocalScanner::DoneCallback done)
{
    UploadSizeCheck::start(api, task, filePath, size,
                           [signatureDir, tempDir, filePath, task, progress = std::move(progress),
                            done = std::move(done)](Result<void> allowed) mutable {
                               if (!allowed) {
                                   task->failWith(allowed.error());
                                   return;
                               }
                               LocalScanner::scanFile(signatureDir, tempDir, filePath, task,
                                                      std::move(progress), std::move(done));
                           });
}

void ClientSession::Impl::startUpload(ClientTask* task, const QString& filePath,
                                      const QString& fileName, qint64 size,
                                      const QDateTime& modified, const UploadOptions& options)
{
    // The server scans again, but the file sent must still be the file this client scanned.
    const QFileInfo now(filePath);
    if (now.size() != size || now.lastModified() != modified) {
        task->failWith(makeError(QString::fromLatin1(errc::kIo),
                                 QStringLiteral("The file changed while it was being scanned; "
                                                "upload it again once it is complete.")));
        return;
    }
    auto* file = new QFile(filePath);
    if (!file->open(QIODevice::ReadOnly)) {
        const QString reason = file->errorString();
        delete file;
        task->failWith(
            makeError(QString::fromLatin1(errc::kIo),
                      QStringLiteral("The file could not be opened for reading: %1.").arg(reason)));
        return;
    }
    const int timeoutMs = int(std::min<qint64>(
        kIdleTimeoutMs + size / kServerScanBytesPerSecond * 1000, std::numeric_limits<int>::max()));
    QNetworkReply* reply = api->postStream(QStringLiteral("/api/v1/records"),
                                           uploadQuery(fileName, options), file, size, timeoutMs);
    file->setParent(reply);
    reply->setParent(task);
    task->reportProgress(ClientTask::Phase::Transferring, 0, size);
    QObject::connect(reply, &QNetworkReply::uploadProgress, task,
                     [task, size](qint64 sent, qint64 total) {
                         if (total <= 0)
                             total = size;
                         if (sent < total)
                             task->reportProgress(ClientTask::Phase::Transferring, sent, total);
                         else
                             task->reportProgress(ClientTask::Phase::Processing, 0, 0);
                     });
    QObject::connect(reply, &QNetworkReply::finished, task, [this, task, reply] {
        reply->deleteLater();
        auto body = api->readJsonReply(reply);
        if (!body) {
            task->failWith(body.error());
            return;
        }
        auto record = RecordInfo::fromJson(*body);
        if (!record) {
            task->failWith(record.error());
            return;
        }
        qCInfo(lcSession) << "uploaded record" << record->id << "," << record->size << "bytes";
        task->finishWith(record->toJson());
    });
}

ClientTask* ClientSession::listRecords()
{
    return d->startTask(
        [this](ClientTask* task) {
            d->fetchRecordList(task, [this, task](Result<QList<RecordInfo>> records) {
                if (records) {
                    d->withOptionalCache(task, [this, task, list = *records](OfflineCache* cache) {
                        QSet<QString> cachedIds;
                        if (cache) {
                            if (auto removed = cache->reconcile(d->server, list); !removed)
                                qCWarning(lcSession) << "could not update the offline cache:"
                                                     << removed.error().code;
                            if (auto cached = cache->listRecords(d->server))
                                cachedIds = idsOf(*cached);
                        }
                        task->finishWith(toJsonArray(list, cachedIds));
                    });
                    return;
                }
                if (records.error().code != QLatin1String(errc::kNetwork)) {
                    task->failWith(records.error());
                    return;
                }
                qCInfo(lcSession) << "server unreachable: listing the offline cache";
                d->withCache(task, [this, task](OfflineCache* cache) {
                    auto cached = cache->listRecords(d->server);
                    if (!cached) {
                        task->failWith(cached.error());
                        return;
                    }
                    task->finishWith(toJsonArray(*cached, idsOf(*cached)));
                });
            });
        },
        true);
}

ClientTask* ClientSession::listCachedRecords()
{
    return d->startTask(
        [this](ClientTask* task) {
            d->withCache(task, [this, task](OfflineCache* cache) {
                auto cached = cache->listRecords(d->server);
                if (!cached) {
                    task->failWith(cached.error());
                    return;
                }
                task->finishWith(toJsonArray(*cached, idsOf(*cached)));
            });
        },
        true);
}

ClientTask* ClientSession::download(const QString& recordId, const QString& outputPath)
{
    return d->startTask(
        [this, recordId, outputPath](ClientTask* task) {
            if (!isValidRecordId(recordId)) {
                task->failWith(invalidRecordId(recordId));
                return;
            }
            d->fetchRecordList(
                task, [this, task, recordId, outputPath](Result<QList<RecordInfo>> records) {
                    if (!records) {
                        if (records.error().code == QLatin1String(errc::kNetwork)) {
                            qCInfo(lcSession) << "server unreachable: reading record" << recordId
                                              << "from the offline cache";
                            d->downloadFromCache(task, recordId, outputPath);
                        } else {
                            task->failWith(records.error());
                        }
                        return;
                    }
                    // Records the server no longer shows, this one included, must not stay in
                    // the offline cache or in files this client wrote.
                    d->withOptionalCache(task, [this, task, recordId, outputPath,
                                                list = *records](OfflineCache* cache) {
                        const auto record = findRecord(list, recordId);
                        if (cache) {
                            if (auto removed = cache->reconcile(d->server, list); !removed)
                                qCWarning(lcSession) << "could not update the offline cache:"
                                                     << removed.error().code;
                        }
                        if (!record) {
                            task->failWith(recordNotFound(recordId));
                            return;
                        }
                        d->noteExportCopy(cache, *record, outputPath);
                        d->downloadFromServer(task, *record, outputPath);
                    });
                });
        },
        true);
}

void ClientSession::Impl::noteExportCopy(OfflineCache* cache, const RecordInfo& record,
                                         const QString& outputPath)
{
    if (!cache) {
        qCWarning(lcSession) << "without the offline cache, the copy of record" << record.id
                             << "is not removed when the record's access ends";
        return;
    }
    if (auto noted = cache->addExportCopy(server, record.id, outputPath, record.sha256); !noted)
        qCWarning(lcSession) << "the copy of record" << record.id
                             << "is not removed when the record's access ends:"
                             << noted.error().code;
}

void ClientSession::Impl::downloadFromServer(ClientTask* task, const RecordInfo& record,
                                             const QString& outputPath)
{
    auto part = PartFile::create(outputPath);
    if (!part) {
        task->failWith(part.error());
        return;
    }
    std::shared_ptr<PartFile> file = std::move(part).value();
    task->reportProgress(ClientTask::Phase::Transferring, 0, record.size);
    ContentDownload::start(
        api, record, ContentDownload::Purpose::Download, task,
        [file](const QByteArray& block) { return file->write(block); },
        [task, size = record.size](qint64 received) {
            task->reportProgress(ClientTask::Phase::Transferring, received, size);
        },
        [task, file, record](Result<void> received) {
            if (!received) {
                file->discard();
                task->failWith(received.error());
                return;
            }
            if (auto committed = file->commit(); !committed) {
                task->failWith(committed.error());
                return;
            }
            qCInfo(lcSession) << "downloaded record" << record.id;
            task->finishWith(record.toJson());
        });
}

void ClientSession::Impl::downloadFromCache(ClientTask* task, const QString& recordId,
                                            const QString& outputPath)
{
    withCache(task, [this, task, recordId, outputPath](OfflineCache* cache) {
        auto record = cache->findRecord(server, recordId);
        if (!record) {
            task->failWith(record.error());
            return;
        }
        if (!record->has_value()) {
            task->failWith(makeError(QString::fromLatin1(errc::kNetwork),
                                     QStringLiteral("The server at %1 cannot be reached and "
                                                    "record %2 is not in the offline cache. "
                                                    "Try again when the server is reachable.")
                                         .arg(server, recordId)));
            return;
        }

        noteExportCopy(cache, **record, outputPath);
        auto part = PartFile::create(outputPath);
        if (!part) {
            task->failWith(part.error());
            return;
        }
        auto read = cache->readContent(
            server, recordId, [&](const QByteArray& block) { return (*part)->write(block); });
        if (!read) {
            (*part)->discard();
            task->failWith(read.error());
            return;
        }
        if (auto committed = (*part)->commit(); !committed) {
            task->failWith(committed.error());
            return;
        }

        qCInfo(lcSession) << "wrote record" << recordId << "from the offline cache";
        QJsonObject result = (*record)->toJson();
        result.insert(QStringLiteral("cached"), true);
        task->finishWith(result);
    });
}

ClientTask* ClientSession::fetchForViewer(const QString& recordId)
{
    return d->startTask(
        [this, recordId](ClientTask* task) {
            if (!isValidRecordId(recordId)) {
                task->failWith(invalidRecordId(recordId));
                return;
            }
            d->withOptionalCache(task, [this, task, recordId](OfflineCache* cache) {
                std::optional<RecordInfo> cached;
                if (cache) {
                    if (auto found = cache->findRecord(d->server, recordId); found)
                        cached = *found;
                }
                if (!cached) {
                    d->fetchViewerFromServer(task, recordId);
                    return;
                }
                if (cached->size > kMaxViewerBytes) {
                    task->failWith(makeError(
                        QString::fromLatin1(errc::kPayloadTooLarge),
                        QStringLiteral("Record %1 is too large for the viewer (%2 MiB at most); "
                                       "download it instead.")
                            .arg(recordId)
                            .arg(kMaxViewerBytes / (1024 * 1024))));
                    return;
                }
                QByteArray bytes;
                bytes.reserve(cached->size);
                auto read = cache->readContent(d->server, recordId, [&](const QByteArray& block) {
                    bytes.append(block);
                    return Result<void>();
                });
                if (!read) {
                    task->failWith(read.error());
                    return;
                }
                task->finishWith(cached->toJson(), bytes);
            });
        },
        true);
}

void ClientSession::Impl::fetchViewerFromServer(ClientTask* task, const QString& recordId)
{
    fetchRecordList(task, [this, task, recordId](Result<QList<RecordInfo>> records) {
        if (!records) {
            task->failWith(records.error());
            return;
        }
        const auto record = findRecord(*records, recordId);
        if (!record) {
            task->failWith(recordNotFound(recordId));
            return;
        }
        if (record->size > kMaxViewerBytes) {
            task->failWith(makeError(QString::fromLatin1(errc::kPayloadTooLarge),
                                     QStringLiteral("Record %1 is too large for the viewer (%2 "
                                                    "MiB at most); download it instead.")
                                         .arg(recordId)
                                         .arg(kMaxViewerBytes / (1024 * 1024))));
            return;
        }
        auto bytes = std::make_shared<QByteArray>();
        bytes->reserve(record->size);
        ContentDownload::start(
            api, *record, ContentDownload::Purpose::View, task,
            [bytes](const QByteArray& block) {
                bytes->append(block);
                return Result<void>();
            },
            [task, size = record->size](qint64 received) {
                task->reportProgress(ClientTask::Phase::Transferring, received, size);
            },
            [task, bytes, record = *record](Result<void> received) {
                if (!received) {
                    task->failWith(received.error());
                    return;
                }
                task->finishWith(record.toJson(), *bytes);
            });
    });
}

ClientTask* ClientSession::sync()
{
    return d->startTask(
        [this](ClientTask* task) {
            d->withCache(task, [this, task](OfflineCache* cache) {
                d->fetchRecordList(task, [this, task, cache](Result<QList<RecordInfo>> records) {
                    if (!records) {
                        task->failWith(records.error());
                        return;
                    }
                    auto removed = cache->reconcile(d->server, *records);
                    if (!removed) {
                        task->failWith(removed.error());
                        return;
                    }
                    auto cached = cache->listRecords(d->server);
                    if (!cached) {
                        task->failWith(cached.error());
                        return;
                    }
                    const QSet<QString> cachedIds = idsOf(*cached);
                    QList<RecordInfo> missing;
                    qint64 totalBytes = 0;
                    const QDateTime now = d->localNow();
                    for (const RecordInfo& record : *records) {
                        // A record past its expiration on this computer's clock would be
                        // purged at the next use of the cache, so it is not fetched.
                        const bool expired = record.expiresAt.isValid() && !record.legalHold &&
                                             record.expiresAt <= now;
                        if (!cachedIds.contains(record.id) && !expired) {
                            missing.append(record);
                            totalBytes += record.size;
                        }
                    }
                    qCInfo(lcSession) << "sync:" << records->size() << "records on the server,"
                                      << missing.size() << "to fetch," << *removed << "removed";
                    const QJsonObject summary{{QStringLiteral("added"), 0},
                                              {QStringLiteral("removed"), *removed},
                                              {QStringLiteral("total"), records->size()},
                                              {QStringLiteral("damaged"), QJsonArray()}};
                    d->syncRecords(task, cache, missing, summary, 0, totalBytes);
                });
            });
        },
        true);
}

void ClientSession::Impl::syncRecords(ClientTask* task, OfflineCache* cache,
                                      QList<RecordInfo> missing, QJsonObject summary,
                                      qint64 doneBytes, qint64 totalBytes)
{
    if (missing.isEmpty()) {
        task->finishWith(summary);
        return;
    }
    const RecordInfo record = missing.takeFirst();
    std::shared_ptr<CacheRecordWriter> writer = cache->beginRecord(server, record);
    task->reportProgress(ClientTask::Phase::Transferring, doneBytes, totalBytes);
    ContentDownload::start(
        api, record, ContentDownload::Purpose::Sync, task,
        [writer](const QByteArray& block) { return writer->append(block); },
        [task, doneBytes, totalBytes](qint64 received) {
            task->reportProgress(ClientTask::Phase::Transferring, doneBytes + received, totalBytes);
        },
        [this, task, cache, writer, record, missing, summary, doneBytes,
         totalBytes](Result<void> received) mutable {
            if (!received && received.error().code == QLatin1String(errc::kRecordDamaged)) {
                // One damaged record must not keep the others off this computer. The writer
                // discards what it received, and the result names the record.
                qCWarning(lcSession) << "sync: skipping damaged record" << record.id;
                writer.reset();
                QJsonArray damaged = summary.value(QStringLiteral("damaged")).toArray();
                damaged.append(QJsonObject{{QStringLiteral("id"), record.id},
                                           {QStringLiteral("filename"), record.filename},
                                           {QStringLiteral("message"), received.error().message}});
                summary.insert(QStringLiteral("damaged"), damaged);
                syncRecords(task, cache, std::move(missing), std::move(summary),
                            doneBytes + record.size, totalBytes);
                return;
            }
            if (!received) {
                task->failWith(received.error());
                return;
            }
            if (auto committed = writer->commit(); !committed) {
                task->failWith(committed.error());
                return;
            }
            summary.insert(QStringLiteral("added"),
                           summary.value(QStringLiteral("added")).toInt() + 1);
            syncRecords(task, cache, std::move(missing), std::move(summary),
                        doneBytes + record.size, totalBytes);
        });
}

} // namespace chartinsight::client
