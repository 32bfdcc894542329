import QtQuick
import QtQuick.Controls

import ChartInsight.Desktop

// A small coloured tag with a file's extension ("PDF", "PNG"), in front of its name.
Rectangle {
    id: badge

    required property string fileName

    readonly property string extension: {
        const dot = fileName.lastIndexOf(".");
        return dot > 0 && dot < fileName.length - 1
                ? fileName.substring(dot + 1, dot + 5).toUpperCase() : qsTr("FILE");
    }

    implicitWidth: Style.fileBadgeWidth
    implicitHeight: Style.fileBadgeHeight
    radius: Style.radius - 2
    color: Style.badgeColor(fileName)

    Label {
        anchors.centerIn: parent
        text: badge.extension
        color: "#ffffff"
        font.pointSize: Style.fontSizeSmall - 1
        font.bold: true
    }
}
