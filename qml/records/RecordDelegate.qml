import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Desktop
import ChartInsight.Ui

// One row of the records list: type badge, title and file name, team and sharing mode, size,
// the date it was added with the countdown to its erasure or its legal hold, buttons to edit the
// title and the sharing where the user may, a button for the record's access history, and the
// retention actions: the expiration and legal hold dialog and permanent deletion.
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
    required property string expiryText
    required property bool legalHold
    required property bool canDelete
    required property bool hasPreview
    // "image://record/..." once the list model fetched the server's preview, else empty.
    required property string thumbnail

    signal openRequested(string recordId, string fileName)
    signal editTitleRequested(int row)
    signal shareRequested(int row)
    signal historyRequested(int row)
    signal retentionRequested(int row)
    signal deleteRequested(int row)

    // Asks the list model for the server's preview; it fetches each record's only once.
    function requestThumbnail() {
        if (hasPreview && thumbnail === "" && ListView.view)
            ListView.view.model.loadThumbnail(recordId);
    }
    Component.onCompleted: requestThumbnail()
    onHasPreviewChanged: requestThumbnail()

    objectName: "recordRow"
    height: Style.recordRowHeight
    leftPadding: Style.spacingLarge
    rightPadding: Style.spacingLarge
    highlighted: ListView.isCurrentItem && ListView.view.activeFocus
    Accessible.name: qsTr("Open %1, %2, added %3")
                     .arg(PrivacyMode.masking ? PrivacyMode.maskedText : fileName)
                     .arg(sizeText).arg(createdText)

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

        // The server's preview shows part of the record, so privacy mode hides it like a name.
        Image {
            objectName: "recordThumbnail"
            visible: row.thumbnail !== "" && !PrivacyMode.masking
            source: visible ? row.thumbnail : ""
            Layout.preferredWidth: Style.fileBadgeWidth
            Layout.preferredHeight: Style.recordRowHeight - 2 * Style.spacingSmall
            sourceSize.width: 2 * Style.fileBadgeWidth
            fillMode: Image.PreserveAspectFit
            asynchronous: true
            cache: false
        }
        FileBadge {
            visible: row.thumbnail === "" || PrivacyMode.masking
            fileName: row.fileName
        }
        ColumnLayout {
            Layout.fillWidth: true
            // Zero, so the column takes only the width left over and every row lines up with
            // the headings whatever the length of its title.
            Layout.preferredWidth: 0
            spacing: 0

            SensitiveLabel {
                objectName: "recordTitle"
                Layout.fillWidth: true
                visible: row.title.length > 0
                sensitiveText: row.title
                elide: Text.ElideRight
                color: Style.textColor
                font.pointSize: Style.fontSize
                font.bold: true
            }
            SensitiveLabel {
                objectName: "recordFileName"
                Layout.fillWidth: true
                sensitiveText: row.fileName
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
        ColumnLayout {
            Layout.fillWidth: false
            Layout.preferredWidth: Style.dateColumnWidth
            spacing: 0

            Label {
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignRight
                text: row.createdText
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSize
            }
            Label {
                objectName: "recordExpiry"
                Layout.fillWidth: true
                visible: !row.legalHold && row.expiryText.length > 0
                horizontalAlignment: Text.AlignRight
                text: row.expiryText
                elide: Text.ElideRight
                color: Style.warningColor
                font.pointSize: Style.fontSizeSmall
            }
            Rectangle {
                objectName: "legalHoldBadge"
                Layout.alignment: Qt.AlignRight
                visible: row.legalHold
                implicitWidth: holdLabel.implicitWidth + 2 * Style.spacingSmall
                implicitHeight: holdLabel.implicitHeight + 2
                radius: Style.radius
                color: Style.warningBackground
                border.color: Style.warningBorder

                Label {
                    id: holdLabel
                    anchors.centerIn: parent
                    text: qsTr("Legal hold")
                    color: Style.warningColor
                    font.pointSize: Style.fontSizeSmall
                    font.bold: true
                    Accessible.name: qsTr("On legal hold: not erased while the hold is on")
                }
            }
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
            AppButton {
                objectName: "historyButton"
                flat: true
                text: qsTr("History")
                font.pointSize: Style.fontSizeSmall
                Accessible.name: qsTr("Who opened %1").arg(row.fileName)
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Who viewed, downloaded or synced this record")
                onClicked: row.historyRequested(row.index)
            }
        }
        RowLayout {
            Layout.preferredWidth: Style.retentionActionsWidth
            spacing: 0

            AppButton {
                objectName: "retentionButton"
                flat: true
                text: qsTr("Expiry")
                font.pointSize: Style.fontSizeSmall
                Accessible.name: qsTr("Expiration and legal hold of %1").arg(row.fileName)
                ToolTip.visible: hovered
                ToolTip.text: qsTr("When this record is erased, and its legal hold")
                onClicked: row.retentionRequested(row.index)
            }
            AppButton {
                objectName: "deleteButton"
                flat: true
                text: qsTr("Delete")
                enabled: row.canDelete && !row.legalHold
                font.pointSize: Style.fontSizeSmall
                Accessible.name: qsTr("Delete %1 permanently").arg(row.fileName)
                onClicked: row.deleteRequested(row.index)
            }
        }
    }

    onClicked: openRequested(recordId, fileName)
}
