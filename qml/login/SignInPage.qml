import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The first page: server address, e-mail and password. The controller does the work, and this
// page only collects the input and shows progress and errors.
Page {
    id: page

    required property SessionController controller
    // A success message to show above the form, for example after a password reset.
    property string notice

    // The user chose "Forgot password?"; the window opens the reset dialog.
    signal forgotPasswordRequested(string serverAddress, string email)

    readonly property bool canSubmit: emailField.text.trim().length > 0
                                      && passwordField.text.length > 0
                                      && serverField.text.trim().length > 0
                                      && !controller.busy

    function submit() {
        if (!canSubmit)
            return;
        controller.signIn(serverField.text, emailField.text, passwordField.text);
    }

    objectName: "signInPage"
    background: Rectangle { color: Style.windowColor }

    // The password leaves the field once the session exists.
    Connections {
        target: page.controller
        function onSignedInChanged() {
            passwordField.clear();
        }
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(Style.signInWidth, page.width - 2 * Style.pageMargin)
        spacing: Style.spacingLarge

        RowLayout {
            Layout.alignment: Qt.AlignHCenter
            spacing: Style.spacingMedium

            Image {
                source: "qrc:/chartinsight/chartinsight.svg"
                sourceSize.width: Style.logoSize
                sourceSize.height: Style.logoSize
                Layout.preferredWidth: Style.logoSize
                Layout.preferredHeight: Style.logoSize
                Accessible.role: Accessible.Graphic
                Accessible.name: qsTr("ChartInsight logo")
            }

            Label {
                text: "ChartInsight"
                font.pointSize: Style.fontSizeHero
                font.bold: true
                color: Style.textColor
            }
        }

        Label {
            Layout.alignment: Qt.AlignHCenter
            Layout.bottomMargin: Style.spacing
            text: qsTr("Sign in to your clinic's records server")
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
                    text: qsTr("Server address")
                    font.pointSize: Style.fontSize
                    font.bold: true
                }
                AppTextField {
                    id: serverField
                    objectName: "serverField"
                    Layout.fillWidth: true
                    text: page.controller.serverUrl
                    placeholderText: "https://127.0.0.1:8443"
                    inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                    enabled: !page.controller.busy
                    Accessible.name: qsTr("Server address")
                    onAccepted: emailField.forceActiveFocus()
                }

                Label {
                    Layout.topMargin: Style.spacing
                    text: qsTr("E-mail")
                    font.pointSize: Style.fontSize
                    font.bold: true
                }
                AppTextField {
                    id: emailField
                    objectName: "emailField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("name@clinic.example")
                    inputMethodHints: Qt.ImhEmailCharactersOnly | Qt.ImhNoAutoUppercase
                    enabled: !page.controller.busy
                    focus: true
                    Accessible.name: qsTr("E-mail address")
                    onAccepted: passwordField.forceActiveFocus()
                }

                Label {
                    Layout.topMargin: Style.spacing
                    text: qsTr("Password")
                    font.pointSize: Style.fontSize
                    font.bold: true
                }
                AppTextField {
                    id: passwordField
                    objectName: "passwordField"
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    passwordCharacter: "\u2022"
                    inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                    enabled: !page.controller.busy
                    Accessible.name: qsTr("Password")
                    onAccepted: page.submit()
                }

                MessageBanner {
                    objectName: "noticeBanner"
                    Layout.fillWidth: true
                    Layout.topMargin: Style.spacing
                    kind: MessageBanner.Success
                    text: page.controller.errorString.length > 0 ? "" : page.notice
                }
                // A locked account gets the unlock time in place of the server's error text.
                MessageBanner {
                    id: lockoutBanner
                    objectName: "lockoutBanner"
                    Layout.fillWidth: true
                    Layout.topMargin: Style.spacing
                    kind: MessageBanner.Warning
                    text: page.controller.lockedUntil.length === 0 ? ""
                          : qsTr("This account is locked after too many failed sign-ins. Try "
                                 + "again after %1, or ask your administrator to unlock it.")
                            .arg(page.controller.lockedUntil)
                }
                MessageBanner {
                    id: errorBanner
                    objectName: "errorBanner"
                    Layout.fillWidth: true
                    Layout.topMargin: Style.spacing
                    kind: MessageBanner.Error
                    text: page.controller.lockedUntil.length > 0 ? ""
                                                                 : page.controller.errorString
                }

                AppButton {
                    id: signInButton
                    objectName: "signInButton"
                    Layout.fillWidth: true
                    Layout.topMargin: Style.spacingMedium
                    text: qsTr("Sign in")
                    primary: true
                    enabled: page.canSubmit
                    Accessible.name: qsTr("Sign in")
                    onClicked: page.submit()
                }
                AppButton {
                    objectName: "forgotPasswordButton"
                    Layout.alignment: Qt.AlignHCenter
                    text: qsTr("Forgot password?")
                    flat: true
                    enabled: !page.controller.busy
                    Accessible.name: qsTr("Forgot password? Request a reset link")
                    onClicked: page.forgotPasswordRequested(serverField.text, emailField.text)
                }

                RowLayout {
                    Layout.fillWidth: true
                    Layout.preferredHeight: Style.controlHeight
                    visible: page.controller.busy || page.controller.status.length > 0
                    spacing: Style.spacing

                    BusyIndicator {
                        objectName: "busyIndicator"
                        running: page.controller.busy
                        visible: running
                        Layout.preferredWidth: 24
                        Layout.preferredHeight: 24
                        Accessible.name: qsTr("Working")
                    }
                    Label {
                        objectName: "statusLabel"
                        Layout.fillWidth: true
                        text: page.controller.status
                        color: Style.secondaryTextColor
                        font.pointSize: Style.fontSizeSmall
                        elide: Text.ElideRight
                    }
                }
            }
        }

        Label {
            Layout.alignment: Qt.AlignHCenter
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("Files are scanned for malware on this computer and on the server, and "
                       + "stored encrypted.")
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSizeSmall
        }
    }
}
