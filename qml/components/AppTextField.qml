import QtQuick
import QtQuick.Controls

import ChartInsight.Desktop

// A single-line text field in the app's look, with an accent border while it has focus.
TextField {
    id: control

    implicitHeight: Style.controlHeight
    leftPadding: Style.spacingMedium
    rightPadding: Style.spacingMedium
    verticalAlignment: TextInput.AlignVCenter
    font.pointSize: Style.fontSize
    color: Style.textColor
    placeholderTextColor: Style.secondaryTextColor
    selectByMouse: true

    background: Rectangle {
        radius: Style.radius - 2
        color: control.enabled ? Style.surfaceColor : Style.windowColor
        border.width: control.activeFocus ? Style.focusRingWidth : Style.borderWidth
        border.color: control.activeFocus ? Style.accentColor : Style.strongBorderColor
    }
}
