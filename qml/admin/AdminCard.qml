import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Desktop

// A white card of the administration page with a title; its children are laid out in one
// column.
Pane {
    id: card

    property string title
    default property alias content: column.data

    Layout.fillWidth: true
    padding: Style.spacingLarge
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
            visible: card.title.length > 0
            text: card.title
            font.pointSize: Style.fontSizeLarge
            font.bold: true
            color: Style.textColor
        }
    }
}
