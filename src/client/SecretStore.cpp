#include "SecretStore.h"

#include "ClientLogging.h"
#include "core/ErrorCodes.h"

#include <qt6keychain/keychain.h>

namespace chartinsight::client {
namespace {

Error keychainError(const QString& action, const QString& entry, const QKeychain::Job& job)
{
    return makeError(
        QString::fromLatin1(errc::kKeychain),
        QStringLiteral("Could not %1 the entry '%2' in the OS keychain (service %3): "
                       "%4. Unlock the keychain (for example the login keyring of "
                       "your desktop session) or set one up, then try again.")
            .arg(action, entry, QString::fromLatin1(kKeychainService), job.errorString()));
}

} // namespace

QString sessionEntryName(const QString& serverUrl)
{
    return QStringLiteral("session:") + serverUrl;
}

SecretStore::SecretStore(QObject* parent) : QObject(parent) {}

// Jobs have no parent and delete themselves when done (QtKeychain's autoDelete), because a
// job deleted while it runs crashes the Secret Service backend. A store destroyed earlier only
// loses the callback, through the `context` connection.
void SecretStore::read(const QString& entry, QObject* context, ReadCallback done)
{
    auto* job = new QKeychain::ReadPasswordJob(QString::fromLatin1(kKeychainService));
    job->setKey(entry);
    job->setInsecureFallback(false);
    connect(job, &QKeychain::Job::finished, context,
            [entry, done = std::move(done)](QKeychain::Job* finishedJob) {
                auto* readJob = static_cast<QKeychain::ReadPasswordJob*>(finishedJob);
                switch (readJob->error()) {
                case QKeychain::NoError:
                    done(std::optional<QString>(readJob->textData()));
                    return;
                case QKeychain::EntryNotFound:
                    done(std::optional<QString>());
                    return;
                default:
                    qCWarning(lcKeychain)
                        << "keychain read failed with QtKeychain error" << int(readJob->error());
                    done(keychainError(QStringLiteral("read"), entry, *readJob));
                    return;
                }
            });
    job->start();
}

void SecretStore::write(const QString& entry, const QString& value, QObject* context,
                        WriteCallback done)
{
    auto* job = new QKeychain::WritePasswordJob(QString::fromLatin1(kKeychainService));
    job->setKey(entry);
    job->setInsecureFallback(false);
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, context,
            [entry, done = std::move(done)](QKeychain::Job* finishedJob) {
                if (finishedJob->error() == QKeychain::NoError) {
                    done({});
                    return;
                }
                qCWarning(lcKeychain)
                    << "keychain write failed with QtKeychain error" << int(finishedJob->error());
                done(keychainError(QStringLiteral("write"), entry, *finishedJob));
            });
    job->start();
}

void SecretStore::remove(const QString& entry, QObject* context, WriteCallback done)
{
    auto* job = new QKeychain::DeletePasswordJob(QString::fromLatin1(kKeychainService));
    job->setKey(entry);
    job->setInsecureFallback(false);
    connect(job, &QKeychain::Job::finished, context,
            [entry, done = std::move(done)](QKeychain::Job* finishedJob) {
                const QKeychain::Error error = finishedJob->error();
                if (error == QKeychain::NoError || error == QKeychain::EntryNotFound) {
                    done({});
                    return;
                }
                qCWarning(lcKeychain)
                    << "keychain delete failed with QtKeychain error" << int(error);
                done(keychainError(QStringLiteral("delete"), entry, *finishedJob));
            });
    job->start();
}

} // namespace chartinsight::client
