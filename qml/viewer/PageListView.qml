import QtQuick
import QtQuick.Controls
import QtQuick.Window

import ChartInsight.Ui
import ChartInsight.Desktop

// The pages of a PDF, or a single image, one under the other on a grey desk. `zoom` 1 fits
// the page to the view, up to Style.maxPageWidth.
ListView {
    id: list

    required property RecordViewer viewer
    property real zoom: 1.0

    readonly property real fitWidth: Math.max(100, Math.min(width - 2 * Style.pageMargin,
                                                             Style.maxPageWidth))
    readonly property real pageWidth: fitWidth * zoom

    clip: true
    spacing: Style.spacingLarge
    topMargin: Style.pageMargin
    bottomMargin: Style.pageMargin
    contentWidth: Math.max(width, pageWidth + 2 * Style.pageMargin)
    flickableDirection: Flickable.AutoFlickIfNeeded
    boundsBehavior: Flickable.StopAtBounds
    model: viewer.pageCount
    ScrollBar.vertical: ScrollBar {}
    ScrollBar.horizontal: ScrollBar {}
    Accessible.role: Accessible.List
    Accessible.name: qsTr("Pages")

    delegate: Item {
        id: pageItem

        required property int index
        readonly property size naturalSize: list.viewer.pageSize(index)

        width: list.contentWidth
        height: paper.height

        Rectangle {
            id: paper
            x: (pageItem.width - width) / 2
            width: Math.round(list.pageWidth)
            height: pageItem.naturalSize.width > 0
                    ? Math.round(width * pageItem.naturalSize.height / pageItem.naturalSize.width)
                    : width
            color: "#ffffff"
            border.color: Style.borderColor

            // Protected health information: the rendered page of a record.
            Image {
                readonly property bool sensitive: true

                objectName: "pageImage"
                anchors.fill: parent
                anchors.margins: Style.borderWidth
                asynchronous: true
                // Page images stay out of QML's shared pixmap cache.
                cache: false
                fillMode: Image.PreserveAspectFit
                source: list.viewer.pageSourcePrefix.length > 0
                        ? list.viewer.pageSourcePrefix + pageItem.index : ""
                sourceSize.width: Math.round(width * Screen.devicePixelRatio)
                Accessible.role: Accessible.Graphic
                Accessible.name: qsTr("Page %1 of %2").arg(pageItem.index + 1)
                                                       .arg(list.viewer.pageCount)

                BusyIndicator {
                    anchors.centerIn: parent
                    running: parent.status === Image.Loading
                    visible: running
                }
            }
        }
    }
}
