// Runs the QML tests in tests/ui/qml with the app's modules, style and image provider.

#include "UiTestEnvironment.h"
#include "ui/DesktopEngine.h"

#include <QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(ChartInsight_UiPlugin)
Q_IMPORT_QML_PLUGIN(ChartInsight_DesktopPlugin)

class QmlTestSetup : public QObject
{
    Q_OBJECT

public slots:
    void applicationAvailable() { chartinsight::ui::DesktopEngine::selectStyle(); }
    void qmlEngineAvailable(QQmlEngine* engine)
    {
        chartinsight::ui::DesktopEngine::prepare(*engine);
    }

private:
    // Constructed before the application: sets the folders and the offscreen platform.
    chartinsight::test::UiTestEnvironment m_environment;
};

QUICK_TEST_MAIN_WITH_SETUP(test_ui_qml, QmlTestSetup)

#include "QmlTestMain.moc"
