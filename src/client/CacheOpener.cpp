#include "CacheOpener.h"

#include "ClientLogging.h"
#include "OfflineCache.h"
#include "SecretStore.h"
#include "core/ErrorCodes.h"
#include "crypto/Random.h"

#include <QFileInfo>
#include <QLockFile>
#include <QPointer>
#include <QRegularExpression>

namespace chartinsight::client {
namespace {

// How long to wait for another process that is opening or creating the same cache.
constexpr int kLockTimeoutMs = 10 * 1000;
constexpr qsizetype kCacheKeyBytes = 32;

} // namespace

struct CacheOpener::Waiter
{
    QPointer<QObject> context;
    Callback done;
};

struct CacheOpener::OpenAttempt
{
    QLockFile lock;
    bool fileExisted = false;
    explicit OpenAttempt(const QString& lockPath) : lock(lockPath) {}
};

CacheOpener::CacheOpener(QString cachePath, SecretStore* secrets, QObject* parent)
    : QObject(parent), m_cachePath(std::move(cachePath)), m_secrets(secrets)
{
}

CacheOpener::~CacheOpener() = default;

bool CacheOpener::cacheFileExists() const
{
    return QFileInfo::exists(m_cachePath);
}

void CacheOpener::open(QObject* context, Callback done)
{
    m_waiters.push_back(Waiter{context, std::move(done)});
    if (m_cache) {
        // Deliver on the next event loop pass, as promised, even when the cache is open.
        QMetaObject::invokeMethod(
            this, [this] { finish(m_cache.get()); }, Qt::QueuedConnection);
        return;
    }
    if (m_attempt)
        return;
    QMetaObject::invokeMethod(this, &CacheOpener::start, Qt::QueuedConnection);
}

void CacheOpener::start()
{
    if (m_cache) {
        finish(m_cache.get());
        return;
    }
    if (m_attempt)
        return;
    m_attempt = std::make_unique<OpenAttempt>(m_cachePath + QStringLiteral(".lock"));
    if (!m_attempt->lock.tryLock(kLockTimeoutMs)) {
        const bool heldByOther = m_attempt->lock.error() == QLockFile::LockFailedError;
        finish(makeError(
            QString::fromLatin1(errc::kCache),
            heldByOther
                ? QStringLiteral("The offline cache %1 is locked by another ChartInsight process "
                                 "(lock file %1.lock). Try again; if no other ChartInsight "
                                 "program is running, remove the lock file.")
                      .arg(m_cachePath)
                : QStringLiteral("Could not create the lock file %1.lock for the offline cache. "
                                 "Check that the profile folder exists and is writable.")
                      .arg(m_cachePath)));
        return;
    }
    m_attempt->fileExisted = cacheFileExists();
    m_secrets->read(
        QString::fromLatin1(kCacheKeyEntry), this, [this](Result<std::optional<QString>> key) {
            if (!key) {
                finish(key.error());
            } else if (key->has_value()) {
                useKey(**key);
            } else if (m_attempt->fileExisted) {
                finish(makeError(
                    QString::fromLatin1(errc::kCache),
                    QStringLiteral("The offline cache %1 exists, but its key is missing from the "
                                   "OS keychain (service %2, entry '%3'). The file was kept "
                                   "untouched. Restore access to the keychain that contains the "
                                   "key, or move the file away to start with an empty cache "
                                   "(records are fetched again by the next sync).")
                        .arg(m_cachePath, QString::fromLatin1(kKeychainService),
                             QString::fromLatin1(kCacheKeyEntry))));
            } else {
                createKeyAndCache();
            }
        });
}

void CacheOpener::useKey(const QString& hexKey)
{
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-fA-F]{64}$"));
    if (!hex64.match(hexKey).hasMatch()) {
        finish(makeError(QString::fromLatin1(errc::kCache),
                         QStringLiteral("The keychain entry '%1' (service %2) does not hold a "
                                        "64-digit hex key, so the offline cache %3 cannot be "
                                        "opened; the file was kept untouched. Restore the "
                                        "original entry, or delete the entry and move the file "
                                        "away to start with an empty cache.")
                             .arg(QString::fromLatin1(kCacheKeyEntry),
                                  QString::fromLatin1(kKeychainService), m_cachePath)));
        return;
    }
    const QByteArray rawKey = QByteArray::fromHex(hexKey.toLatin1());
    auto opened = m_attempt->fileExisted ? OfflineCache::open(m_cachePath, rawKey)
                                         : OfflineCache::create(m_cachePath, rawKey);
    if (!opened) {
        finish(opened.error());
        return;
    }
    m_cache = std::move(opened).value();
    finish(m_cache.get());
}

void CacheOpener::createKeyAndCache()
{
    const QString hexKey = QString::fromLatin1(crypto::randomBytes(kCacheKeyBytes).toHex());
    qCInfo(lcCache) << "no offline cache yet: creating its key in the keychain";
    // The key is stored before the file exists: a crash in between leaves an unused key, never
    // a cache file without its key.
    m_secrets->write(QString::fromLatin1(kCacheKeyEntry), hexKey, this,
                     [this, hexKey](Result<void> written) {
                         if (!written) {
                             finish(written.error());
                             return;
                         }
                         useKey(hexKey);
                     });
}

void CacheOpener::finish(Result<OfflineCache*> result)
{
    m_attempt.reset(); // releases the lock file
    if (!result)
        qCWarning(lcCache) << "the offline cache is unavailable:" << result.error().code;
    std::vector<Waiter> waiters;
    waiters.swap(m_waiters);
    for (Waiter& waiter : waiters) {
        if (waiter.context)
            waiter.done(result);
    }
}

} // namespace chartinsight::client
