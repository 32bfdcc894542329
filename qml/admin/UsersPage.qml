import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The organization's users for people who may manage it: who is locked out and until when,
// unlocking an account, and setting a user's password with the server's strength check. The
// AdminUsers view model does the work and reports busy, status and errors.
Page {
    id: page

    required property SessionController controller
    required property AdminUsers users
    // The user whose password is being set, {"id", "email"}, or null.
    property var passwordUser: null

    signal backRequested()

    function closePasswordForm() {
        passwordUser = null;
        newPasswordField.clear();
        confirmPasswordField.clear();
    }

    objectName: "usersPage"
    background: Rectangle { color: Style.windowColor }

    // Only its strength check is used here: it needs no reset link.
    PasswordReset {
        id: strength
        controller: page.controller
    }
    Connections {
        target: page.users
        function onPasswordSet() {
            page.closePasswordForm();
        }
    }

    onVisibleChanged: {
        if (visible) {
            users.refresh();
        } else {
            closePasswordForm();
            users.clearMessages();
        }
    }

    header: Rectangle {
        implicitHeight: Style.headerHeight
        color: Style.surfaceColor

        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: Style.borderWidth
            color: Style.borderColor
        }

        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: Style.pageMargin
            anchors.rightMargin: Style.pageMargin
            spacing: Style.spacing

            AppButton {
                objectName: "usersBackButton"
                text: qsTr("‹ Settings")
                flat: true
                Accessible.name: qsTr("Back to the settings")
                onClicked: page.backRequested()
            }
            Label {
                Layout.leftMargin: Style.spacing
                Layout.fillWidth: true
                text: qsTr("Users")
                font.pointSize: Style.fontSizeTitle
                font.bold: true
                color: Style.textColor
            }
            BusyIndicator {
                running: page.users.busy
                visible: running
                Layout.preferredWidth: 24
                Layout.preferredHeight: 24
                Accessible.name: qsTr("Working")
            }
            AppButton {
                objectName: "usersRefreshButton"
                text: qsTr("Refresh")
                enabled: !page.users.busy
                Accessible.name: qsTr("Read the list of users again")
                onClicked: page.users.refresh()
            }
        }
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: Math.min(Style.maxPageWidth * 0.75, scroll.availableWidth - 2 * Style.pageMargin)
            x: (scroll.availableWidth - width) / 2
            spacing: Style.spacingLarge

            Item { Layout.preferredHeight: Style.spacing }

            MessageBanner {
                objectName: "usersErrorBanner"
                Layout.fillWidth: true
                kind: MessageBanner.Error
                text: page.users.errorString
                closable: true
                onClosed: page.users.clearMessages()
            }
            MessageBanner {
                objectName: "usersStatusBanner"
                Layout.fillWidth: true
                kind: MessageBanner.Success
                text: page.users.errorString.length > 0 ? "" : page.users.status
                closable: true
                onClosed: page.users.clearMessages()
            }

            SettingsCard {
                objectName: "setPasswordCard"
                visible: page.passwordUser !== null
                title: page.passwordUser ? qsTr("New password for %1").arg(page.passwordUser.email)
                                         : ""

                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: Style.secondaryTextColor
                    text: qsTr("The user's sessions on every device end, and links from earlier "
                               + "reset e-mails stop working.")
                }
                Label {
                    Layout.topMargin: Style.spacing
                    text: qsTr("New password")
                    font.bold: true
                }
                AppTextField {
                    id: newPasswordField
                    objectName: "userNewPasswordField"
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    passwordCharacter: "\u2022"
                    inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                    enabled: !page.users.busy
                    Accessible.name: qsTr("New password")
                    onTextChanged: strength.checkStrength(text)
                }
                PasswordStrengthMeter {
                    objectName: "userStrengthMeter"
                    Layout.fillWidth: true
                    score: strength.strengthScore
                    acceptable: strength.strengthAcceptable
                    text: strength.strengthText
                }
                Label {
                    Layout.topMargin: Style.spacing
                    text: qsTr("New password again")
                    font.bold: true
                }
                AppTextField {
                    id: confirmPasswordField
                    objectName: "userConfirmPasswordField"
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    passwordCharacter: "\u2022"
                    inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                    enabled: !page.users.busy
                    Accessible.name: qsTr("New password again")
                }
                RowLayout {
                    Layout.topMargin: Style.spacing
                    spacing: Style.spacing

                    AppButton {
                        objectName: "userSetPasswordButton"
                        text: qsTr("Set password")
                        primary: true
                        enabled: newPasswordField.text.length > 0
                                 && confirmPasswordField.text === newPasswordField.text
                                 && !page.users.busy
                        Accessible.name: text
                        onClicked: page.users.setPassword(page.passwordUser.id,
                                                          newPasswordField.text,
                                                          confirmPasswordField.text)
                    }
                    AppButton {
                        text: qsTr("Cancel")
                        flat: true
                        onClicked: page.closePasswordForm()
                    }
                }
            }

            SettingsCard {
                title: qsTr("Users of your organization")

                Label {
                    objectName: "noUsersLabel"
                    visible: page.users.users.length === 0 && !page.users.busy
                    text: qsTr("No users to show.")
                    color: Style.secondaryTextColor
                }

                Repeater {
                    model: page.users.users

                    RowLayout {
                        required property var modelData
                        objectName: "userRow"
                        Layout.fillWidth: true
                        Layout.preferredHeight: Style.recordRowHeight
                        spacing: Style.spacing

                        ColumnLayout {
                            Layout.fillWidth: true
                            spacing: 2

                            SensitiveLabel {
                                objectName: "userEmail"
                                Layout.fillWidth: true
                                sensitiveText: modelData.email
                                font.bold: true
                                elide: Text.ElideRight
                            }
                            Label {
                                Layout.fillWidth: true
                                text: [modelData.isAdmin ? qsTr("Administrator") : qsTr("User"),
                                       modelData.mfaEnabled ? qsTr("e-mail codes on")
                                                            : qsTr("e-mail codes off")].join(" · ")
                                color: Style.secondaryTextColor
                                font.pointSize: Style.fontSizeSmall
                                elide: Text.ElideRight
                            }
                        }
                        Label {
                            objectName: "userLockState"
                            text: modelData.locked ? qsTr("Locked until %1").arg(modelData.lockedUntil)
                                                   : qsTr("Active")
                            color: modelData.locked ? Style.warningColor : Style.successColor
                            font.pointSize: Style.fontSizeSmall
                            font.bold: modelData.locked
                        }
                        AppButton {
                            objectName: "unlockUserButton"
                            visible: modelData.locked
                            text: qsTr("Unlock")
                            primary: true
                            enabled: !page.users.busy
                            Accessible.name: qsTr("Unlock %1").arg(modelData.email)
                            onClicked: page.users.unlock(modelData.id)
                        }
                        AppButton {
                            objectName: "setUserPasswordButton"
                            text: qsTr("Set password…")
                            enabled: !page.users.busy
                            Accessible.name: qsTr("Set a new password for %1").arg(modelData.email)
                            onClicked: {
                                page.closePasswordForm();
                                page.passwordUser = {"id": modelData.id, "email": modelData.email};
                                newPasswordField.forceActiveFocus();
                            }
                        }
                    }
                }
            }

            Item { Layout.preferredHeight: Style.spacing }
        }
    }
}
