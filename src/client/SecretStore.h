#pragma once

#include "core/Result.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace chartinsight::client {

// Service name of every ChartInsight entry in the OS keychain.
inline constexpr char kKeychainService[] = "ChartInsight";
// Keychain entry of the offline cache's SQLCipher key (64 hex characters).
inline constexpr char kCacheKeyEntry[] = "cache-key";

// Returns the keychain entry that contains the access token for `serverUrl`: "session:<url>".
QString sessionEntryName(const QString& serverUrl);

// Asynchronous access to the OS keychain through QtKeychain (Secret Service on Linux, Keychain
// on macOS, Credential Manager on Windows). Entries are text. It never falls back to plain-text
// storage: when the keychain is locked or missing, every call fails with "keychain_error".
//
// Each callback runs once on the thread of `context`, unless `context` is destroyed first.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    using ReadCallback = std::function<void(Result<std::optional<QString>>)>;
    using WriteCallback = std::function<void(Result<void>)>;

    explicit SecretStore(QObject* parent = nullptr);

    // Reads `entry`. The result is std::nullopt when no such entry exists; any other keychain
    // failure is an error, so a locked keychain is never mistaken for an empty one.
    void read(const QString& entry, QObject* context, ReadCallback done);
    // Creates or replaces `entry`.
    void write(const QString& entry, const QString& value, QObject* context, WriteCallback done);
    // Deletes `entry`; an entry that does not exist counts as deleted.
    void remove(const QString& entry, QObject* context, WriteCallback done);
};

} // namespace chartinsight::client
