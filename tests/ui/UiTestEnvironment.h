#pragma once

#include <QString>
#include <QTemporaryDir>

namespace chartinsight::test {

// Gives a desktop test its own folders before the application object exists: XDG_RUNTIME_DIR
// and XDG_CACHE_HOME (Qt and Mesa write caches there) and CHARTINSIGHT_PROFILE_DIR (client
// settings and offline cache). Selects the offscreen platform unless QT_QPA_PLATFORM is set.
class UiTestEnvironment
{
public:
    UiTestEnvironment();

    QString profileDir() const;
    // A folder for files the test creates.
    QString workDir() const;
    // Whether a D-Bus session bus is set, which signing in needs for the keychain.
    static bool hasSessionBus();

private:
    QTemporaryDir m_dir;
};

} // namespace chartinsight::test
