import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The window's bottom line: whether the server is reachable, and a warning for as long as the
// local scanner or the server uses demo signatures.
Rectangle {
    id: statusBar

    required property SessionController controller

    implicitHeight: Style.statusBarHeight
    color: Style.surfaceColor
    // Nothing to report before sign-in, unless demo signatures are in use.
    visible: controller.signedIn || controller.demoSignatures

    Rectangle {
        anchors.top: parent.top
        width: parent.width
        height: Style.borderWidth
        color: Style.borderColor
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Style.spacingLarge
        anchors.rightMargin: Style.spacingLarge
        spacing: Style.spacing

        Rectangle {
            visible: statusBar.controller.signedIn
            implicitWidth: Style.statusDotSize
            implicitHeight: Style.statusDotSize
            radius: Style.statusDotSize / 2
            color: statusBar.controller.online ? Style.onlineColor : Style.offlineColor
        }

        Label {
            id: connectionLabel
            objectName: "connectionLabel"
            visible: statusBar.controller.signedIn
            text: statusBar.controller.online
                  ? qsTr("Online — connected to %1").arg(statusBar.controller.serverUrl)
                  : qsTr("Offline — showing records saved on this computer")
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSizeSmall
            Accessible.role: Accessible.StatusBar
            Accessible.name: text
        }

        Item { Layout.fillWidth: true }

        Label {
            id: demoLabel
            objectName: "demoSignaturesLabel"
            visible: statusBar.controller.demoSignatures
            // Exact wording: scripts and the quick start's documentation quote it.
            text: "demo signatures: real malware is not detected"
            color: Style.warningColor
            font.pointSize: Style.fontSizeSmall
            font.bold: true
            leftPadding: Style.spacing
            rightPadding: Style.spacing
            topPadding: 2
            bottomPadding: 2
            background: Rectangle {
                color: Style.warningBackground
                border.color: Style.warningBorder
                radius: Style.radius - 2
            }
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
    }
}
