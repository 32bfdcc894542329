import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Shows one record: PDF pages and images through the record image provider, text in a
// read-only area, and for anything else an explanation with a Download button.
Page {
    id: page

    required property RecordViewer viewer
    // Whether the user may change who sees the record (the record's "can_share").
    property bool canShare: false

    readonly property bool zoomable: viewer.kind === RecordViewer.Pdf
                                     || viewer.kind === RecordViewer.Image
    readonly property var zoomSteps: [0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0]
    property real zoom: 1.0

    signal backRequested()
    signal shareRequested()

    function zoomIn() {
        for (let i = 0; i < zoomSteps.length; ++i) {
            if (zoomSteps[i] > zoom + 0.001) {
                zoom = zoomSteps[i];
                return;
            }
        }
    }
    function zoomOut() {
        for (let i = zoomSteps.length - 1; i >= 0; --i) {
            if (zoomSteps[i] < zoom - 0.001) {
                zoom = zoomSteps[i];
                return;
            }
        }
    }
    function chooseDownload() {
        saveDialog.selectedFile = viewer.suggestedDownloadUrl();
        saveDialog.open();
    }

    objectName: "viewerPage"

    // The server's preview of the record, which shows part of its content: privacy mode hides
    // it like the pages.
    // Inline components do not see the ids of this file, so the page passes itself in.
    component ServerPreviewImage: Image {
        required property Item viewerPage
        required property RecordViewer recordViewer

        source: PrivacyMode.masking ? "" : recordViewer.serverPreviewSource
        visible: source != ""
        Layout.preferredWidth: Math.min(viewerPage.width - 2 * Style.pageMargin, 480)
        Layout.preferredHeight: visible ? Math.min(viewerPage.height * 0.6, 620) : 0
        sourceSize.width: 960
        fillMode: Image.PreserveAspectFit
        asynchronous: true
        cache: false
        Accessible.name: qsTr("Preview of the record made by the server")
    }
    background: Rectangle { color: Style.viewerBackground }

    Connections {
        target: page.viewer
        function onRecordChanged() {
            page.zoom = 1.0;
        }
    }

    FileDialog {
        id: saveDialog
        title: qsTr("Save the record as")
        fileMode: FileDialog.SaveFile
        onAccepted: page.viewer.download(selectedFile)
    }

    Shortcut {
        sequences: [StandardKey.ZoomIn]
        enabled: page.zoomable && page.visible
        onActivated: page.zoomIn()
    }
    Shortcut {
        sequences: [StandardKey.ZoomOut]
        enabled: page.zoomable && page.visible
        onActivated: page.zoomOut()
    }
    Shortcut {
        sequences: [StandardKey.Back, "Escape"]
        enabled: page.visible
        onActivated: page.backRequested()
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
                objectName: "backButton"
                text: qsTr("\u2039 Records")
                flat: true
                Accessible.name: qsTr("Back to the records")
                onClicked: page.backRequested()
            }
            FileBadge {
                Layout.leftMargin: Style.spacing
                visible: page.viewer.fileName.length > 0
                fileName: page.viewer.fileName
            }
            SensitiveLabel {
                objectName: "viewerFileName"
                Layout.fillWidth: true
                Layout.leftMargin: Style.spacingSmall
                sensitiveText: page.viewer.fileName
                font.pointSize: Style.fontSizeLarge
                font.bold: true
                color: Style.textColor
            }
            Label {
                text: page.viewer.kind !== RecordViewer.Pdf ? page.viewer.sizeText
                      : page.viewer.pageCount === 1
                        ? qsTr("%1 · 1 page").arg(page.viewer.sizeText)
                        : qsTr("%1 · %2 pages").arg(page.viewer.sizeText).arg(page.viewer.pageCount)
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSize
            }
            AppButton {
                visible: page.zoomable
                Layout.leftMargin: Style.spacingLarge
                text: "\u2212"
                enabled: page.zoom > page.zoomSteps[0]
                leftPadding: 0
                rightPadding: 0
                Layout.preferredWidth: Style.controlHeight
                Accessible.name: qsTr("Zoom out")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Zoom out")
                onClicked: page.zoomOut()
            }
            Label {
                objectName: "zoomLabel"
                visible: page.zoomable
                text: qsTr("%1 %").arg(Math.round(page.zoom * 100))
                horizontalAlignment: Text.AlignHCenter
                Layout.preferredWidth: 48
                font.pointSize: Style.fontSize
                Accessible.name: qsTr("Zoom %1 percent").arg(Math.round(page.zoom * 100))
            }
            AppButton {
                visible: page.zoomable
                text: "+"
                enabled: page.zoom < page.zoomSteps[page.zoomSteps.length - 1]
                leftPadding: 0
                rightPadding: 0
                Layout.preferredWidth: Style.controlHeight
                Accessible.name: qsTr("Zoom in")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Zoom in")
                onClicked: page.zoomIn()
            }
            AppButton {
                visible: page.zoomable
                text: qsTr("Fit width")
                enabled: page.zoom !== 1.0
                Accessible.name: qsTr("Fit the page to the window width")
                onClicked: page.zoom = 1.0
            }
            AppButton {
                objectName: "viewerShareButton"
                Layout.leftMargin: Style.spacingLarge
                text: qsTr("Share…")
                enabled: page.canShare && page.viewer.recordId.length > 0
                Accessible.name: qsTr("Choose who can open this record")
                onClicked: page.shareRequested()
            }
            AppButton {
                objectName: "downloadButton"
                Layout.leftMargin: Style.spacingLarge
                text: qsTr("Download…")
                enabled: page.viewer.recordId.length > 0 && !page.viewer.downloading
                Accessible.name: qsTr("Download the record")
                onClicked: page.chooseDownload()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        MessageBanner {
            Layout.fillWidth: true
            Layout.margins: Style.spacingLarge
            kind: MessageBanner.Error
            text: page.viewer.kind === RecordViewer.Failed ? "" : page.viewer.errorString
            closable: true
            onClosed: page.viewer.clearError()
        }
        MessageBanner {
            objectName: "viewerStatusBanner"
            Layout.fillWidth: true
            Layout.margins: Style.spacingLarge
            kind: MessageBanner.Success
            text: page.viewer.downloading || page.viewer.busy ? "" : page.viewer.status
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: {
                switch (page.viewer.kind) {
                case RecordViewer.Pdf:
                case RecordViewer.Image:
                    return 1;
                case RecordViewer.Text:
                    return 2;
                case RecordViewer.Unsupported:
                case RecordViewer.Failed:
                    return 3;
                default:
                    return 0;
                }
            }

            // Loading: the server's preview image, when it arrives first, stands in for the
            // record until the full document is decoded.
            Item {
                ColumnLayout {
                    anchors.centerIn: parent
                    spacing: Style.spacing
                    ServerPreviewImage {
                        objectName: "loadingServerPreview"
                        viewerPage: page
                        recordViewer: page.viewer
                        Layout.alignment: Qt.AlignHCenter
                    }
                    BusyIndicator {
                        Layout.alignment: Qt.AlignHCenter
                        running: page.viewer.busy
                        Accessible.name: qsTr("Opening the record")
                    }
                    Label {
                        Layout.alignment: Qt.AlignHCenter
                        text: page.viewer.status
                        color: Style.secondaryTextColor
                        font.pointSize: Style.fontSize
                    }
                }
            }

            PageListView {
                objectName: "pageList"
                viewer: page.viewer
                zoom: page.zoom
            }

            // Text: read-only, plain text only (no rich text or links from the file).
            Rectangle {
                color: Style.surfaceColor

                ColumnLayout {
                    anchors.fill: parent
                    spacing: 0

                    MessageBanner {
                        Layout.fillWidth: true
                        Layout.margins: Style.spacing
                        kind: MessageBanner.Warning
                        text: page.viewer.textTruncated
                              ? qsTr("Only the beginning of this file is shown. Use Download to "
                                     + "see all of it.") : ""
                    }
                    ScrollView {
                        Layout.fillWidth: true
                        Layout.fillHeight: true

                        TextArea {
                            // Protected health information: the content of a record.
                            readonly property bool sensitive: true

                            objectName: "textContent"
                            text: page.viewer.text
                            readOnly: true
                            selectByMouse: true
                            textFormat: TextEdit.PlainText
                            wrapMode: TextEdit.Wrap
                            font.family: Style.monospaceFamily
                            font.pointSize: Style.fontSize
                            leftPadding: Style.pageMargin
                            rightPadding: Style.pageMargin
                            topPadding: Style.spacingLarge
                            placeholderText: qsTr("This file is empty.")
                            background: null
                            Accessible.name: qsTr("Record text")
                        }
                    }
                }
            }

            // No preview, or the record could not be fetched.
            Item {
                ColumnLayout {
                    anchors.centerIn: parent
                    width: Math.min(parent.width - 2 * Style.pageMargin, 480)
                    spacing: Style.spacingMedium

                    ServerPreviewImage {
                        objectName: "unsupportedServerPreview"
                        viewerPage: page
                        recordViewer: page.viewer
                        Layout.alignment: Qt.AlignHCenter
                        Layout.bottomMargin: Style.spacing
                        visible: source != "" && page.viewer.kind === RecordViewer.Unsupported
                    }
                    Label {
                        Layout.fillWidth: true
                        horizontalAlignment: Text.AlignHCenter
                        wrapMode: Text.Wrap
                        text: page.viewer.kind === RecordViewer.Failed
                              ? qsTr("This record could not be opened")
                              : page.viewer.serverPreviewSource !== ""
                                ? qsTr("Only the server's preview can be shown for this file type")
                                : qsTr("No preview for this file type")
                        font.pointSize: Style.fontSizeLarge
                        font.bold: true
                        color: Style.textColor
                    }
                    Label {
                        objectName: "problemLabel"
                        Layout.fillWidth: true
                        horizontalAlignment: Text.AlignHCenter
                        wrapMode: Text.Wrap
                        text: page.viewer.kind === RecordViewer.Failed ? page.viewer.errorString
                                                                       : page.viewer.problem
                        font.pointSize: Style.fontSize
                        color: Style.secondaryTextColor
                    }
                    AppButton {
                        Layout.alignment: Qt.AlignHCenter
                        Layout.topMargin: Style.spacing
                        visible: page.viewer.kind === RecordViewer.Unsupported
                        text: qsTr("Download…")
                        primary: true
                        Accessible.name: qsTr("Download the record")
                        onClicked: page.chooseDownload()
                    }
                }
            }
        }
    }
}
