#include "DesktopEngine.h"

#include "RecordImageProvider.h"

#include <QQmlEngine>
#include <QQuickStyle>

namespace chartinsight::ui {

QUrl DesktopEngine::mainQmlUrl()
{
    return QUrl(QStringLiteral("qrc:/qt/qml/ChartInsight/Desktop/Main.qml"));
}

void DesktopEngine::selectStyle()
{
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
}

void DesktopEngine::prepare(QQmlEngine& engine)
{
    // Qt 6.4 does not search the resource prefix of qt_add_qml_module modules by default.
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.addImageProvider(QLatin1String(RecordImageProvider::kProviderId),
                            new RecordImageProvider);
}

} // namespace chartinsight::ui
