pragma Singleton

import QtQuick

// Sizes, fonts and colours of the desktop app, in one place. Sizes are device-independent
// pixels, and font sizes are points.
QtObject {
    readonly property int spacingSmall: 4
    readonly property int spacing: 8
    readonly property int spacingMedium: 12
    readonly property int spacingLarge: 16
    readonly property int spacingHuge: 24
    readonly property int pageMargin: 24
    readonly property int radius: 6
    readonly property int borderWidth: 1
    readonly property int controlHeight: 34
    readonly property int buttonMinWidth: 88
    readonly property int focusRingWidth: 2

    readonly property int signInWidth: 400
    readonly property int logoSize: 56
    readonly property int headerHeight: 64
    readonly property int statusBarHeight: 30
    readonly property int recordRowHeight: 52
    readonly property int uploadRowHeight: 44
    readonly property int progressBarWidth: 180
    readonly property int sizeColumnWidth: 100
    readonly property int dateColumnWidth: 180
    readonly property int teamColumnWidth: 170
    readonly property int recordActionsWidth: 205
    readonly property int retentionActionsWidth: 140
    readonly property int fileBadgeWidth: 40
    readonly property int fileBadgeHeight: 28
    readonly property int maxUploadListHeight: 232
    readonly property int emptyIconSize: 72
    readonly property int maxPageWidth: 900
    readonly property int dialogWidth: 540
    readonly property int statusDotSize: 10
    readonly property int auditTimeColumnWidth: 150
    readonly property int auditActionColumnWidth: 200
    readonly property int auditRowHeight: 34
    readonly property int auditOutcomeColumnWidth: 90
    readonly property int auditAddressColumnWidth: 120
    readonly property int dateFieldWidth: 120
    readonly property int filterFieldWidth: 190
    readonly property int chartHeight: 110
    readonly property int legendSwatchSize: 10

    readonly property real fontSizeSmall: 9
    readonly property real fontSize: 10
    readonly property real fontSizeLarge: 12
    readonly property real fontSizeTitle: 16
    readonly property real fontSizeHero: 22
    // "monospace" is a fontconfig alias on Linux, which Windows and macOS do not have.
    readonly property string monospaceFamily: Qt.platform.os === "windows" ? "Consolas"
                                            : Qt.platform.os === "osx" ? "Menlo" : "monospace"

    readonly property color windowColor: "#f3f5f8"
    readonly property color surfaceColor: "#ffffff"
    readonly property color viewerBackground: "#e6e9ee"
    readonly property color borderColor: "#d6dbe3"
    readonly property color strongBorderColor: "#b9c1cd"
    readonly property color textColor: "#1d2430"
    readonly property color secondaryTextColor: "#5b6676"
    readonly property color accentColor: "#1565c0"
    readonly property color accentTextColor: "#ffffff"
    readonly property color accentHoverColor: "#0f58ad"
    readonly property color accentPressedColor: "#0b4a94"
    readonly property color accentTint: "#e3eefb"
    readonly property color focusRingColor: "#7fa9e0"
    readonly property color hoverColor: "#eef4fc"
    readonly property color selectedColor: "#dce9fa"
    readonly property color dropOverlayColor: "#f2f3f8fe"

    readonly property color errorColor: "#b3261e"
    readonly property color errorBackground: "#fdecea"
    readonly property color errorBorder: "#f2b8b5"
    readonly property color successColor: "#1b7a3a"
    readonly property color successBackground: "#e8f5ec"
    readonly property color warningColor: "#7a4300"
    readonly property color warningBackground: "#fff1cc"
    readonly property color warningBorder: "#e8b94a"
    readonly property color onlineColor: "#2e9d4f"
    readonly property color offlineColor: "#9aa3af"
    // Bar colours of the activity chart, one per category of ActivityChart, bottom first.
    readonly property var chartColors: ["#1565c0", "#2e9d4f", "#e08a00", "#7b5ea7"]
    readonly property color chartGridColor: "#e3e7ee"

    // Badge colours by file type, so a list of records is easy to scan.
    function badgeColor(fileName) {
        const extension = fileName.split(".").pop().toLowerCase();
        if (extension === "pdf")
            return "#c62828";
        if (["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"].indexOf(extension) >= 0)
            return "#2e7d32";
        if (["txt", "csv", "md", "log", "json", "xml", "hl7"].indexOf(extension) >= 0)
            return "#455a64";
        return "#6a5acd";
    }
}
