import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Retention of one record: the countdown to its erasure, the expiration date (a text field
// checked as the user types), the legal hold for holders of manage_organization, and permanent
// deletion after a confirmation that says what is removed and offers to save the receipt.
Dialog {
    id: dialog

    required property RecordRetention retention
    // Whether the user holds manage_organization, which the legal hold needs.
    property bool canHold: false
    // The window that shows the receipt's file dialog. The delete confirmation can open while
    // this dialog is closed, and a closed popup does not know its window.
    property var hostWindow: null

    function show(record) {
        retention.open(record);
        expiryField.text = retention.expiryInput;
        saveReceipt.checked = true;
        open();
    }
    // Asks for the confirmation of deleting `record` without showing the retention settings.
    function confirmDelete(record) {
        retention.open(record);
        saveReceipt.checked = true;
        confirmDialog.open();
    }

    objectName: "retentionDialog"
    title: qsTr("Retention")
    modal: true
    closePolicy: Popup.CloseOnEscape
    width: Math.min(Style.dialogWidth, parent ? parent.width - 2 * Style.pageMargin
                                              : Style.dialogWidth)
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
    }

    footer: DialogButtonBox {
        padding: Style.spacingLarge
        background: Item {}

        AppButton {
            objectName: "deleteRecordButton"
            text: qsTr("Delete…")
            enabled: dialog.retention.canDelete && !dialog.retention.legalHold
                     && !dialog.retention.busy
            Accessible.name: qsTr("Delete %1 permanently").arg(dialog.retention.fileName)
            onClicked: confirmDialog.open()
        }
        AppButton {
            text: qsTr("Close")
            Accessible.name: qsTr("Close the retention settings")
            onClicked: dialog.close()
        }
    }

    Connections {
        target: dialog.retention
        function onDeleted() {
            confirmDialog.close();
            dialog.close();
        }
    }

    FileDialog {
        id: receiptDialog
        objectName: "receiptFileDialog"
        title: qsTr("Save the deletion receipt")
        fileMode: FileDialog.SaveFile
        nameFilters: [qsTr("Deletion receipts (*.json)")]
        currentFile: "file:deletion-receipt-" + dialog.retention.recordId + ".json"
        parentWindow: dialog.hostWindow
        onAccepted: dialog.retention.deleteRecord(selectedFile)
    }

    Dialog {
        id: confirmDialog
        objectName: "deleteConfirmDialog"
        // The overlay this dialog is shown in, because a popup inside a popup that was never
        // opened finds no window of its own.
        parent: dialog.parent
        anchors.centerIn: parent
        width: dialog.width
        modal: true
        title: qsTr("Delete this record permanently?")
        padding: Style.spacingHuge

        background: Rectangle {
            color: Style.surfaceColor
            border.color: Style.errorBorder
            radius: Style.radius
        }
        header: Label {
            text: confirmDialog.title
            font.pointSize: Style.fontSizeTitle
            font.bold: true
            color: Style.errorColor
            leftPadding: Style.spacingHuge
            rightPadding: Style.spacingHuge
            topPadding: Style.spacingHuge
        }
        footer: DialogButtonBox {
            padding: Style.spacingLarge
            background: Item {}

            AppButton {
                objectName: "confirmDeleteButton"
                text: qsTr("Delete permanently")
                enabled: !dialog.retention.busy
                Accessible.name: qsTr("Delete %1 permanently").arg(dialog.retention.fileName)
                onClicked: {
                    if (saveReceipt.checked)
                        receiptDialog.open();
                    else
                        dialog.retention.deleteRecord();
                }
            }
            AppButton {
                objectName: "cancelDeleteButton"
                text: qsTr("Keep the record")
                primary: true
                onClicked: confirmDialog.close()
            }
        }

        ColumnLayout {
            width: parent.width
            spacing: Style.spacingMedium

            SensitiveLabel {
                Layout.fillWidth: true
                sensitiveText: dialog.retention.fileName
                elide: Text.ElideMiddle
                font.bold: true
                color: Style.textColor
                font.pointSize: Style.fontSize
            }
            Label {
                objectName: "removalText"
                Layout.fillWidth: true
                text: dialog.retention.removalText
                wrapMode: Text.WordWrap
                color: Style.textColor
                font.pointSize: Style.fontSize
            }
            CheckBox {
                id: saveReceipt
                objectName: "saveReceiptCheck"
                text: qsTr("Save the signed deletion receipt to a file")
                checked: true
            }
            MessageBanner {
                Layout.fillWidth: true
                kind: MessageBanner.Error
                text: confirmDialog.visible ? dialog.retention.errorString : ""
            }
        }
    }

    ColumnLayout {
        width: parent.width
        spacing: Style.spacingMedium

        SensitiveLabel {
            Layout.fillWidth: true
            sensitiveText: dialog.retention.fileName
            elide: Text.ElideMiddle
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSize
        }
        Label {
            objectName: "retentionCountdown"
            Layout.fillWidth: true
            text: dialog.retention.expiryText
            color: Style.textColor
            font.pointSize: Style.fontSize
            font.bold: true
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("Erase on (your local time, YYYY-MM-DD or YYYY-MM-DD HH:MM). Leave it "
                       + "empty for no expiry: the record is kept until someone deletes it.")
            wrapMode: Text.WordWrap
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSizeSmall
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: Style.spacingMedium

            AppTextField {
                id: expiryField
                objectName: "expiryField"
                Layout.fillWidth: true
                enabled: dialog.retention.canEditExpiry
                placeholderText: qsTr("Keep until deleted")
                Accessible.name: qsTr("Expiration date")
                onAccepted: {
                    if (expiryError.text.length === 0)
                        dialog.retention.setExpiry(text);
                }
            }
            AppButton {
                objectName: "saveExpiryButton"
                text: qsTr("Save date")
                enabled: dialog.retention.canEditExpiry && expiryError.text.length === 0
                         && !dialog.retention.busy
                onClicked: dialog.retention.setExpiry(expiryField.text)
            }
        }
        Label {
            id: expiryError
            objectName: "expiryError"
            Layout.fillWidth: true
            visible: text.length > 0
            text: dialog.retention.validateExpiry(expiryField.text)
            wrapMode: Text.WordWrap
            color: Style.errorColor
            font.pointSize: Style.fontSizeSmall
        }
        Switch {
            objectName: "legalHoldSwitch"
            visible: dialog.canHold
            text: qsTr("Legal hold: never erase while it is on")
            checked: dialog.retention.legalHold
            enabled: !dialog.retention.busy
            onToggled: dialog.retention.setLegalHold(checked)
        }
        MessageBanner {
            Layout.fillWidth: true
            kind: MessageBanner.Error
            text: dialog.visible && !confirmDialog.visible ? dialog.retention.errorString : ""
        }
        MessageBanner {
            Layout.fillWidth: true
            kind: MessageBanner.Success
            text: dialog.visible ? dialog.retention.status : ""
        }
    }
}
