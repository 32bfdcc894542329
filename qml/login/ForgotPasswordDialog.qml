import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Asks for the e-mail address of an account and has the server send a reset link to it. The
// answer is the same whether or not the address is registered, so the dialog reveals nothing
// about which accounts exist.
Dialog {
    id: dialog

    required property PasswordReset reset
    // Server the request goes to, as typed on the sign-in page.
    property string serverAddress
    property alias email: emailField.text

    readonly property bool sent: reset.status.length > 0

    function send() {
        if (emailField.text.trim().length === 0 || reset.busy)
            return;
        reset.requestReset(dialog.serverAddress, emailField.text);
    }

    objectName: "forgotPasswordDialog"
    title: qsTr("Reset your password")
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

    onAboutToShow: {
        reset.clearMessages();
        emailField.forceActiveFocus();
    }

    ColumnLayout {
        width: parent.width
        spacing: Style.spacing

        Label {
            Layout.fillWidth: true
            Layout.bottomMargin: Style.spacing
            wrapMode: Text.Wrap
            font.pointSize: Style.fontSize
            text: qsTr("Enter the e-mail address of your account. We will send it a link to "
                       + "choose a new password.")
        }

        Label {
            text: qsTr("E-mail")
            font.pointSize: Style.fontSize
            font.bold: true
        }
        AppTextField {
            id: emailField
            objectName: "resetEmailField"
            Layout.fillWidth: true
            placeholderText: qsTr("name@clinic.example")
            inputMethodHints: Qt.ImhEmailCharactersOnly | Qt.ImhNoAutoUppercase
            enabled: !dialog.reset.busy && !dialog.sent
            Accessible.name: qsTr("E-mail address")
            onAccepted: dialog.send()
        }

        MessageBanner {
            objectName: "resetSentBanner"
            Layout.fillWidth: true
            Layout.topMargin: Style.spacing
            kind: MessageBanner.Success
            text: dialog.reset.status
        }
        MessageBanner {
            objectName: "resetErrorBanner"
            Layout.fillWidth: true
            Layout.topMargin: Style.spacing
            kind: MessageBanner.Error
            text: dialog.reset.errorString
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

            BusyIndicator {
                running: dialog.reset.busy
                visible: running
                Layout.preferredWidth: 24
                Layout.preferredHeight: 24
                Accessible.name: qsTr("Working")
            }
            AppButton {
                objectName: "resetCloseButton"
                text: dialog.sent ? qsTr("Close") : qsTr("Cancel")
                primary: dialog.sent
                Accessible.name: text
                onClicked: dialog.close()
            }
            AppButton {
                objectName: "resetSendButton"
                visible: !dialog.sent
                text: qsTr("Send link")
                primary: true
                enabled: emailField.text.trim().length > 0 && !dialog.reset.busy
                Accessible.name: qsTr("Send the reset link")
                onClicked: dialog.send()
            }
        }
    }
}
