import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Desktop

// One row of the records list: type badge, title and file name, team and sharing mode, size,
// the date it was added, and buttons to edit the title and the sharing where the user may.
ItemDelegate {
    id: row

    required property int index
    required property string recordId
    required property string fileName
    required property string sizeText
    required property string createdText
    required property string title
    required property string teamName
    required property string sharingText
    required property bool canEdit
    required property bool canShare

    signal openRequested(string recordId, string fileName)
    signal editTitleRequested(int row)
    signal shareRequested(int row)

    height: Style.recordRowHeight
    leftPadding: Style.spacingLarge
    rightPadding: Style.spacingLarge
    highlighted: ListView.isCurrentItem && ListView.view.activeFocus
    Accessible.name: qsTr("Open %1, %2, added %3").arg(fileName).arg(sizeText).arg(createdText)

    background: Rectangle {
        color: row.down ? Style.selectedColor
             : row.hovered || row.highlighted ? Style.hoverColor : Style.surfaceColor
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: Style.borderWidth
            color: Style.borderColor
            opacity: 0.6
        }
    }

    contentItem: RowLayout {
        spacing: Style.spacingMedium

        FileBadge {
            fileName: row.fileName
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 0

            SensitiveLabel {
                objectName: "recordTitle"
                Layout.fillWidth: true
                visible: row.title.length > 0
                text: row.title
                elide: Text.ElideRight
                color: Style.textColor
                font.pointSize: Style.fontSize
                font.bold: true
            }
            SensitiveLabel {
                objectName: "recordFileName"
                Layout.fillWidth: true
                text: row.fileName
                elide: Text.ElideMiddle
                color: row.title.length > 0 ? Style.secondaryTextColor : Style.textColor
                font.pointSize: row.title.length > 0 ? Style.fontSizeSmall : Style.fontSize
            }
        }
        ColumnLayout {
            // A layout fills by default when a child does: this column keeps its width.
            Layout.fillWidth: false
            Layout.preferredWidth: Style.teamColumnWidth
            spacing: 0

            Label {
                objectName: "recordTeam"
                Layout.fillWidth: true
                text: row.teamName
                elide: Text.ElideRight
                color: Style.textColor
                font.pointSize: Style.fontSizeSmall
            }
            Label {
                objectName: "recordSharing"
                Layout.fillWidth: true
                text: row.sharingText
                elide: Text.ElideRight
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSizeSmall
            }
        }
        Label {
            Layout.preferredWidth: Style.sizeColumnWidth
            horizontalAlignment: Text.AlignRight
            text: row.sizeText
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSize
        }
        Label {
            Layout.preferredWidth: Style.dateColumnWidth
            horizontalAlignment: Text.AlignRight
            text: row.createdText
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSize
        }
        RowLayout {
            Layout.preferredWidth: Style.recordActionsWidth
            spacing: 0

            AppButton {
                objectName: "editTitleButton"
                flat: true
                text: qsTr("Title")
                enabled: row.canEdit
                font.pointSize: Style.fontSizeSmall
                Accessible.name: qsTr("Edit the title of %1").arg(row.fileName)
                onClicked: row.editTitleRequested(row.index)
            }
            AppButton {
                objectName: "shareButton"
                flat: true
                text: qsTr("Share")
                enabled: row.canShare
                font.pointSize: Style.fontSizeSmall
                Accessible.name: qsTr("Sharing of %1").arg(row.fileName)
                onClicked: row.shareRequested(row.index)
            }
        }
    }

    onClicked: openRequested(recordId, fileName)
}
