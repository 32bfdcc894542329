import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Desktop

// One row of an audit table. The actor's and the target's names are sensitive labels.
ItemDelegate {
    id: row

    required property string timeText
    required property string actorName
    required property string actionText
    required property string targetName
    required property string outcome
    required property string outcomeText
    required property string clientIp
    property bool showTarget: true

    height: Style.auditRowHeight
    leftPadding: Style.spacingLarge
    rightPadding: Style.spacingLarge
    hoverEnabled: true
    Accessible.name: qsTr("%1, %2, %3, %4").arg(timeText).arg(actionText).arg(outcomeText)
                                                .arg(clientIp)

    background: Rectangle {
        color: row.hovered ? Style.hoverColor : Style.surfaceColor
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

        Label {
            objectName: "entryTime"
            Layout.preferredWidth: Style.auditTimeColumnWidth
            text: row.timeText
            color: Style.textColor
            font.pointSize: Style.fontSize
        }
        SensitiveLabel {
            objectName: "entryActor"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            sensitiveText: row.actorName
            elide: Text.ElideRight
            color: Style.textColor
            font.pointSize: Style.fontSize
        }
        Label {
            objectName: "entryAction"
            Layout.preferredWidth: Style.auditActionColumnWidth
            text: row.actionText
            elide: Text.ElideRight
            color: Style.textColor
            font.pointSize: Style.fontSize
        }
        SensitiveLabel {
            objectName: "entryTarget"
            visible: row.showTarget
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            sensitiveText: row.targetName
            elide: Text.ElideRight
            color: Style.textColor
            font.pointSize: Style.fontSize
        }
        Label {
            objectName: "entryOutcome"
            Layout.preferredWidth: Style.auditOutcomeColumnWidth
            text: row.outcomeText
            elide: Text.ElideRight
            color: row.outcome === "success" ? Style.successColor
                 : row.outcome === "denied" ? Style.warningColor : Style.errorColor
            font.pointSize: Style.fontSize
            font.bold: row.outcome !== "success"
        }
        Label {
            objectName: "entryAddress"
            Layout.preferredWidth: Style.auditAddressColumnWidth
            text: row.clientIp
            elide: Text.ElideRight
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSizeSmall
        }
    }

    ToolTip.visible: hovered
    ToolTip.delay: 600
    ToolTip.text: row.actionText + " · " + row.outcomeText
}
