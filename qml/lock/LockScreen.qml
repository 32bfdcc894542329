import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The idle lock's screen: an opaque modal popup above every page and every other popup of the
// window, open while the IdleLock is locked. It asks for the password again and offers signing
// out. Main.qml also hides the pages while it is open, so nothing sensitive is drawn below it.
Popup {
    id: lockScreen

    required property IdleLock idleLock

    objectName: "lockScreen"
    // Above the other popups of the window (dialogs have the default z of 0).
    z: 1000
    x: 0
    y: 0
    width: parent ? parent.width : 0
    height: parent ? parent.height : 0
    modal: true
    dim: false
    focus: true
    padding: 0
    closePolicy: Popup.NoAutoClose
    visible: idleLock.locked

    onOpened: passwordField.forceActiveFocus()
    onClosed: passwordField.clear()

    // A wrong password leaves the field empty for the next try.
    Connections {
        target: lockScreen.idleLock
        function onErrorStringChanged() {
            if (lockScreen.idleLock.errorString.length > 0) {
                passwordField.clear();
                passwordField.forceActiveFocus();
            }
        }
    }

    background: Rectangle { color: Style.windowColor }

    contentItem: Item {
        ColumnLayout {
            anchors.centerIn: parent
            width: Math.min(Style.signInWidth, lockScreen.width - 2 * Style.pageMargin)
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
                    text: qsTr("ChartInsight is locked")
                    font.pointSize: Style.fontSizeHero
                    font.bold: true
                    color: Style.textColor
                }
            }

            Label {
                Layout.fillWidth: true
                Layout.bottomMargin: Style.spacing
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: (lockScreen.idleLock.idleMinutes === 1
                       ? qsTr("It locked after a minute without use, to keep patient records "
                              + "private.")
                       : qsTr("It locked after %1 minutes without use, to keep patient records "
                              + "private.").arg(lockScreen.idleLock.idleMinutes))
                      + " " + qsTr("Enter your password to continue.")
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
                        text: qsTr("Password")
                        font.pointSize: Style.fontSize
                        font.bold: true
                    }
                    AppTextField {
                        id: passwordField
                        objectName: "unlockPasswordField"
                        Layout.fillWidth: true
                        echoMode: TextInput.Password
                        passwordCharacter: "\u2022"
                        inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                        enabled: !lockScreen.idleLock.busy
                        Accessible.name: qsTr("Password")
                        onAccepted: unlockButton.clicked()
                    }

                    MessageBanner {
                        objectName: "unlockErrorBanner"
                        Layout.fillWidth: true
                        Layout.topMargin: Style.spacing
                        kind: MessageBanner.Error
                        text: lockScreen.idleLock.errorString
                    }

                    AppButton {
                        id: unlockButton
                        objectName: "unlockButton"
                        Layout.fillWidth: true
                        Layout.topMargin: Style.spacingMedium
                        text: qsTr("Unlock")
                        primary: true
                        enabled: passwordField.text.length > 0 && !lockScreen.idleLock.busy
                        Accessible.name: qsTr("Unlock")
                        onClicked: {
                            if (enabled)
                                lockScreen.idleLock.unlock(passwordField.text);
                        }
                    }
                    AppButton {
                        objectName: "lockSignOutButton"
                        Layout.alignment: Qt.AlignHCenter
                        text: qsTr("Sign out")
                        flat: true
                        enabled: !lockScreen.idleLock.busy
                        Accessible.name: qsTr("Sign out instead of unlocking")
                        onClicked: lockScreen.idleLock.signOut()
                    }

                    RowLayout {
                        Layout.fillWidth: true
                        Layout.preferredHeight: Style.controlHeight
                        visible: lockScreen.idleLock.busy
                        spacing: Style.spacing

                        BusyIndicator {
                            running: lockScreen.idleLock.busy
                            Layout.preferredWidth: 24
                            Layout.preferredHeight: 24
                            Accessible.name: qsTr("Working")
                        }
                        Label {
                            Layout.fillWidth: true
                            text: qsTr("Checking the password…")
                            color: Style.secondaryTextColor
                            font.pointSize: Style.fontSizeSmall
                        }
                    }
                }
            }
        }
    }
}
