#pragma once

#include "core/Result.h"
#include "crypto/PasswordHash.h"

#include <QObject>
#include <QString>

#include <functional>

namespace chartinsight::client {
class SecretStore;
}

namespace chartinsight::ui {

// The local check of the password that unlocks the idle lock while the server cannot be
// reached. At sign-in, once the server accepted the password, a bcrypt hash of it (random
// salt, cost kBcryptCost) goes into the OS keychain as "unlock-verifier:<server url>". The
// password itself is never stored.
//
// Why a bcrypt hash in the keychain: the keychain already contains this user's session token, so
// anyone who can read the entry could use the token directly and gains nothing from the hash.
// Someone who copies the entry anyway still has to guess the password at bcrypt's cost per
// guess. A hash in the profile folder instead would be readable by any process of the user
// without the keychain's unlock. The lock screen also signs out after a few wrong passwords,
// so guessing through the user interface is bounded.
class UnlockVerifier : public QObject
{
    Q_OBJECT

public:
    // bcrypt cost of the stored hash: the server's default cost.
    static constexpr int kBcryptCost = crypto::kDefaultBcryptCost;

    explicit UnlockVerifier(QObject* parent = nullptr);

    // Returns the keychain entry for `serverUrl`.
    static QString entryName(const QString& serverUrl);

    // Hashes `password` on a worker thread and stores the hash for `serverUrl`. `done` runs on
    // this object's thread.
    void store(const QString& serverUrl, const QString& password,
               std::function<void(Result<void>)> done);
    // Checks `password` against the stored hash on a worker thread. The result is false for a
    // wrong password. A missing entry fails with "not_found" and a keychain failure with
    // "keychain_error".
    void check(const QString& serverUrl, const QString& password,
               std::function<void(Result<bool>)> done);
    // Deletes the stored hash for `serverUrl`.
    void remove(const QString& serverUrl, std::function<void(Result<void>)> done);

private:
    client::SecretStore* m_secrets;
};

} // namespace chartinsight::ui
