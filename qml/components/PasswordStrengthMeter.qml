import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Desktop

// Four bars and a line of text for the server's password policy score (0..4, -1 while none is
// known). The server decides whether a password is acceptable, and this only shows its response.
ColumnLayout {
    id: meter

    property int score: -1
    property bool acceptable: false
    property string text

    readonly property color levelColor: !acceptable ? Style.errorColor
                                      : score >= 4 ? Style.successColor
                                      : score >= 3 ? Style.onlineColor : Style.warningColor

    spacing: Style.spacingSmall
    Accessible.role: Accessible.StaticText
    Accessible.name: label.text

    RowLayout {
        Layout.fillWidth: true
        spacing: Style.spacingSmall

        Repeater {
            model: 4

            Rectangle {
                required property int index
                Layout.fillWidth: true
                Layout.preferredHeight: 6
                radius: 3
                color: meter.score > index ? meter.levelColor : Style.borderColor
            }
        }
    }

    Label {
        id: label
        objectName: "strengthLabel"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        font.pointSize: Style.fontSizeSmall
        color: meter.score < 0 ? Style.secondaryTextColor
             : meter.acceptable ? Style.successColor : Style.errorColor
        text: meter.score < 0 ? (meter.text.length > 0 ? meter.text
                                                       : qsTr("Strength is checked as you type."))
            : (meter.acceptable ? qsTr("Strong enough.") : qsTr("Too weak."))
              + (meter.text.length > 0 ? " " + meter.text : "")
    }
}
