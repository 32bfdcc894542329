import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Desktop

// One row of the records list: type badge, file name, size and the date it was added.
ItemDelegate {
    id: row

    required property int index
    required property string recordId
    required property string fileName
    required property string sizeText
    required property string createdText

    signal openRequested(string recordId, string fileName)

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
        SensitiveLabel {
            objectName: "recordFileName"
            Layout.fillWidth: true
            text: row.fileName
            color: Style.textColor
            font.pointSize: Style.fontSize
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
    }

    onClicked: openRequested(recordId, fileName)
}
