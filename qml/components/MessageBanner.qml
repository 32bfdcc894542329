import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Desktop

// A coloured box with one message: an error, a warning or a success. Hidden while `text` is
// empty. `closable` adds a button that emits closed().
Rectangle {
    id: banner

    enum Kind { Error, Warning, Success }

    property int kind: MessageBanner.Error
    property alias text: messageLabel.text
    property bool closable: false

    signal closed()

    visible: text.length > 0
    implicitHeight: row.implicitHeight + 2 * Style.spacingMedium
    radius: Style.radius
    border.width: Style.borderWidth
    color: kind === MessageBanner.Error ? Style.errorBackground
         : kind === MessageBanner.Warning ? Style.warningBackground : Style.successBackground
    border.color: kind === MessageBanner.Error ? Style.errorBorder
                : kind === MessageBanner.Warning ? Style.warningBorder : Style.successColor

    Accessible.role: Accessible.AlertMessage
    Accessible.name: messageLabel.text

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Style.spacingMedium
        anchors.rightMargin: Style.spacing
        spacing: Style.spacing

        Label {
            id: messageLabel
            objectName: "messageLabel"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
            font.pointSize: Style.fontSize
            color: banner.kind === MessageBanner.Error ? Style.errorColor
                 : banner.kind === MessageBanner.Warning ? Style.warningColor : Style.successColor
        }

        ToolButton {
            visible: banner.closable
            text: "\u2715"
            font.pointSize: Style.fontSizeSmall
            Layout.alignment: Qt.AlignTop
            Accessible.name: qsTr("Dismiss message")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Dismiss")
            onClicked: banner.closed()
        }
    }
}
