#pragma once

#include "core/Result.h"

#include <QString>
#include <QStringList>

class QSettings;

namespace chartinsight::client {

// The client's profile folder and its settings file `client.ini`: the connection saved at the
// last sign-in, the certificate fingerprints the user trusted and the user id signed in per
// server. Nothing secret is stored here; tokens and keys live in the OS keychain.
//
// Every method reads or writes the file directly, so a CLI run and a running desktop app see
// each other's changes.
class ProfileSettings
{
public:
    // `profileDir` as configured; empty selects the default (see resolveProfileDir).
    explicit ProfileSettings(const QString& profileDir);

    // Returns `configured` when set, else $CHARTINSIGHT_PROFILE_DIR, else
    // <GenericDataLocation>/chartinsight (~/.local/share/chartinsight on Linux).
    static QString resolveProfileDir(const QString& configured);

    QString profileDir() const { return m_profileDir; }
    QString cacheFilePath() const;    // <profile>/cache.db
    QString settingsFilePath() const; // <profile>/client.ini

    // Creates the profile folder (mode 0700) when it does not exist yet.
    Result<void> ensureProfileDir() const;

    // The server URL and CA file saved by the last successful sign-in. saveConnection also
    // stores the CA file as the one of `serverUrl` (see caFile).
    QString savedServerUrl() const;
    QString savedCaFile() const;
    Result<void> saveConnection(const QString& serverUrl, const QString& caFile);

    // The PEM CA file that verifies `serverUrl` (an absolute path), or empty when that server
    // has none and its certificate is checked against pins or the system CAs. A CA file
    // belongs to one server URL only, so ClientSession checks no other server against it.
    QString caFile(const QString& serverUrl) const;
    // Stores `caFile` for `serverUrl`. An empty path removes it.
    Result<void> setCaFile(const QString& serverUrl, const QString& caFile);

    // Certificate fingerprints ("AB:CD:...") the user trusted for `serverUrl`.
    QStringList trustedFingerprints(const QString& serverUrl) const;
    Result<void> addTrustedFingerprint(const QString& serverUrl, const QString& fingerprint);

    // The id of the user last signed in to `serverUrl`; empty when unknown.
    QString userId(const QString& serverUrl) const;
    Result<void> setUserId(const QString& serverUrl, const QString& userId);

private:
    struct ServerEntry
    {
        QString url;
        QString userId;
        QStringList fingerprints;
        QString caFile;
    };
    QList<ServerEntry> readServers() const;
    Result<void> writeServers(const QList<ServerEntry>& servers);
    Result<void> finishWrite(QSettings& settings) const;

    QString m_profileDir;
};

} // namespace chartinsight::client
