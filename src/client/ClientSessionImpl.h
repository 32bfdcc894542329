#pragma once

#include "ClientSession.h"
#include "ClientTask.h"
#include "LocalScanner.h"
#include "ProfileSettings.h"
#include "core/RecordInfo.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace chartinsight::client {
// Maximum length of a token accepted from the server, in characters.
inline constexpr qsizetype kMaxTokenChars = 512;
} // namespace chartinsight::client

namespace chartinsight::client {

class ApiClient;
class CacheOpener;
class OfflineCache;
class SecretStore;

// Private state of ClientSession, shared by its source files: ClientSession.cpp (records),
// ClientSessionTokens.cpp (tokens, MFA) and ClientSessionAccount.cpp (account, admin).
struct ClientSession::Impl
{
    ClientSession* q;
    ConnectionSettings settings;
    ProfileSettings profile;
    QString server; // canonical server URL: keychain entry, cache and settings key
    std::optional<Error> configurationError;
    QString signatureDir;
    ApiClient* api = nullptr;
    SecretStore* secrets = nullptr;
    CacheOpener* cacheOpener = nullptr;
    QString userId;
    QString refreshToken;
    QDateTime accessExpiresAt; // invalid when unknown
    QString mfaToken;          // of the sign-in that waits for its e-mailed code; memory only
    QString currentSessionId;  // as the last session list marked it "current"
    bool refreshing = false;
    QList<std::function<void(Result<void>)>> refreshWaiters;
    bool signedIn = false;
    bool online = false;
    bool cacheOwnerBound = false;

    Impl(ClientSession* session, ConnectionSettings connection);

    ClientTask* startTask(std::function<void(ClientTask*)> body, bool needsSession);

    // Token handling (ClientSessionTokens.cpp).
    // Checks a login, verify or refresh response and stores its tokens in the keychain, then
    // uses them. `then` receives the user id.
    void acceptTokens(ClientTask* task, const QJsonObject& body,
                      std::function<void(Result<QString>)> then);
    void refreshTokens(std::function<void(Result<void>)> done);
    void finishRefresh(Result<void> outcome);
    // Sends a JSON request with the access token. On "token_expired" it refreshes the tokens
    // once and sends the request again. `body` is ignored for GET and DELETE.
    enum class Verb
    {
        Get,
        Post,
        Put,
        Patch,
        Delete
    };
    void sendJson(ClientTask* task, Verb verb, const QString& path, const QJsonObject& body,
                  std::function<void(Result<QJsonObject>)> then, bool retried = false);
    // sendJson without the access token, for the sign-in, reset and policy routes.
    void sendAnonymous(ClientTask* task, const QString& path, const QJsonObject& body,
                       std::function<void(Result<QJsonObject>)> then);
    // Restores the tokens from the keychain entry text: a JSON object, or a bare access token
    // as stored by version 0.1.
    void loadStoredTokens(const QString& stored);

    // Account operations (ClientSessionAccount.cpp): a task that sends one request with the
    // access token and finishes with the response object, or with what `shape` makes of it.
    ClientTask* startRequest(Verb verb, const QString& path, const QJsonObject& body,
                             std::function<QJsonValue(const QJsonObject&)> shape = {});
    // Access operations (ClientSessionAccess.cpp). A task that fails with `error` at once.
    ClientTask* failedTask(Error error);
    // A request on /api/v1/records/{recordId}{suffix}. Without `arrayField`, the response is a
    // record whose metadata the offline cache takes over; with it, the task's result is that
    // array of the response. "not_found" removes the record from the cache and its export
    // copies from the disk.
    ClientTask* startRecordRequest(Verb verb, const QString& recordId, const QString& suffix,
                                   const QJsonObject& body, const QString& arrayField = {});
    void finishRecordFailure(ClientTask* task, const QString& recordId, const Error& error);

    // Reports (ClientSessionReports.cpp). GET `path`?`encodedQuery` with the access token,
    // refreshing the tokens once on "token_expired".
    void getJsonWithQuery(ClientTask* task, const QString& path, const QString& encodedQuery,
                          std::function<void(Result<QJsonObject>)> then, bool retried = false);
    // Streams a CSV report into "<outputPath>.part" and renames it over `outputPath` once the
    // whole body arrived; finishes the task.
    void fetchCsvReport(ClientTask* task, const QString& path, const QString& encodedQuery,
                        const QString& outputPath, bool retried = false);

    // Generated content (ClientSessionDerived.cpp). GET `path` with the access token, refreshing
    // the tokens once on "token_expired"; the body (at most `maxBytes`) goes to `then`.
    void getBytes(ClientTask* task, const QString& path, qint64 maxBytes,
                  std::function<void(Result<QByteArray>)> then, bool retried = false);

    void setSignedIn(bool value);
    void forgetSession();
    void signOutLocally(ClientTask* task, bool revokedOnServer);
    // Signs out locally after a logout request; the session counts as revoked on the server
    // when the request succeeded or the server no longer knew the session.
    void finishServerSignOut(ClientTask* task, const Result<QJsonObject>& revoked);
    // Opens the offline cache, binds it to the user and purges the records whose expiration
    // passed on localNow(). withCache fails the task when that fails; withOptionalCache
    // continues without the cache.
    void withCache(ClientTask* task, std::function<void(OfflineCache*)> then);
    void withOptionalCache(ClientTask* task, std::function<void(OfflineCache*)> then);
    void fetchRecordList(ClientTask* task, std::function<void(Result<QList<RecordInfo>>)> then);
    // The current time on this computer (ConnectionSettings::localClock), in UTC.
    QDateTime localNow() const;

    void startUpload(ClientTask* task, const QString& filePath, const QString& fileName,
                     qint64 size, const QDateTime& modified, const UploadOptions& options);
    // Compares `size` with the server's published upload limit, then runs the local pre-scan
    // (LocalScanner::scanFile with the other arguments). An oversized file fails the task with
    // "payload_too_large" before it is scanned or sent.
    void checkSizeThenScan(qint64 size, const QString& signatureDir, const QString& tempDir,
                           const QString& filePath, ClientTask* task,
                           LocalScanner::ProgressCallback progress,
                           LocalScanner::DoneCallback done);
    // Notes in the cache's ledger that `outputPath` receives a decrypted copy of `record`, so
    // that the copy is deleted once the server stops listing the record for this user.
    void noteExportCopy(OfflineCache* cache, const RecordInfo& record, const QString& outputPath);
    void downloadFromServer(ClientTask* task, const RecordInfo& record, const QString& outputPath);
    void downloadFromCache(ClientTask* task, const QString& recordId, const QString& outputPath);
    void syncRecords(ClientTask* task, OfflineCache* cache, QList<RecordInfo> missing,
                     QJsonObject summary, qint64 doneBytes, qint64 totalBytes);
    void fetchViewerFromServer(ClientTask* task, const QString& recordId);
};

} // namespace chartinsight::client
