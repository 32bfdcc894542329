#include "PrivacyMode.h"

#include "UiLogging.h"
#include "client/ProfileSettings.h"

#include <QDir>
#include <QSettings>

namespace chartinsight::ui {
namespace {

constexpr char kSettingsFileName[] = "desktop.ini";
constexpr char kEnabledKey[] = "privacy/mode";

} // namespace

PrivacyMode::PrivacyMode(QObject* parent, const QString& profileDir)
    : QObject(parent), m_profileDir(profileDir)
{
    const QSettings settings(settingsFilePath(), QSettings::IniFormat);
    m_enabled = settings.value(QLatin1String(kEnabledKey), false).toBool();
}

void PrivacyMode::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    const bool wasMasking = isMasking();
    m_enabled = enabled;
    qCInfo(lcUiSession) << "privacy mode" << (enabled ? "on" : "off");

    const client::ProfileSettings profile(m_profileDir);
    if (auto created = profile.ensureProfileDir(); !created) {
        qCWarning(lcUiSession) << "could not save the privacy mode:" << created.error().code;
    } else {
        QSettings settings(settingsFilePath(), QSettings::IniFormat);
        settings.setValue(QLatin1String(kEnabledKey), enabled);
        settings.sync();
        if (settings.status() != QSettings::NoError)
            qCWarning(lcUiSession) << "could not save the privacy mode:" << settings.status();
    }

    emit enabledChanged();
    if (wasMasking != isMasking())
        emit maskingChanged();
}

void PrivacyMode::setLocked(bool locked)
{
    if (locked == m_locked)
        return;
    const bool wasMasking = isMasking();
    m_locked = locked;
    emit lockedChanged();
    if (wasMasking != isMasking())
        emit maskingChanged();
}

QString PrivacyMode::display(const QString& value) const
{
    return isMasking() ? maskedText() : value;
}

QString PrivacyMode::settingsFilePath() const
{
    return QDir(client::ProfileSettings::resolveProfileDir(m_profileDir))
        .filePath(QLatin1String(kSettingsFileName));
}

} // namespace chartinsight::ui
