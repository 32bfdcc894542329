import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Who sees one record: its sharing mode, the people it is shared with, and who can see it now
// and why. open a record with `sharing.open(records.recordAt(row))`, then dialog.open().
Dialog {
    id: dialog

    required property RecordSharing sharing
    // Text typed to narrow the list of people.
    property string filterText: ""

    objectName: "sharingDialog"
    title: qsTr("Sharing")
    modal: true
    closePolicy: Popup.CloseOnEscape
    width: Math.min(Style.dialogWidth + 120, parent ? parent.width - 2 * Style.pageMargin
                                                     : Style.dialogWidth)
    height: Math.min(640, parent ? parent.height - 2 * Style.pageMargin : 640)
    anchors.centerIn: parent
    padding: Style.spacingHuge
    topPadding: Style.spacingLarge

    onAboutToShow: filterText = ""

    background: Rectangle {
        color: Style.surfaceColor
        border.color: Style.borderColor
        radius: Style.radius
    }

    header: ColumnLayout {
        spacing: Style.spacingSmall

        Label {
            Layout.fillWidth: true
            Layout.topMargin: Style.spacingHuge
            Layout.leftMargin: Style.spacingHuge
            Layout.rightMargin: Style.spacingHuge
            text: dialog.title
            font.pointSize: Style.fontSizeTitle
            font.bold: true
            color: Style.textColor
        }
        SensitiveLabel {
            objectName: "sharingFileName"
            Layout.fillWidth: true
            Layout.leftMargin: Style.spacingHuge
            Layout.rightMargin: Style.spacingHuge
            sensitiveText: dialog.sharing.fileName
            elide: Text.ElideMiddle
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSize
        }
    }

    footer: DialogButtonBox {
        padding: Style.spacingLarge
        background: Rectangle { color: Style.surfaceColor; radius: Style.radius }

        BusyIndicator {
            running: dialog.sharing.busy
            visible: running
            implicitWidth: 24
            implicitHeight: 24
            Accessible.name: qsTr("Working")
        }
        AppButton {
            objectName: "sharingSaveButton"
            text: qsTr("Save")
            primary: true
            enabled: dialog.sharing.canShare && dialog.sharing.modified && !dialog.sharing.busy
            Accessible.name: qsTr("Save the sharing")
            onClicked: dialog.sharing.save()
        }
        AppButton {
            objectName: "sharingCloseButton"
            text: qsTr("Close")
            Accessible.name: qsTr("Close the sharing dialog")
            onClicked: dialog.close()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Style.spacingMedium

        MessageBanner {
            objectName: "sharingErrorBanner"
            Layout.fillWidth: true
            kind: MessageBanner.Error
            text: dialog.sharing.errorString
            closable: true
            onClosed: dialog.sharing.clearMessages()
        }
        MessageBanner {
            Layout.fillWidth: true
            kind: MessageBanner.Success
            text: dialog.sharing.errorString.length > 0 ? "" : dialog.sharing.status
            closable: true
            onClosed: dialog.sharing.clearMessages()
        }
        MessageBanner {
            objectName: "sharingReadOnlyBanner"
            Layout.fillWidth: true
            kind: MessageBanner.Warning
            text: dialog.sharing.recordId.length > 0 && !dialog.sharing.canShare
                  ? qsTr("Only the uploader and people who manage the files of the record's "
                         + "team can change who sees it.")
                  : ""
        }

        Label {
            text: qsTr("Who can open this record")
            font.bold: true
            color: Style.textColor
        }
        // The buttons are not checkable: a click sets the mode, and the bindings show it.
        RowLayout {
            spacing: Style.spacingLarge
            enabled: dialog.sharing.canShare

            RadioButton {
                objectName: "modePrivate"
                text: qsTr("Only me")
                checkable: false
                checked: dialog.sharing.mode === "private"
                onClicked: dialog.sharing.mode = "private"
            }
            RadioButton {
                objectName: "modeTeam"
                text: dialog.sharing.teamName.length > 0
                      ? qsTr("Everyone in %1").arg(dialog.sharing.teamName)
                      : qsTr("Everyone in the team")
                checkable: false
                checked: dialog.sharing.mode === "team"
                onClicked: dialog.sharing.mode = "team"
            }
            RadioButton {
                objectName: "modeUsers"
                text: qsTr("Selected people")
                checkable: false
                checked: dialog.sharing.mode === "users"
                onClicked: dialog.sharing.mode = "users"
            }
        }

        // The people picker: only users of the organization are listed.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: dialog.sharing.mode === "users"
            spacing: Style.spacing

            AppTextField {
                objectName: "sharingFilterField"
                Layout.fillWidth: true
                enabled: dialog.sharing.canShare
                placeholderText: qsTr("Filter people of your organization by e-mail")
                text: dialog.filterText
                onTextEdited: dialog.filterText = text
                Accessible.name: qsTr("Filter people")
            }
            Label {
                text: qsTr("%1 selected").arg(dialog.sharing.selectedCount)
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSizeSmall
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumHeight: 80
                border.color: Style.borderColor
                radius: Style.radius
                clip: true

                ListView {
                    objectName: "sharingUserList"
                    anchors.fill: parent
                    anchors.margins: Style.borderWidth
                    model: dialog.sharing.users
                    boundsBehavior: Flickable.StopAtBounds
                    ScrollBar.vertical: ScrollBar {}
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("People of your organization")
                    delegate: CheckDelegate {
                        required property var modelData
                        readonly property bool matches: dialog.filterText.length === 0
                            || modelData.email.toLowerCase().indexOf(
                                   dialog.filterText.toLowerCase()) >= 0
                        width: ListView.view.width
                        height: matches ? implicitHeight : 0
                        visible: matches
                        enabled: dialog.sharing.canShare
                        text: PrivacyMode.masking ? PrivacyMode.maskedText : modelData.email
                        checkable: false
                        checked: modelData.selected
                        font.pointSize: Style.fontSize
                        onClicked: dialog.sharing.setUserSelected(modelData.id, !checked)
                    }
                }
            }
        }

        Label {
            Layout.topMargin: Style.spacing
            text: qsTr("Who has access now")
            font.bold: true
            color: Style.textColor
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: dialog.sharing.mode !== "users"
            Layout.preferredHeight: dialog.sharing.mode === "users"
                                    ? Math.min(accessList.contentHeight + 2, 150) : -1
            Layout.minimumHeight: 60
            border.color: Style.borderColor
            radius: Style.radius
            clip: true

            ListView {
                id: accessList
                objectName: "sharingAccessList"
                anchors.fill: parent
                anchors.margins: Style.borderWidth
                model: dialog.sharing.entries
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar {}
                Accessible.role: Accessible.List
                Accessible.name: qsTr("People who can open this record")
                delegate: ItemDelegate {
                    required property var modelData
                    width: ListView.view.width
                    contentItem: RowLayout {
                        spacing: Style.spacingMedium
                        SensitiveLabel {
                            Layout.fillWidth: true
                            sensitiveText: modelData.email
                            elide: Text.ElideRight
                            color: Style.textColor
                            font.pointSize: Style.fontSize
                        }
                        Label {
                            text: modelData.reasonText
                            color: Style.secondaryTextColor
                            font.pointSize: Style.fontSizeSmall
                        }
                    }
                    Accessible.name: qsTr("%1: %2").arg(modelData.email).arg(modelData.reasonText)
                }
            }
        }
    }
}
