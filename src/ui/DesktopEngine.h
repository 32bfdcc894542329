#pragma once

#include <QUrl>

class QQmlEngine;

namespace chartinsight::ui {

// Set-up shared by the desktop app and its tests, so that both show the same user interface.
class DesktopEngine
{
public:
    // Main.qml of the ChartInsight.Desktop module. A URL, because Qt 6.4 has no
    // QQmlApplicationEngine::loadFromModule().
    static QUrl mainQmlUrl();

    // Selects the Fusion style of Qt Quick Controls. Call before the first QML engine exists.
    static void selectStyle();

    // Adds the module import path and the "record" image provider to `engine`.
    static void prepare(QQmlEngine& engine);
};

} // namespace chartinsight::ui
