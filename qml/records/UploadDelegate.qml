import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// One upload on one line: file name, phase with a progress bar while it runs, then the
// outcome. A rejected file gets a second line with the reason.
Rectangle {
    id: row

    required property string fileName
    required property int uploadState
    required property string stateText
    required property real progress
    required property string message
    required property bool finished
    required property bool succeeded

    readonly property bool failed: finished && !succeeded

    implicitHeight: Math.max(Style.uploadRowHeight, column.implicitHeight + 2 * Style.spacing)
    color: failed ? Style.errorBackground : Style.surfaceColor
    Accessible.role: Accessible.ListItem
    Accessible.name: qsTr("%1: %2").arg(fileName).arg(finished ? message : stateText)

    ColumnLayout {
        id: column
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: Style.spacingLarge
        anchors.rightMargin: Style.spacingLarge
        spacing: Style.spacingSmall

        RowLayout {
            Layout.fillWidth: true
            spacing: Style.spacingMedium

            FileBadge {
                fileName: row.fileName
            }
            SensitiveLabel {
                Layout.fillWidth: true
                sensitiveText: row.fileName
                color: Style.textColor
                font.pointSize: Style.fontSize
            }
            ProgressBar {
                Layout.preferredWidth: Style.progressBarWidth
                visible: !row.finished
                from: 0
                to: 1
                value: Math.max(0, row.progress)
                indeterminate: row.progress < 0
                Accessible.name: qsTr("Progress of %1").arg(row.fileName)
            }
            Label {
                objectName: "uploadStateLabel"
                Layout.minimumWidth: Style.sizeColumnWidth
                horizontalAlignment: Text.AlignRight
                text: row.succeeded ? "\u2713 " + row.stateText
                      : !row.finished && row.progress >= 0
                        ? qsTr("%1 · %2 %").arg(row.stateText).arg(Math.round(row.progress * 100))
                        : row.stateText
                font.pointSize: Style.fontSizeSmall
                font.bold: row.finished
                color: !row.finished ? Style.secondaryTextColor
                     : row.succeeded ? Style.successColor : Style.errorColor
            }
        }

        Label {
            objectName: "uploadMessageLabel"
            Layout.fillWidth: true
            Layout.leftMargin: Style.fileBadgeWidth + Style.spacingMedium
            visible: row.failed
            text: row.message
            wrapMode: Text.Wrap
            font.pointSize: Style.fontSizeSmall
            color: Style.errorColor
        }
    }

    Rectangle {
        anchors.top: parent.top
        width: parent.width
        height: Style.borderWidth
        color: Style.borderColor
        opacity: 0.6
    }
}
