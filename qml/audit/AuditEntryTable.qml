import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Desktop

// Audit entries as a table: time in the computer's time zone, who acted, the action in words,
// what it was done to, the outcome and the client's IP address. "Load more" reads the next
// page. Names of people and records are sensitive.
Rectangle {
    id: table

    // An AuditViewModel or AccessHistory.
    required property var entries
    // Whether the table has the column of what was acted on; the access history leaves it out.
    property bool showTarget: true
    property string emptyText: qsTr("No entries yet.")

    color: Style.surfaceColor
    border.color: Style.borderColor
    radius: Style.radius
    clip: true

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Style.borderWidth
        spacing: 0
        visible: table.entries.count > 0

        RowLayout {
            Layout.fillWidth: true
            Layout.preferredHeight: 32
            Layout.leftMargin: Style.spacingLarge
            Layout.rightMargin: Style.spacingLarge
            spacing: Style.spacingMedium

            Label {
                Layout.preferredWidth: Style.auditTimeColumnWidth
                text: qsTr("Time")
                font.pointSize: Style.fontSizeSmall
                font.bold: true
                color: Style.secondaryTextColor
            }
            Label {
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                text: qsTr("User")
                font.pointSize: Style.fontSizeSmall
                font.bold: true
                color: Style.secondaryTextColor
            }
            Label {
                Layout.preferredWidth: Style.auditActionColumnWidth
                text: qsTr("Action")
                font.pointSize: Style.fontSizeSmall
                font.bold: true
                color: Style.secondaryTextColor
            }
            Label {
                visible: table.showTarget
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                text: qsTr("Record or item")
                font.pointSize: Style.fontSizeSmall
                font.bold: true
                color: Style.secondaryTextColor
            }
            Label {
                Layout.preferredWidth: Style.auditOutcomeColumnWidth
                text: qsTr("Outcome")
                font.pointSize: Style.fontSizeSmall
                font.bold: true
                color: Style.secondaryTextColor
            }
            Label {
                Layout.preferredWidth: Style.auditAddressColumnWidth
                text: qsTr("IP address")
                font.pointSize: Style.fontSizeSmall
                font.bold: true
                color: Style.secondaryTextColor
            }
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: Style.borderWidth
            color: Style.borderColor
        }

        ListView {
            id: list
            objectName: "auditEntryList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: table.entries
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            Accessible.role: Accessible.Table
            Accessible.name: qsTr("Audit entries")

            delegate: AuditEntryDelegate {
                width: ListView.view.width
                showTarget: table.showTarget
            }

            footer: Item {
                width: ListView.view.width
                height: table.entries.hasMore ? Style.controlHeight + 2 * Style.spacing : 0
                visible: table.entries.hasMore

                AppButton {
                    objectName: "loadMoreButton"
                    anchors.centerIn: parent
                    text: table.entries.busy ? qsTr("Loading…") : qsTr("Load more")
                    enabled: !table.entries.busy
                    Accessible.name: qsTr("Load older entries")
                    onClicked: table.entries.loadMore()
                }
            }
        }
    }

    ColumnLayout {
        objectName: "auditEmptyState"
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Style.pageMargin, 420)
        visible: table.entries.loaded && table.entries.count === 0
        spacing: Style.spacing

        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: table.emptyText
            font.pointSize: Style.fontSizeLarge
            color: Style.secondaryTextColor
        }
    }

    ColumnLayout {
        anchors.centerIn: parent
        visible: !table.entries.loaded && table.entries.busy
        spacing: Style.spacing

        BusyIndicator {
            Layout.alignment: Qt.AlignHCenter
            running: parent.visible
            Accessible.name: qsTr("Loading entries")
        }
        Label {
            text: qsTr("Loading entries…")
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSize
        }
    }
}
