#include "UnlockVerifier.h"

#include "client/SecretStore.h"
#include "core/ErrorCodes.h"
#include "crypto/PasswordHash.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace chartinsight::ui {
namespace {

// bcrypt's pre-hash takes a pepper. This one only separates these hashes from the server's
// password hashes, because the secrecy comes from the keychain and the random salt.
const QByteArray kPepper = QByteArrayLiteral("chartinsight desktop unlock verifier v1");

// Runs `work` on the global thread pool and passes its result to `done` on the thread of
// `context`, unless `context` is destroyed first.
template <typename T>
void runOnWorker(QObject* context, std::function<T()> work, std::function<void(T)> done)
{
    auto* watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcher<T>::finished, context,
                     [watcher, done = std::move(done)] {
                         watcher->deleteLater();
                         done(watcher->result());
                     });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

} // namespace

UnlockVerifier::UnlockVerifier(QObject* parent)
    : QObject(parent), m_secrets(new client::SecretStore(this))
{
}

QString UnlockVerifier::entryName(const QString& serverUrl)
{
    return QStringLiteral("unlock-verifier:") + serverUrl;
}

void UnlockVerifier::store(const QString& serverUrl, const QString& password,
                           std::function<void(Result<void>)> done)
{
    runOnWorker<Result<QString>>(
        this, [password] { return crypto::hashPassword(password, kPepper, kBcryptCost); },
        [this, serverUrl, done = std::move(done)](Result<QString> hash) {
            if (!hash) {
                done(hash.error());
                return;
            }
            m_secrets->write(entryName(serverUrl), hash.value(), this, done);
        });
}

void UnlockVerifier::check(const QString& serverUrl, const QString& password,
                           std::function<void(Result<bool>)> done)
{
    m_secrets->read(
        entryName(serverUrl), this,
        [this, password, done = std::move(done)](Result<std::optional<QString>> stored) {
            if (!stored) {
                done(stored.error());
                return;
            }
            if (!stored->has_value() || (*stored)->isEmpty()) {
                done(makeError(QString::fromLatin1(errc::kNotFound),
                               tr("This computer has no stored check of your password, so it "
                                  "cannot unlock while the server is unreachable. Connect to "
                                  "the server, or sign out.")));
                return;
            }
            const QString hash = **stored;
            runOnWorker<Result<bool>>(
                this, [password, hash] { return crypto::verifyPassword(password, kPepper, hash); },
                done);
        });
}

void UnlockVerifier::remove(const QString& serverUrl, std::function<void(Result<void>)> done)
{
    m_secrets->remove(entryName(serverUrl), this, std::move(done));
}

} // namespace chartinsight::ui
