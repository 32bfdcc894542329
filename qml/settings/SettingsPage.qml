import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Account settings: change the password, turn e-mail codes at sign-in on or off, sign out
// sessions on other devices, set the idle time of the screen lock, and export one's data.
// Administrators also find the way to the Users page here. The view models do the work and
// report busy, status and errors.
Page {
    id: page

    required property SessionController controller
    readonly property AccountSettings settings: accountSettings
    // The window's idle lock and Users view model; either may be null.
    property IdleLock idleLock
    property AdminUsers adminUsers

    signal backRequested()
    signal usersRequested()

    objectName: "settingsPage"
    background: Rectangle { color: Style.windowColor }

    AccountSettings {
        id: accountSettings
        objectName: "accountSettings"
        controller: page.controller
        onPasswordChanged: {
            currentPasswordField.clear();
            newPasswordField.clear();
            confirmPasswordField.clear();
        }
        onAccountChanged: {
            mfaSwitch.checked = mfaEnabled;
            displayNameField.text = displayName;
        }
    }
    // Only its strength check is used here: it needs no reset link.
    PasswordReset {
        id: strength
        controller: page.controller
    }

    onVisibleChanged: {
        if (visible) {
            accountSettings.refresh();
        } else {
            currentPasswordField.clear();
            newPasswordField.clear();
            confirmPasswordField.clear();
            mfaPasswordField.clear();
            accountSettings.clearMessages();
            idleMinutesError.text = "";
        }
        if (visible && page.idleLock)
            idleMinutesField.text = page.idleLock.idleMinutes;
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
                objectName: "settingsBackButton"
                text: qsTr("‹ Records")
                flat: true
                Accessible.name: qsTr("Back to the records")
                onClicked: page.backRequested()
            }
            Label {
                Layout.leftMargin: Style.spacing
                text: qsTr("Settings")
                font.pointSize: Style.fontSizeTitle
                font.bold: true
                color: Style.textColor
            }
            SensitiveLabel {
                Layout.fillWidth: true
                Layout.leftMargin: Style.spacingMedium
                sensitiveText: accountSettings.email
                elide: Text.ElideRight
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSize
            }
            BusyIndicator {
                running: accountSettings.busy
                visible: running
                Layout.preferredWidth: 24
                Layout.preferredHeight: 24
                Accessible.name: qsTr("Working")
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
                objectName: "settingsErrorBanner"
                Layout.fillWidth: true
                kind: MessageBanner.Error
                text: accountSettings.errorString
                closable: true
                onClosed: accountSettings.clearMessages()
            }
            MessageBanner {
                objectName: "settingsStatusBanner"
                Layout.fillWidth: true
                kind: MessageBanner.Success
                text: accountSettings.errorString.length > 0 ? "" : accountSettings.status
                closable: true
                onClosed: accountSettings.clearMessages()
            }

            SettingsCard {
                title: qsTr("Display name")

                Label {
                    Layout.fillWidth: true
                    text: qsTr("Reports and user lists show this name instead of your e-mail "
                               + "address. Leave it empty to show the address.")
                    wrapMode: Text.WordWrap
                    color: Style.secondaryTextColor
                }
                AppTextField {
                    id: displayNameField
                    objectName: "displayNameField"
                    Layout.fillWidth: true
                    maximumLength: 100
                    // A person's name, so it is masked like other personal data.
                    echoMode: PrivacyMode.masking ? TextInput.Password : TextInput.Normal
                    enabled: !accountSettings.busy && !PrivacyMode.masking
                    text: accountSettings.displayName
                    Accessible.name: qsTr("Display name")
                    onAccepted: accountSettings.setDisplayName(text)
                }
                AppButton {
                    objectName: "saveDisplayNameButton"
                    text: qsTr("Save display name")
                    enabled: !accountSettings.busy && !PrivacyMode.masking
                             && displayNameField.text.trim() !== accountSettings.displayName
                    Accessible.name: text
                    onClicked: accountSettings.setDisplayName(displayNameField.text)
                }
            }

            SettingsCard {
                title: qsTr("Password")

                Label {
                    text: qsTr("Current password")
                    font.bold: true
                }
                AppTextField {
                    id: currentPasswordField
                    objectName: "currentPasswordField"
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    passwordCharacter: "\u2022"
                    inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                    enabled: !accountSettings.busy
                    Accessible.name: qsTr("Current password")
                }
                Label {
                    Layout.topMargin: Style.spacing
                    text: qsTr("New password")
                    font.bold: true
                }
                AppTextField {
                    id: newPasswordField
                    objectName: "settingsNewPasswordField"
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    passwordCharacter: "\u2022"
                    inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                    enabled: !accountSettings.busy
                    Accessible.name: qsTr("New password")
                    onTextChanged: strength.checkStrength(text)
                }
                PasswordStrengthMeter {
                    objectName: "settingsStrengthMeter"
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
                    objectName: "settingsConfirmPasswordField"
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    passwordCharacter: "\u2022"
                    inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                    enabled: !accountSettings.busy
                    Accessible.name: qsTr("New password again")
                }
                AppButton {
                    objectName: "changePasswordButton"
                    Layout.topMargin: Style.spacing
                    text: qsTr("Change password")
                    primary: true
                    enabled: currentPasswordField.text.length > 0
                             && newPasswordField.text.length > 0
                             && confirmPasswordField.text === newPasswordField.text
                             && !accountSettings.busy
                    Accessible.name: text
                    onClicked: accountSettings.changePassword(currentPasswordField.text,
                                                              newPasswordField.text,
                                                              confirmPasswordField.text)
                }
            }

            SettingsCard {
                title: qsTr("Sign-in codes")

                Switch {
                    id: mfaSwitch
                    objectName: "mfaSwitch"
                    Layout.fillWidth: true
                    text: qsTr("Ask for a code sent by e-mail at every sign-in")
                    enabled: !accountSettings.busy
                    Accessible.name: text
                }
                // Changing the setting needs the password; the switch only proposes the change.
                ColumnLayout {
                    Layout.fillWidth: true
                    visible: mfaSwitch.checked !== accountSettings.mfaEnabled
                    spacing: Style.spacing

                    Label {
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        color: Style.secondaryTextColor
                        text: qsTr("Enter your password to confirm the change.")
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Style.spacing

                        AppTextField {
                            id: mfaPasswordField
                            objectName: "mfaPasswordField"
                            Layout.fillWidth: true
                            echoMode: TextInput.Password
                            passwordCharacter: "\u2022"
                            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                            enabled: !accountSettings.busy
                            Accessible.name: qsTr("Password")
                        }
                        AppButton {
                            objectName: "mfaConfirmButton"
                            text: qsTr("Confirm")
                            primary: true
                            enabled: mfaPasswordField.text.length > 0 && !accountSettings.busy
                            onClicked: {
                                accountSettings.setMfaEnabled(mfaSwitch.checked,
                                                              mfaPasswordField.text);
                                mfaPasswordField.clear();
                            }
                        }
                        AppButton {
                            text: qsTr("Cancel")
                            flat: true
                            onClicked: {
                                mfaPasswordField.clear();
                                mfaSwitch.checked = accountSettings.mfaEnabled;
                            }
                        }
                    }
                }
            }

            SettingsCard {
                title: qsTr("Screen lock")

                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: Style.secondaryTextColor
                    text: qsTr("ChartInsight locks and hides patient records when it is not used "
                               + "for this many minutes (%1 to %2). Your password unlocks it.")
                          .arg(page.idleLock ? page.idleLock.minIdleMinutes : 1)
                          .arg(page.idleLock ? page.idleLock.maxIdleMinutes : 240)
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: Style.spacing

                    AppTextField {
                        id: idleMinutesField
                        objectName: "idleMinutesField"
                        Layout.preferredWidth: Style.buttonMinWidth
                        inputMethodHints: Qt.ImhDigitsOnly
                        enabled: page.idleLock !== null
                        Accessible.name: qsTr("Minutes without use before the lock")
                        onAccepted: saveIdleButton.clicked()
                    }
                    Label {
                        text: qsTr("minutes")
                    }
                    AppButton {
                        id: saveIdleButton
                        objectName: "saveIdleMinutesButton"
                        text: qsTr("Save")
                        enabled: page.idleLock !== null && idleMinutesField.text.length > 0
                        Accessible.name: qsTr("Save the idle time")
                        onClicked: {
                            idleMinutesError.text = page.idleLock.saveIdleMinutes(
                                idleMinutesField.text);
                            if (idleMinutesError.text.length === 0)
                                idleMinutesField.text = page.idleLock.idleMinutes;
                        }
                    }
                    AppButton {
                        objectName: "lockNowButton"
                        text: qsTr("Lock now")
                        flat: true
                        enabled: page.idleLock !== null
                        Accessible.name: qsTr("Lock ChartInsight now")
                        onClicked: page.idleLock.lock()
                    }
                }
                MessageBanner {
                    id: idleMinutesError
                    objectName: "idleMinutesError"
                    Layout.fillWidth: true
                    kind: MessageBanner.Error
                }
            }

            SettingsCard {
                title: qsTr("Privacy mode")

                Switch {
                    objectName: "privacyModeSwitch"
                    text: qsTr("Hide patient names, record titles, file names and e-mail "
                               + "addresses (Ctrl+Shift+P)")
                    checked: PrivacyMode.enabled
                    Accessible.name: qsTr("Privacy mode")
                    onToggled: PrivacyMode.enabled = checked
                }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: Style.secondaryTextColor
                    text: qsTr("For screen sharing and busy rooms: the values show as dots until "
                               + "you turn this off. They are also hidden while the app is locked.")
                }
            }

            SettingsCard {
                objectName: "organizationCard"
                visible: page.adminUsers !== null && page.adminUsers.available
                title: qsTr("Organization")

                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: Style.secondaryTextColor
                    text: qsTr("Unlock accounts after too many failed sign-ins, and set users' "
                               + "passwords.")
                }
                AppButton {
                    objectName: "manageUsersButton"
                    text: qsTr("Users…")
                    Accessible.name: qsTr("Manage the organization's users")
                    onClicked: page.usersRequested()
                }
            }

            ExportCard {
                controller: page.controller
            }

            SettingsCard {
                title: qsTr("Active sessions")

                Repeater {
                    model: accountSettings.sessions

                    RowLayout {
                        required property var modelData
                        objectName: "sessionRow"
                        Layout.fillWidth: true
                        Layout.preferredHeight: Style.recordRowHeight
                        spacing: Style.spacing

                        ColumnLayout {
                            Layout.fillWidth: true
                            spacing: 2

                            Label {
                                Layout.fillWidth: true
                                text: modelData.deviceName
                                font.bold: true
                                elide: Text.ElideRight
                            }
                            Label {
                                Layout.fillWidth: true
                                text: qsTr("Signed in %1 · last used %2")
                                      .arg(modelData.createdAt).arg(modelData.lastUsedAt)
                                color: Style.secondaryTextColor
                                font.pointSize: Style.fontSizeSmall
                                elide: Text.ElideRight
                            }
                        }
                        Label {
                            visible: modelData.current
                            text: qsTr("This device")
                            color: Style.accentColor
                            font.pointSize: Style.fontSizeSmall
                            font.bold: true
                        }
                        AppButton {
                            objectName: "revokeSessionButton"
                            visible: !modelData.current
                            text: qsTr("Sign out")
                            enabled: !accountSettings.busy
                            Accessible.name: qsTr("Sign out %1").arg(modelData.deviceName)
                            onClicked: accountSettings.revokeSession(modelData.id)
                        }
                    }
                }
                AppButton {
                    objectName: "signOutEverywhereButton"
                    Layout.topMargin: Style.spacing
                    text: qsTr("Sign out everywhere")
                    enabled: !accountSettings.busy
                    Accessible.name: qsTr("Sign out every session, this one included")
                    onClicked: accountSettings.signOutEverywhere()
                }
            }

            Item { Layout.preferredHeight: Style.spacing }
        }
    }
}
