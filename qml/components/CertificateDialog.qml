import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Asks whether to trust a server certificate that no CA file vouches for, showing its SHA-256
// fingerprint for comparison with the one the server printed when it started.
Dialog {
    id: dialog

    required property SessionController controller

    objectName: "certificateDialog"
    title: qsTr("Check the server's identity")
    modal: true
    closePolicy: Popup.CloseOnEscape
    width: Math.min(Style.dialogWidth, parent ? parent.width - 2 * Style.pageMargin : Style.dialogWidth)
    anchors.centerIn: parent
    padding: Style.spacingHuge
    topPadding: Style.spacingLarge

    background: Rectangle {
        color: Style.surfaceColor
        border.color: Style.borderColor
        radius: Style.radius
    }

    header: Label {
        text: dialog.title
        font.pointSize: Style.fontSizeTitle
        font.bold: true
        color: Style.textColor
        leftPadding: Style.spacingHuge
        rightPadding: Style.spacingHuge
        topPadding: Style.spacingHuge
        wrapMode: Text.Wrap
    }

    onRejected: controller.rejectCertificate()
    onAccepted: controller.trustCertificate()

    ColumnLayout {
        width: parent.width
        spacing: Style.spacingLarge

        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            font.pointSize: Style.fontSize
            text: qsTr("This is the first connection to %1, and its certificate is not signed "
                       + "by an authority this computer trusts.")
                  .arg(dialog.controller.serverUrl)
        }

        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            font.pointSize: Style.fontSize
            text: qsTr("Compare the fingerprint below with the one the server printed when it "
                       + "started (the line “certificate sha256 fingerprint”). Trust it only if "
                       + "every group matches.")
        }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: fingerprintLabel.implicitHeight + 2 * Style.spacingMedium
            color: Style.windowColor
            border.color: Style.borderColor
            radius: Style.radius

            Label {
                id: fingerprintLabel
                objectName: "fingerprintLabel"
                anchors.centerIn: parent
                text: dialog.controller.untrustedFingerprintText
                font.family: Style.monospaceFamily
                font.pointSize: Style.fontSizeLarge
                lineHeight: 1.3
                horizontalAlignment: Text.AlignHCenter
                Accessible.role: Accessible.StaticText
                Accessible.name: qsTr("Certificate fingerprint %1")
                                 .arg(dialog.controller.untrustedFingerprint)
            }
        }

        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSizeSmall
            text: qsTr("If they differ, choose Cancel and tell your administrator: someone may "
                       + "be impersonating the server.")
        }
    }

    footer: Item {
        implicitHeight: buttons.implicitHeight + 2 * Style.spacingLarge

        RowLayout {
            id: buttons
            anchors.right: parent.right
            anchors.rightMargin: Style.spacingHuge
            anchors.verticalCenter: parent.verticalCenter
            spacing: Style.spacing

            AppButton {
                objectName: "cancelButton"
                text: qsTr("Cancel")
                Accessible.name: qsTr("Cancel: do not trust this certificate")
                onClicked: dialog.reject()
            }
            AppButton {
                objectName: "trustButton"
                text: qsTr("Trust")
                primary: true
                Accessible.name: qsTr("Trust this certificate")
                onClicked: dialog.accept()
            }
        }
    }
}
