import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Desktop

// A titled white card of the settings page; its children are laid out in one column.
Pane {
    id: card

    property string title
    default property alias content: column.data

    Layout.fillWidth: true
    padding: Style.spacingHuge
    background: Rectangle {
        color: Style.surfaceColor
        border.color: Style.borderColor
        radius: Style.radius
    }

    ColumnLayout {
        id: column
        anchors.fill: parent
        spacing: Style.spacing

        Label {
            Layout.bottomMargin: Style.spacing
            text: card.title
            font.pointSize: Style.fontSizeLarge
            font.bold: true
            color: Style.textColor
        }
    }
}
