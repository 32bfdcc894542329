import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The activity chart of the Audit page: one bar per day or week, stacked by category of
// action, drawn on a Canvas, with a legend and the period it covers. Hovering a bar shows its
// counts.
Pane {
    id: view

    required property ActivityChart chart

    // The user chose days or weeks.
    signal bucketRequested(string bucket)

    objectName: "activityChartView"
    padding: Style.spacingMedium
    background: Rectangle {
        color: Style.surfaceColor
        border.color: Style.borderColor
        radius: Style.radius
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Style.spacing

        RowLayout {
            Layout.fillWidth: true
            spacing: Style.spacing

            Label {
                text: qsTr("Activity")
                font.pointSize: Style.fontSizeLarge
                font.bold: true
                color: Style.textColor
            }
            Label {
                objectName: "chartPeriodLabel"
                Layout.fillWidth: true
                Layout.leftMargin: Style.spacing
                text: view.chart.loaded
                      ? qsTr("%1 · %2 entries").arg(view.chart.periodText).arg(view.chart.total)
                      : ""
                elide: Text.ElideRight
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSizeSmall
            }
            AppButton {
                objectName: "chartDaysButton"
                text: qsTr("Days")
                flat: view.chart.bucket !== "day"
                font.pointSize: Style.fontSizeSmall
                implicitHeight: Style.controlHeight - Style.spacing
                Accessible.name: qsTr("One bar per day")
                onClicked: view.bucketRequested("day")
            }
            AppButton {
                objectName: "chartWeeksButton"
                text: qsTr("Weeks")
                flat: view.chart.bucket !== "week"
                font.pointSize: Style.fontSizeSmall
                implicitHeight: Style.controlHeight - Style.spacing
                Accessible.name: qsTr("One bar per week")
                onClicked: view.bucketRequested("week")
            }
        }

        Item {
            id: plot
            objectName: "chartPlot"
            Layout.fillWidth: true
            Layout.preferredHeight: Style.chartHeight

            // Width of the axis labels on the left, and height of the labels under the bars.
            readonly property int axisWidth: 36
            readonly property int labelHeight: 18
            // At most this many labels under the bars, so that they do not overlap.
            readonly property int maxLabels: Math.max(1, Math.floor((width - axisWidth) / 56))
            readonly property real slotWidth: view.chart.count > 0
                                              ? (width - axisWidth) / view.chart.count : 0
            // A round top for the scale: 1, 2, 3, 4, 5, 6 or 8 times a power of ten.
            readonly property int scaleMax: {
                const max = view.chart.maxCount;
                const magnitude = Math.pow(10, Math.floor(Math.log(max) / Math.LN10));
                for (const factor of [1, 2, 3, 4, 5, 6, 8, 10]) {
                    if (factor * magnitude >= max)
                        return factor * magnitude;
                }
                return max;
            }
            property int hoveredIndex: -1

            Canvas {
                id: canvas
                objectName: "chartCanvas"
                anchors.fill: parent
                Accessible.role: Accessible.Chart
                Accessible.name: qsTr("Audit entries per %1").arg(view.chart.bucket === "week"
                                                                  ? qsTr("week") : qsTr("day"))

                onPaint: {
                    const context = getContext("2d");
                    context.reset();
                    const chartHeight = height - plot.labelHeight;
                    const left = plot.axisWidth;

                    // Grid lines at 0, half and the top of the scale, with their values. A
                    // half that is not a whole number of entries gets no line.
                    context.font = Style.fontSizeSmall + "pt sans-serif";
                    context.textAlign = "right";
                    context.textBaseline = "middle";
                    context.lineWidth = 1;
                    for (const fraction of [0, 0.5, 1]) {
                        const value = fraction * plot.scaleMax;
                        if (value !== Math.floor(value))
                            continue;
                        const y = Math.round(chartHeight - fraction * (chartHeight - 6)) + 0.5;
                        context.strokeStyle = Style.chartGridColor;
                        context.beginPath();
                        context.moveTo(left, y);
                        context.lineTo(width, y);
                        context.stroke();
                        context.fillStyle = Style.secondaryTextColor;
                        context.fillText(String(value), left - 6, y);
                    }

                    // Stacked bars, the first category at the bottom.
                    const slot = plot.slotWidth;
                    const barWidth = Math.max(1, Math.min(slot * 0.7, 48));
                    const scale = (chartHeight - 6) / plot.scaleMax;
                    for (let i = 0; i < bars.count; ++i) {
                        const segments = bars.itemAt(i).segments;
                        const x = left + i * slot + (slot - barWidth) / 2;
                        let y = chartHeight;
                        for (let category = 0; category < segments.length; ++category) {
                            const h = segments[category] * scale;
                            if (h <= 0)
                                continue;
                            context.fillStyle = Style.chartColors[category];
                            context.fillRect(x, y - h, barWidth, h);
                            y -= h;
                        }
                        if (i === plot.hoveredIndex) {
                            context.strokeStyle = Style.textColor;
                            context.strokeRect(x - 0.5, y - 0.5, barWidth + 1,
                                               chartHeight - y + 1);
                        }
                    }

                    // Labels under every n-th bar, counted from the newest, which always has
                    // one.
                    context.fillStyle = Style.secondaryTextColor;
                    context.textAlign = "center";
                    context.textBaseline = "bottom";
                    const every = Math.ceil(bars.count / plot.maxLabels);
                    for (let i = bars.count - 1; i >= 0; i -= every)
                        context.fillText(bars.itemAt(i).label, left + (i + 0.5) * slot, height);
                }
            }

            // The buckets as items, so that the Canvas reads them and repaints when they change.
            Repeater {
                id: bars
                objectName: "chartBars"
                model: view.chart
                delegate: Item {
                    required property int index
                    required property string label
                    required property string description
                    required property int count
                    required property var segments
                    objectName: "chartBar"
                    x: plot.axisWidth + index * plot.slotWidth
                    width: plot.slotWidth
                    height: plot.height - plot.labelHeight
                    Accessible.role: Accessible.StaticText
                    Accessible.name: description
                }
                onItemAdded: canvas.requestPaint()
                onItemRemoved: canvas.requestPaint()
            }

            MouseArea {
                anchors.fill: parent
                anchors.leftMargin: plot.axisWidth
                hoverEnabled: true
                onPositionChanged: (mouse) => {
                    const index = plot.slotWidth > 0 ? Math.floor(mouse.x / plot.slotWidth) : -1;
                    plot.hoveredIndex = index < bars.count ? index : -1;
                }
                onExited: plot.hoveredIndex = -1
            }
            ToolTip {
                visible: plot.hoveredIndex >= 0 && plot.hoveredIndex < bars.count
                x: Math.min(plot.width - width,
                            plot.axisWidth + (plot.hoveredIndex + 0.5) * plot.slotWidth - width / 2)
                y: -height - Style.spacingSmall
                text: visible ? bars.itemAt(plot.hoveredIndex).description : ""
            }

            onWidthChanged: canvas.requestPaint()
            onHeightChanged: canvas.requestPaint()
            onHoveredIndexChanged: canvas.requestPaint()

            Label {
                anchors.centerIn: parent
                visible: view.chart.loaded && view.chart.total === 0
                text: qsTr("No activity in this period.")
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSize
            }
            Label {
                objectName: "chartErrorLabel"
                anchors.centerIn: parent
                width: parent.width - 2 * Style.spacingLarge
                visible: text.length > 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: view.chart.errorString
                color: Style.errorColor
                font.pointSize: Style.fontSize
            }
        }

        // The legend: one swatch per category, in stacking order.
        Flow {
            objectName: "chartLegend"
            Layout.fillWidth: true
            Layout.leftMargin: plot.axisWidth
            spacing: Style.spacingLarge

            Repeater {
                model: view.chart.categories
                delegate: Row {
                    required property string modelData
                    required property int index
                    spacing: Style.spacingSmall

                    Rectangle {
                        anchors.verticalCenter: parent.verticalCenter
                        width: Style.legendSwatchSize
                        height: Style.legendSwatchSize
                        radius: 2
                        color: Style.chartColors[index]
                    }
                    Label {
                        text: modelData
                        color: Style.secondaryTextColor
                        font.pointSize: Style.fontSizeSmall
                    }
                }
            }
        }
    }

    Connections {
        target: view.chart
        function onBucketsChanged() {
            canvas.requestPaint();
        }
    }
}
