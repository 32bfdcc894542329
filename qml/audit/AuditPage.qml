import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The audit log: what happened, who did it, when and from where, with filters, an activity
// chart and the export of the filtered entries as CSV. People who manage the organization see
// all of its entries; anyone else sees the entries about the records they uploaded.
Page {
    id: page

    required property SessionController controller
    // Whether the user manages the organization, which decides the scope note.
    property bool organizationWide: false

    signal backRequested()

    // Reads the entries and the chart again with the filters as they are now.
    function applyFilters() {
        audit.refresh();
        chart.refresh();
    }

    objectName: "auditPage"
    background: Rectangle { color: Style.windowColor }

    onVisibleChanged: {
        if (visible && controller.signedIn) {
            audit.loadChoices();
            applyFilters();
        }
    }

    AuditViewModel {
        id: audit
        objectName: "auditViewModel"
        controller: page.controller
    }
    ActivityChart {
        id: chart
        objectName: "activityChart"
        controller: page.controller
        filterSource: audit
    }

    FileDialog {
        id: exportDialog
        title: qsTr("Export the audit log as CSV")
        fileMode: FileDialog.SaveFile
        nameFilters: [qsTr("CSV files (*.csv)")]
        defaultSuffix: "csv"
        onAccepted: audit.exportCsv(selectedFile)
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
                objectName: "auditBackButton"
                text: qsTr("‹ Records")
                flat: true
                Accessible.name: qsTr("Back to the records")
                onClicked: page.backRequested()
            }
            Label {
                Layout.leftMargin: Style.spacing
                text: qsTr("Audit log")
                font.pointSize: Style.fontSizeTitle
                font.bold: true
                color: Style.textColor
            }
            Label {
                objectName: "auditScopeLabel"
                Layout.fillWidth: true
                Layout.leftMargin: Style.spacingMedium
                text: page.organizationWide ? qsTr("Everything in your organization")
                                            : qsTr("What happened to the records you uploaded")
                elide: Text.ElideRight
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSize
            }
            BusyIndicator {
                running: audit.busy || audit.exporting || chart.busy
                visible: running
                Layout.preferredWidth: 24
                Layout.preferredHeight: 24
                Accessible.name: qsTr("Working")
            }
            Label {
                objectName: "exportProgressLabel"
                visible: audit.exporting
                text: audit.exportProgressText
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSizeSmall
            }
            AppButton {
                objectName: "auditRefreshButton"
                text: qsTr("Refresh")
                enabled: !audit.busy
                Accessible.name: qsTr("Read the audit log again")
                onClicked: page.applyFilters()
            }
            AppButton {
                objectName: "exportCsvButton"
                text: qsTr("Export CSV…")
                primary: true
                enabled: !audit.exporting
                Accessible.name: qsTr("Export the filtered entries as a CSV file")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Saves every entry that matches the filters, not only the "
                                   + "ones shown")
                onClicked: exportDialog.open()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Style.pageMargin
        anchors.topMargin: Style.spacingLarge
        spacing: Style.spacingMedium

        MessageBanner {
            objectName: "auditErrorBanner"
            Layout.fillWidth: true
            kind: MessageBanner.Error
            text: audit.errorString
            closable: true
            onClosed: audit.clearMessages()
        }
        MessageBanner {
            objectName: "auditStatusBanner"
            Layout.fillWidth: true
            kind: MessageBanner.Success
            text: audit.errorString.length > 0 ? "" : audit.status
            closable: true
            onClosed: audit.clearMessages()
        }

        AuditFilters {
            Layout.fillWidth: true
            audit: audit
            busy: audit.busy
            onApplyRequested: page.applyFilters()
        }

        ActivityChartView {
            Layout.fillWidth: true
            chart: chart
            onBucketRequested: (bucket) => {
                chart.bucket = bucket;
                chart.refresh();
            }
        }

        AuditEntryTable {
            Layout.fillWidth: true
            Layout.fillHeight: true
            entries: audit
            emptyText: audit.filtered ? qsTr("No entries match these filters.")
                                      : qsTr("No entries yet.")
        }
    }
}
