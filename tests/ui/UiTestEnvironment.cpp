#include "UiTestEnvironment.h"

#include <QDir>
#include <QFile>

namespace chartinsight::test {

UiTestEnvironment::UiTestEnvironment()
{
    const QString runtimeDir = m_dir.filePath(QStringLiteral("runtime"));
    QDir().mkpath(runtimeDir);
    // Qt warns about a runtime folder that other users can open.
    QFile::setPermissions(runtimeDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QDir().mkpath(workDir());
    qputenv("XDG_RUNTIME_DIR", runtimeDir.toLocal8Bit());
    qputenv("XDG_CACHE_HOME", m_dir.filePath(QStringLiteral("cache")).toLocal8Bit());
    qputenv("CHARTINSIGHT_PROFILE_DIR", profileDir().toLocal8Bit());
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
}

QString UiTestEnvironment::profileDir() const
{
    return m_dir.filePath(QStringLiteral("profile"));
}

QString UiTestEnvironment::workDir() const
{
    return m_dir.filePath(QStringLiteral("work"));
}

bool UiTestEnvironment::hasSessionBus()
{
    return !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
}

} // namespace chartinsight::test
