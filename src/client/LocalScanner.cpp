#include "LocalScanner.h"

#include "ClientLogging.h"
#include "core/ErrorCodes.h"
#include "scan/Scanner.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <mutex>

namespace chartinsight::client {
namespace {

// Carries a worker's notifications to the caller's thread through queued connections. It
// belongs to no thread, so the worker may emit and delete it; connections to a destroyed
// context are dropped by Qt.
class ScanRelay : public QObject
{
    Q_OBJECT
signals:
    void progressed();
    void finished();
};

struct ScanState
{
    std::atomic<qint64> done{0};
    std::atomic<qint64> total{0};
    std::atomic<bool> progressPending{false};
    Result<void> outcome;
};

// Engines by signature folder and temporary folder.
std::mutex s_enginesMutex;
QHash<QString, std::shared_ptr<scan::Scanner>> s_engines;

QString engineKey(const QString& signatureDir, const QString& tempDir)
{
    return signatureDir + QChar(u'\0') + tempDir;
}

// Removes extracted archive members that a crashed scan left behind. Files younger than a day
// may belong to a scan that another process of the same profile is running.
void removeStaleTemporaryFiles(const QString& tempDir)
{
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addDays(-1);
    QDirIterator it(tempDir, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    int removed = 0;
    while (it.hasNext()) {
        const QFileInfo entry(it.next());
        if (entry.lastModified().toUTC() >= cutoff)
            continue;
        const bool ok = entry.isDir() ? QDir(entry.filePath()).removeRecursively()
                                      : QFile::remove(entry.filePath());
        removed += ok ? 1 : 0;
    }
    if (removed > 0)
        qCInfo(lcScan) << "removed" << removed << "stale temporary scan files";
}

Result<std::shared_ptr<scan::Scanner>> engineFor(const QString& signatureDir,
                                                 const QString& tempDir)
{
    std::lock_guard lock(s_enginesMutex);
    const QString key = engineKey(signatureDir, tempDir);
    if (auto it = s_engines.constFind(key); it != s_engines.constEnd())
        return *it;
    if (!QDir().mkpath(tempDir) ||
        !QFile::setPermissions(tempDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
        return makeError(QString::fromLatin1(errc::kIo),
                         QStringLiteral("Could not create the scanner's temporary folder %1. "
                                        "Check that the profile folder is writable.")
                             .arg(tempDir));
    }
    removeStaleTemporaryFiles(tempDir);
    qCInfo(lcScan) << "loading the local scanner's signatures";
    auto loaded = scan::Scanner::load(signatureDir, {}, tempDir);
    if (!loaded) {
        qCWarning(lcScan) << "the local scanner could not load its signatures:"
                          << loaded.error().code;
        return loaded.error();
    }
    qCInfo(lcScan) << "local scanner ready with" << (*loaded)->signatureCount() << "signatures"
                   << ((*loaded)->usesDemoSignatures() ? "(demo signatures)" : "");
    s_engines.insert(key, *loaded);
    return *loaded;
}

Result<void> scanOnWorker(const QString& signatureDir, const QString& tempDir,
                          const QString& filePath, const scan::ProgressFunction& progress)
{
    auto engine = engineFor(signatureDir, tempDir);
    if (!engine)
        return engine.error();
    const scan::ScanResult result = (*engine)->scanFile(filePath, progress);
    if (result.isClean())
        return {};
    const Error error = result.toError();
    qCInfo(lcScan) << "the local pre-scan rejected a file:" << error.code;
    return makeError(error.code, error.message + QStringLiteral(" The file was not uploaded."));
}

} // namespace

void LocalScanner::scanFile(const QString& signatureDir, const QString& tempDir,
                            const QString& filePath, QObject* context, ProgressCallback progress,
                            DoneCallback done)
{
    auto state = std::make_shared<ScanState>();
    auto relay = std::make_shared<ScanRelay>();
    QObject::connect(relay.get(), &ScanRelay::progressed, context, [state, progress] {
        state->progressPending = false;
        if (progress)
            progress(state->done, state->total);
    });
    QObject::connect(relay.get(), &ScanRelay::finished, context,
                     [state, done] { done(state->outcome); });
    relay->moveToThread(nullptr);

    QThreadPool::globalInstance()->start([signatureDir, tempDir, filePath, state, relay]() mutable {
        const auto reportProgress = [&](qint64 scanned, qint64 total) {
            state->done = scanned;
            state->total = total;
            // One queued notification at a time: the receiver reads the latest values.
            if (!state->progressPending.exchange(true))
                emit relay->progressed();
        };
        state->outcome = scanOnWorker(signatureDir, tempDir, filePath, reportProgress);
        emit relay->finished();
        relay.reset();
    });
}

std::optional<bool> LocalScanner::usesDemoSignatures(const QString& signatureDir)
{
    std::lock_guard lock(s_enginesMutex);
    for (auto it = s_engines.constBegin(); it != s_engines.constEnd(); ++it) {
        if ((*it)->signatureDir() == signatureDir)
            return (*it)->usesDemoSignatures();
    }
    return std::nullopt;
}

} // namespace chartinsight::client

#include "LocalScanner.moc"
