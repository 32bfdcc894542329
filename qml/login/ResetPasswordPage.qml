import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Completes a password reset opened from the link chartinsight://reset-password?token=T: the
// new password twice, with the server's live strength check. A used or expired link shows the
// server's message; Cancel returns to sign-in.
Page {
    id: page

    required property PasswordReset reset

    readonly property bool canSubmit: passwordField.text.length > 0
                                      && confirmField.text.length > 0 && !reset.busy

    function submit() {
        if (!canSubmit)
            return;
        reset.complete(passwordField.text, confirmField.text);
    }

    objectName: "resetPasswordPage"
    background: Rectangle { color: Style.windowColor }

    Connections {
        target: page.reset
        function onHasTokenChanged() {
            passwordField.clear();
            confirmField.clear();
        }
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(Style.signInWidth, page.width - 2 * Style.pageMargin)
        spacing: Style.spacingLarge

        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Choose a new password")
            font.pointSize: Style.fontSizeHero
            font.bold: true
            color: Style.textColor
        }

        Label {
            Layout.fillWidth: true
            Layout.bottomMargin: Style.spacing
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("The new password replaces the old one and signs out every device "
                       + "that uses this account.")
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSizeLarge
        }

        Pane {
            Layout.fillWidth: true
            padding: Style.spacingHuge
            background: Rectangle {
                color: Style.surfaceColor
                border.color: Style.borderColor
                radius: Style.radius
            }

            ColumnLayout {
                anchors.fill: parent
                spacing: Style.spacing

                Label {
                    text: qsTr("New password")
                    font.pointSize: Style.fontSize
                    font.bold: true
                }
                AppTextField {
                    id: passwordField
                    objectName: "newPasswordField"
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    passwordCharacter: "\u2022"
                    inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                    enabled: !page.reset.busy
                    focus: true
                    Accessible.name: qsTr("New password")
                    onTextChanged: page.reset.checkStrength(text)
                    onAccepted: confirmField.forceActiveFocus()
                }
                PasswordStrengthMeter {
                    objectName: "strengthMeter"
                    Layout.fillWidth: true
                    score: page.reset.strengthScore
                    acceptable: page.reset.strengthAcceptable
                    text: page.reset.strengthText
                }

                Label {
                    Layout.topMargin: Style.spacing
                    text: qsTr("New password again")
                    font.pointSize: Style.fontSize
                    font.bold: true
                }
                AppTextField {
                    id: confirmField
                    objectName: "confirmPasswordField"
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    passwordCharacter: "\u2022"
                    inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                    enabled: !page.reset.busy
                    Accessible.name: qsTr("New password again")
                    onAccepted: page.submit()
                }
                Label {
                    objectName: "mismatchLabel"
                    Layout.fillWidth: true
                    visible: confirmField.text.length > 0 && confirmField.text !== passwordField.text
                    text: qsTr("The two passwords differ.")
                    color: Style.errorColor
                    font.pointSize: Style.fontSizeSmall
                }

                MessageBanner {
                    objectName: "resetPageErrorBanner"
                    Layout.fillWidth: true
                    Layout.topMargin: Style.spacing
                    kind: MessageBanner.Error
                    text: page.reset.errorString
                }

                AppButton {
                    objectName: "setPasswordButton"
                    Layout.fillWidth: true
                    Layout.topMargin: Style.spacingMedium
                    text: qsTr("Set new password")
                    primary: true
                    enabled: page.canSubmit
                    Accessible.name: text
                    onClicked: page.submit()
                }
                AppButton {
                    objectName: "cancelResetButton"
                    Layout.fillWidth: true
                    text: qsTr("Cancel")
                    flat: true
                    enabled: !page.reset.busy
                    Accessible.name: qsTr("Cancel and return to sign-in")
                    onClicked: page.reset.cancel()
                }
            }
        }
    }
}
