#pragma once

#include "core/Result.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace chartinsight::client {

class OfflineCache;
class SecretStore;

// Opens the profile's offline cache with its key from the OS keychain (entry "cache-key"),
// once per process, and keeps it open.
//
// A new cache and a new random 256-bit key are created only when neither exists. A cache file
// whose key is missing, wrong or unusable fails with "cache_error" (a keychain failure with
// "keychain_error") and is never modified, replaced or deleted. Opening keeps the lock file
// <cache>.lock, so two processes of one profile cannot create two different keys.
class CacheOpener : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(Result<OfflineCache*>)>;

    CacheOpener(QString cachePath, SecretStore* secrets, QObject* parent = nullptr);
    ~CacheOpener() override;

    // Passes the open cache to `done`, opening it first when needed. Callers that arrive while
    // an open is in progress wait for it. `done` runs on this object's thread, never after
    // `context` is destroyed, and never before open() returns.
    void open(QObject* context, Callback done);
    // Whether a cache file exists at the path.
    bool cacheFileExists() const;
    QString cachePath() const { return m_cachePath; }

private:
    void start();
    void useKey(const QString& hexKey);
    void createKeyAndCache();
    void finish(Result<OfflineCache*> result);

    QString m_cachePath;
    SecretStore* m_secrets;
    std::unique_ptr<OfflineCache> m_cache;
    struct Waiter;
    std::vector<Waiter> m_waiters;
    struct OpenAttempt;
    std::unique_ptr<OpenAttempt> m_attempt;
};

} // namespace chartinsight::client
