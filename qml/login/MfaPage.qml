import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Second step of a sign-in with e-mail codes: the 6-digit code, Verify, Resend (after the wait
// the server sets) and Cancel. Shown while controller.mfaPending. A wrong or expired code keeps
// this page up with the server's message, and too many wrong codes end the sign-in, so the
// window returns to the sign-in page, which then shows that message.
Page {
    id: page

    required property SessionController controller
    // Seconds until the server accepts another resend; counts down to 0.
    property int resendWait: 0

    readonly property bool canVerify: codeField.text.length === 6 && !controller.busy

    function verify() {
        if (!canVerify)
            return;
        controller.verifyMfa(codeField.text);
    }

    objectName: "mfaPage"
    background: Rectangle { color: Style.windowColor }

    Connections {
        target: page.controller
        function onResendAvailableIn(seconds) {
            page.resendWait = Math.max(0, seconds);
        }
        // Each new sign-in starts with an empty field. A failed code is cleared for the next try.
        function onMfaPendingChanged() {
            codeField.clear();
            if (page.controller.mfaPending)
                codeField.forceActiveFocus();
        }
        function onErrorStringChanged() {
            if (page.controller.errorString.length > 0)
                codeField.clear();
        }
    }

    Timer {
        objectName: "resendTimer"
        interval: 1000
        repeat: true
        running: page.resendWait > 0 && page.visible
        onTriggered: page.resendWait = Math.max(0, page.resendWait - 1)
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(Style.signInWidth, page.width - 2 * Style.pageMargin)
        spacing: Style.spacingLarge

        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Check your e-mail")
            font.pointSize: Style.fontSizeHero
            font.bold: true
            color: Style.textColor
        }

        Label {
            Layout.fillWidth: true
            Layout.bottomMargin: Style.spacing
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("We sent a 6-digit code to the e-mail address of this account. "
                       + "Enter it to finish signing in.")
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
                    text: qsTr("Code")
                    font.pointSize: Style.fontSize
                    font.bold: true
                }
                AppTextField {
                    id: codeField
                    objectName: "codeField"
                    Layout.fillWidth: true
                    placeholderText: "123456"
                    maximumLength: 6
                    font.pointSize: Style.fontSizeTitle
                    font.letterSpacing: 6
                    horizontalAlignment: TextInput.AlignHCenter
                    validator: RegularExpressionValidator { regularExpression: /[0-9]{0,6}/ }
                    inputMethodHints: Qt.ImhDigitsOnly | Qt.ImhSensitiveData
                                      | Qt.ImhNoPredictiveText
                    enabled: !page.controller.busy
                    focus: true
                    Accessible.name: qsTr("6-digit code from the e-mail")
                    onAccepted: page.verify()
                }

                MessageBanner {
                    objectName: "mfaErrorBanner"
                    Layout.fillWidth: true
                    Layout.topMargin: Style.spacing
                    kind: MessageBanner.Error
                    text: page.controller.errorString
                }

                AppButton {
                    objectName: "verifyButton"
                    Layout.fillWidth: true
                    Layout.topMargin: Style.spacingMedium
                    text: qsTr("Verify")
                    primary: true
                    enabled: page.canVerify
                    Accessible.name: qsTr("Verify the code")
                    onClicked: page.verify()
                }

                RowLayout {
                    Layout.fillWidth: true
                    spacing: Style.spacing

                    AppButton {
                        objectName: "resendButton"
                        Layout.fillWidth: true
                        text: page.resendWait > 0
                              ? qsTr("Resend code in %1 s").arg(page.resendWait)
                              : qsTr("Resend code")
                        enabled: page.resendWait === 0 && !page.controller.busy
                        Accessible.name: text
                        onClicked: page.controller.resendMfa()
                    }
                    AppButton {
                        objectName: "cancelMfaButton"
                        text: qsTr("Cancel")
                        flat: true
                        enabled: !page.controller.busy
                        Accessible.name: qsTr("Cancel and return to sign-in")
                        onClicked: page.controller.cancelMfa()
                    }
                }

                RowLayout {
                    Layout.fillWidth: true
                    Layout.preferredHeight: Style.controlHeight
                    visible: page.controller.busy || page.controller.status.length > 0
                    spacing: Style.spacing

                    BusyIndicator {
                        running: page.controller.busy
                        visible: running
                        Layout.preferredWidth: 24
                        Layout.preferredHeight: 24
                        Accessible.name: qsTr("Working")
                    }
                    Label {
                        objectName: "mfaStatusLabel"
                        Layout.fillWidth: true
                        text: page.controller.status
                        color: Style.secondaryTextColor
                        font.pointSize: Style.fontSizeSmall
                        wrapMode: Text.Wrap
                    }
                }
            }
        }
    }
}
