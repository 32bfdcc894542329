import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Edits the title of one record. The dialog stays open until the server accepts the title;
// a rejection (for example a permission the user lost meanwhile) shows in the dialog, and the
// list keeps the title the server has.
Dialog {
    id: dialog

    required property RecordListModel records
    property string recordId
    property string fileName
    // Set by save(): a titleSaved or an error for this record closes or keeps the dialog.
    property bool saving: false

    function edit(record) {
        recordId = record.recordId;
        fileName = record.fileName;
        titleField.text = record.title;
        saving = false;
        records.clearError();
        open();
        titleField.forceActiveFocus();
        titleField.selectAll();
    }
    function save() {
        saving = true;
        records.setTitle(recordId, titleField.text);
    }

    objectName: "titleDialog"
    title: qsTr("Record title")
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
        background: Rectangle { color: Style.surfaceColor; radius: Style.radius }

        AppButton {
            objectName: "titleSaveButton"
            text: qsTr("Save")
            primary: true
            Accessible.name: qsTr("Save the title")
            onClicked: dialog.save()
        }
        AppButton {
            text: qsTr("Cancel")
            Accessible.name: qsTr("Cancel the title change")
            onClicked: dialog.close()
        }
    }

    Connections {
        target: dialog.records
        function onTitleSaved(recordId) {
            if (dialog.saving && recordId === dialog.recordId) {
                dialog.saving = false;
                dialog.close();
            }
        }
        function onErrorStringChanged() {
            if (dialog.records.errorString.length > 0)
                dialog.saving = false;
        }
    }

    ColumnLayout {
        width: parent.width
        spacing: Style.spacingMedium

        SensitiveLabel {
            Layout.fillWidth: true
            sensitiveText: dialog.fileName
            elide: Text.ElideMiddle
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSize
        }
        AppTextField {
            id: titleField
            objectName: "titleField"
            Layout.fillWidth: true
            placeholderText: qsTr("A title shown above the file name")
            Accessible.name: qsTr("Record title")
            onAccepted: dialog.save()
        }
        MessageBanner {
            objectName: "titleErrorBanner"
            Layout.fillWidth: true
            kind: MessageBanner.Error
            text: dialog.visible ? dialog.records.errorString : ""
        }
    }
}
