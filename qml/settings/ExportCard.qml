import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Saves a data export: the records, their metadata and audit entries as a tar archive in a
// file the user picks, with the bytes received while it runs. `organization` exports the whole
// organization (the admin page) instead of the user's own records (the settings page).
SettingsCard {
    id: card

    required property SessionController controller
    property bool organization: false
    readonly property DataExport dataExport: exporter

    objectName: organization ? "organizationExportCard" : "personalExportCard"
    title: organization ? qsTr("Organization export") : qsTr("Export your data")

    DataExport {
        id: exporter
        objectName: card.organization ? "organizationExport" : "personalExport"
        controller: card.controller
    }

    FileDialog {
        id: saveDialog
        title: card.title
        fileMode: FileDialog.SaveFile
        nameFilters: [qsTr("Tar archives (*.tar)")]
        currentFile: "file:" + exporter.suggestedFileName(card.organization)
        onAccepted: exporter.start(card.organization, selectedFile)
    }

    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Style.secondaryTextColor
        text: card.organization
              ? qsTr("Every record of the organization with its original file, metadata, "
                     + "sharing and retention settings, and the organization's audit trail, "
                     + "in one archive.")
              : qsTr("The records you can see with their original files, metadata, sharing "
                     + "and retention settings, and the audit entries about them and you, in "
                     + "one archive.")
    }
    RowLayout {
        spacing: Style.spacing

        AppButton {
            objectName: "exportButton"
            text: qsTr("Export…")
            enabled: !exporter.busy
            Accessible.name: card.title
            onClicked: saveDialog.open()
        }
        BusyIndicator {
            visible: exporter.busy
            running: visible
            implicitWidth: Style.spacingHuge * 2
            implicitHeight: implicitWidth
        }
        Label {
            objectName: "exportProgress"
            text: exporter.busy ? exporter.progressText : ""
            color: Style.secondaryTextColor
        }
    }
    MessageBanner {
        objectName: "exportStatus"
        Layout.fillWidth: true
        kind: MessageBanner.Success
        text: exporter.busy ? "" : exporter.status
    }
    MessageBanner {
        objectName: "exportError"
        Layout.fillWidth: true
        kind: MessageBanner.Error
        text: exporter.errorString
    }
}
