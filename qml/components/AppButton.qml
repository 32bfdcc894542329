import QtQuick
import QtQuick.Controls

import ChartInsight.Desktop

// A push button in the app's look. `primary` fills it with the accent colour, for the main
// action of a page. `flat` leaves only the text, and other buttons are outlined.
Button {
    id: control

    property bool primary: false

    implicitHeight: Style.controlHeight
    leftPadding: Style.spacingLarge
    rightPadding: Style.spacingLarge
    font.pointSize: Style.fontSize
    hoverEnabled: true
    opacity: enabled ? 1.0 : 0.45

    contentItem: Label {
        text: control.text
        font: control.font
        color: control.primary ? Style.accentTextColor
             : control.flat ? Style.accentColor : Style.textColor
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }

    background: Rectangle {
        implicitWidth: control.flat ? 0 : Style.buttonMinWidth
        radius: Style.radius
        color: {
            if (control.primary)
                return control.down ? Style.accentPressedColor
                     : control.hovered ? Style.accentHoverColor : Style.accentColor;
            if (control.flat)
                return control.down ? Style.selectedColor
                     : control.hovered ? Style.hoverColor : "transparent";
            return control.down ? Style.selectedColor
                 : control.hovered ? Style.hoverColor : Style.surfaceColor;
        }
        border.width: control.primary || control.flat ? 0 : Style.borderWidth
        border.color: Style.strongBorderColor

        Rectangle {
            anchors.fill: parent
            anchors.margins: -Style.focusRingWidth - 1
            radius: parent.radius + Style.focusRingWidth + 1
            color: "transparent"
            border.width: Style.focusRingWidth
            border.color: Style.focusRingColor
            visible: control.visualFocus
        }
    }
}
