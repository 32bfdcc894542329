#include "ProfileSettings.h"

#include "ClientLogging.h"
#include "core/ErrorCodes.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace chartinsight::client {
namespace {

const QString kConnectionServerUrl = QStringLiteral("connection/server_url");
const QString kConnectionCaFile = QStringLiteral("connection/ca_file");
const QString kServersArray = QStringLiteral("servers");
const QString kServerUrl = QStringLiteral("url");
const QString kServerUserId = QStringLiteral("user_id");
const QString kServerFingerprints = QStringLiteral("trusted_fingerprints");
const QString kServerCaFile = QStringLiteral("ca_file");

} // namespace

ProfileSettings::ProfileSettings(const QString& profileDir)
    : m_profileDir(resolveProfileDir(profileDir))
{
}

QString ProfileSettings::resolveProfileDir(const QString& configured)
{
    if (!configured.isEmpty())
        return QDir::cleanPath(QDir(configured).absolutePath());
    const QString fromEnvironment = qEnvironmentVariable("CHARTINSIGHT_PROFILE_DIR");
    if (!fromEnvironment.isEmpty())
        return QDir::cleanPath(QDir(fromEnvironment).absolutePath());
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/chartinsight");
}

QString ProfileSettings::cacheFilePath() const
{
    return m_profileDir + QStringLiteral("/cache.db");
}

QString ProfileSettings::settingsFilePath() const
{
    return m_profileDir + QStringLiteral("/client.ini");
}

Result<void> ProfileSettings::ensureProfileDir() const
{
    if (QFileInfo(m_profileDir).isDir())
        return {};
    // Only the owner may list or open the profile: it contains the encrypted cache of records.
    if (!QDir().mkpath(m_profileDir) ||
        !QFile::setPermissions(m_profileDir,
                               QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
        return makeError(QString::fromLatin1(errc::kIo),
                         QStringLiteral("Could not create the profile folder %1. Check that its "
                                        "parent folder exists and is writable, or choose another "
                                        "folder with CHARTINSIGHT_PROFILE_DIR.")
                             .arg(m_profileDir));
    }
    return {};
}

QString ProfileSettings::savedServerUrl() const
{
    const QSettings settings(settingsFilePath(), QSettings::IniFormat);
    return settings.value(kConnectionServerUrl).toString();
}

QString ProfileSettings::savedCaFile() const
{
    const QSettings settings(settingsFilePath(), QSettings::IniFormat);
    return settings.value(kConnectionCaFile).toString();
}

Result<void> ProfileSettings::saveConnection(const QString& serverUrl, const QString& caFile)
{
    if (auto created = ensureProfileDir(); !created)
        return created;
    {
        QSettings settings(settingsFilePath(), QSettings::IniFormat);
        settings.setValue(kConnectionServerUrl, serverUrl);
        if (caFile.isEmpty())
            settings.remove(kConnectionCaFile);
        else
            settings.setValue(kConnectionCaFile, QFileInfo(caFile).absoluteFilePath());
        if (auto written = finishWrite(settings); !written)
            return written;
    }
    return setCaFile(serverUrl, caFile);
}

QString ProfileSettings::caFile(const QString& serverUrl) const
{
    for (const ServerEntry& entry : readServers()) {
        if (entry.url == serverUrl && !entry.caFile.isEmpty())
            return entry.caFile;
    }
    // Profiles written before CA files were stored per server keep the one of the last
    // sign-in beside its URL.
    return serverUrl == savedServerUrl() ? savedCaFile() : QString();
}

Result<void> ProfileSettings::setCaFile(const QString& serverUrl, const QString& caFile)
{
    QList<ServerEntry> servers = readServers();
    auto it = std::find_if(servers.begin(), servers.end(),
                           [&](const ServerEntry& entry) { return entry.url == serverUrl; });
    if (it == servers.end()) {
        if (caFile.isEmpty())
            return {};
        it = servers.insert(servers.end(), ServerEntry{serverUrl, {}, {}, {}});
    }
    it->caFile = caFile.isEmpty() ? QString() : QFileInfo(caFile).absoluteFilePath();
    return writeServers(servers);
}

QStringList ProfileSettings::trustedFingerprints(const QString& serverUrl) const
{
    for (const ServerEntry& entry : readServers()) {
        if (entry.url == serverUrl)
            return entry.fingerprints;
    }
    return {};
}

Result<void> ProfileSettings::addTrustedFingerprint(const QString& serverUrl,
                                                    const QString& fingerprint)
{
    QList<ServerEntry> servers = readServers();
    auto it = std::find_if(servers.begin(), servers.end(),
                           [&](const ServerEntry& entry) { return entry.url == serverUrl; });
    if (it == servers.end())
        it = servers.insert(servers.end(), ServerEntry{serverUrl, {}, {}, {}});
    if (!it->fingerprints.contains(fingerprint))
        it->fingerprints.append(fingerprint);
    return writeServers(servers);
}

QString ProfileSettings::userId(const QString& serverUrl) const
{
    for (const ServerEntry& entry : readServers()) {
        if (entry.url == serverUrl)
            return entry.userId;
    }
    return {};
}

Result<void> ProfileSettings::setUserId(const QString& serverUrl, const QString& userId)
{
    QList<ServerEntry> servers = readServers();
    auto it = std::find_if(servers.begin(), servers.end(),
                           [&](const ServerEntry& entry) { return entry.url == serverUrl; });
    if (it == servers.end())
        it = servers.insert(servers.end(), ServerEntry{serverUrl, {}, {}, {}});
    it->userId = userId;
    return writeServers(servers);
}

QList<ProfileSettings::ServerEntry> ProfileSettings::readServers() const
{
    QSettings settings(settingsFilePath(), QSettings::IniFormat);
    QList<ServerEntry> servers;
    const int count = settings.beginReadArray(kServersArray);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        servers.append(ServerEntry{settings.value(kServerUrl).toString(),
                                   settings.value(kServerUserId).toString(),
                                   settings.value(kServerFingerprints).toStringList(),
                                   settings.value(kServerCaFile).toString()});
    }
    settings.endArray();
    return servers;
}

Result<void> ProfileSettings::writeServers(const QList<ServerEntry>& servers)
{
    if (auto created = ensureProfileDir(); !created)
        return created;
    QSettings settings(settingsFilePath(), QSettings::IniFormat);
    settings.remove(kServersArray);
    settings.beginWriteArray(kServersArray, int(servers.size()));
    for (int i = 0; i < servers.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(kServerUrl, servers[i].url);
        if (!servers[i].userId.isEmpty())
            settings.setValue(kServerUserId, servers[i].userId);
        if (!servers[i].fingerprints.isEmpty())
            settings.setValue(kServerFingerprints, servers[i].fingerprints);
        if (!servers[i].caFile.isEmpty())
            settings.setValue(kServerCaFile, servers[i].caFile);
    }
    settings.endArray();
    return finishWrite(settings);
}

Result<void> ProfileSettings::finishWrite(QSettings& settings) const
{
    settings.sync();
    if (settings.status() != QSettings::NoError) {
        qCWarning(lcSession) << "could not write the profile settings file, QSettings status"
                             << int(settings.status());
        return makeError(QString::fromLatin1(errc::kIo),
                         QStringLiteral("Could not write the settings file %1. Check that the "
                                        "profile folder is writable and the disk is not full.")
                             .arg(settingsFilePath()));
    }
    QFile::setPermissions(settingsFilePath(), QFile::ReadOwner | QFile::WriteOwner);
    return {};
}

} // namespace chartinsight::client
