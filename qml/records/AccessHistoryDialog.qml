import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Who viewed, downloaded, previewed or synced one record, and when, from the records page.
// Open it with `history.open(recordId, name)`, then dialog.open().
Dialog {
    id: dialog

    required property AccessHistory history

    objectName: "accessHistoryDialog"
    title: qsTr("Access history")
    modal: true
    closePolicy: Popup.CloseOnEscape
    width: Math.min(Style.dialogWidth + 360, parent ? parent.width - 2 * Style.pageMargin
                                                     : Style.dialogWidth)
    height: Math.min(600, parent ? parent.height - 2 * Style.pageMargin : 600)
    anchors.centerIn: parent
    padding: Style.spacingHuge
    topPadding: Style.spacingLarge

    onClosed: history.close()

    background: Rectangle {
        color: Style.surfaceColor
        border.color: Style.borderColor
        radius: Style.radius
    }

    FileDialog {
        id: exportDialog
        title: qsTr("Export the access history as CSV")
        fileMode: FileDialog.SaveFile
        nameFilters: [qsTr("CSV files (*.csv)")]
        defaultSuffix: "csv"
        onAccepted: dialog.history.exportCsv(selectedFile)
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
            objectName: "historyRecordName"
            Layout.fillWidth: true
            Layout.leftMargin: Style.spacingHuge
            Layout.rightMargin: Style.spacingHuge
            sensitiveText: dialog.history.recordName
            elide: Text.ElideMiddle
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSize
        }
    }

    footer: DialogButtonBox {
        padding: Style.spacingLarge
        background: Rectangle { color: Style.surfaceColor; radius: Style.radius }

        BusyIndicator {
            running: dialog.history.busy || dialog.history.exporting
            visible: running
            implicitWidth: 24
            implicitHeight: 24
            Accessible.name: qsTr("Working")
        }
        Label {
            visible: dialog.history.exporting
            text: dialog.history.exportProgressText
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSizeSmall
        }
        AppButton {
            objectName: "historyExportButton"
            text: qsTr("Export CSV…")
            enabled: !dialog.history.exporting && dialog.history.count > 0
            Accessible.name: qsTr("Export the access history as a CSV file")
            onClicked: exportDialog.open()
        }
        AppButton {
            objectName: "historyRefreshButton"
            text: qsTr("Refresh")
            enabled: !dialog.history.busy
            Accessible.name: qsTr("Read the access history again")
            onClicked: dialog.history.refresh()
        }
        AppButton {
            objectName: "historyCloseButton"
            text: qsTr("Close")
            Accessible.name: qsTr("Close the access history")
            onClicked: dialog.close()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Style.spacingMedium

        MessageBanner {
            objectName: "historyErrorBanner"
            Layout.fillWidth: true
            kind: MessageBanner.Error
            text: dialog.history.errorString
            closable: true
            onClosed: dialog.history.clearMessages()
        }
        MessageBanner {
            Layout.fillWidth: true
            kind: MessageBanner.Success
            text: dialog.history.errorString.length > 0 ? "" : dialog.history.status
            closable: true
            onClosed: dialog.history.clearMessages()
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("Views, downloads, previews and syncs to a device, newest first. Times "
                       + "are in this computer's time zone.")
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSizeSmall
        }

        AuditEntryTable {
            Layout.fillWidth: true
            Layout.fillHeight: true
            entries: dialog.history
            showTarget: false
            emptyText: qsTr("Nobody has opened this record yet.")
        }
    }
}
