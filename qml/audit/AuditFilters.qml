import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The filters of the Audit page: period, user, team, record, action and outcome. Pickers apply
// at once; the text fields apply on Enter or with the Apply button. Dates are checked as they
// are typed, and the reason a date is wrong shows under the fields.
Pane {
    id: filters

    required property AuditViewModel audit
    property bool busy: false

    signal applyRequested()

    // Takes the text fields' values into the view model, then asks for the entries.
    function apply() {
        audit.since = sinceField.text;
        audit.until = untilField.text;
        audit.record = recordField.text;
        if (audit.sinceError.length === 0 && audit.untilError.length === 0)
            applyRequested();
    }

    objectName: "auditFilters"
    padding: Style.spacingMedium
    background: Rectangle {
        color: Style.surfaceColor
        border.color: Style.borderColor
        radius: Style.radius
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Style.spacing

        Flow {
            Layout.fillWidth: true
            spacing: Style.spacingMedium

            ColumnLayout {
                spacing: Style.spacingSmall
                Label {
                    text: qsTr("From")
                    font.pointSize: Style.fontSizeSmall
                    color: Style.secondaryTextColor
                }
                AppTextField {
                    id: sinceField
                    objectName: "sinceField"
                    Layout.preferredWidth: Style.dateFieldWidth
                    text: filters.audit.since
                    placeholderText: qsTr("YYYY-MM-DD")
                    inputMethodHints: Qt.ImhDate
                    Accessible.name: qsTr("First day of the period, as YYYY-MM-DD")
                    onTextEdited: filters.audit.since = text
                    onAccepted: filters.apply()
                }
            }
            ColumnLayout {
                spacing: Style.spacingSmall
                Label {
                    text: qsTr("To")
                    font.pointSize: Style.fontSizeSmall
                    color: Style.secondaryTextColor
                }
                AppTextField {
                    id: untilField
                    objectName: "untilField"
                    Layout.preferredWidth: Style.dateFieldWidth
                    text: filters.audit.until
                    placeholderText: qsTr("YYYY-MM-DD")
                    inputMethodHints: Qt.ImhDate
                    Accessible.name: qsTr("Last day of the period, as YYYY-MM-DD")
                    onTextEdited: filters.audit.until = text
                    onAccepted: filters.apply()
                }
            }
            ColumnLayout {
                spacing: Style.spacingSmall
                Label {
                    text: qsTr("User")
                    font.pointSize: Style.fontSizeSmall
                    color: Style.secondaryTextColor
                }
                ComboBox {
                    id: userBox
                    Layout.preferredHeight: Style.controlHeight
                    objectName: "userFilter"
                    Layout.preferredWidth: Style.filterFieldWidth
                    model: filters.audit.userChoices
                    textRole: "text"
                    valueRole: "value"
                    // `count` makes the binding run again when the choices are replaced.
                    currentIndex: count >= 0 ? Math.max(0, indexOfValue(filters.audit.user)) : -1
                    displayText: count === 0 ? qsTr("Anyone") : currentText
                    onActivated: {
                        filters.audit.user = currentValue;
                        filters.apply();
                    }
                    Accessible.name: qsTr("Show what this user did")
                    contentItem: SensitiveLabel {
                        leftPadding: Style.spacing
                        rightPadding: userBox.indicator.width + Style.spacing
                        sensitiveText: userBox.displayText
                        elide: Text.ElideRight
                        verticalAlignment: Text.AlignVCenter
                        color: Style.textColor
                    }
                    delegate: ItemDelegate {
                        required property var modelData
                        required property int index
                        width: userBox.width
                        highlighted: userBox.highlightedIndex === index
                        contentItem: SensitiveLabel {
                            sensitiveText: modelData.text
                            elide: Text.ElideRight
                            color: Style.textColor
                        }
                    }
                }
            }
            ColumnLayout {
                spacing: Style.spacingSmall
                Label {
                    text: qsTr("Team")
                    font.pointSize: Style.fontSizeSmall
                    color: Style.secondaryTextColor
                }
                ComboBox {
                    id: teamBox
                    Layout.preferredHeight: Style.controlHeight
                    objectName: "teamFilter"
                    Layout.preferredWidth: Style.filterFieldWidth
                    model: filters.audit.teamChoices
                    textRole: "text"
                    valueRole: "value"
                    currentIndex: count >= 0 ? Math.max(0, indexOfValue(filters.audit.team)) : -1
                    displayText: count === 0 ? qsTr("Any team") : currentText
                    onActivated: {
                        filters.audit.team = currentValue;
                        filters.apply();
                    }
                    Accessible.name: qsTr("Show what happened in this team")
                }
            }
            ColumnLayout {
                spacing: Style.spacingSmall
                Label {
                    text: qsTr("Action")
                    font.pointSize: Style.fontSizeSmall
                    color: Style.secondaryTextColor
                }
                ComboBox {
                    id: actionBox
                    Layout.preferredHeight: Style.controlHeight
                    objectName: "actionFilter"
                    Layout.preferredWidth: Style.filterFieldWidth
                    model: filters.audit.actionChoices
                    textRole: "text"
                    valueRole: "value"
                    currentIndex: Math.max(0, indexOfValue(filters.audit.action))
                    onActivated: {
                        filters.audit.action = currentValue;
                        filters.apply();
                    }
                    Accessible.name: qsTr("Show this kind of action")
                }
            }
            ColumnLayout {
                spacing: Style.spacingSmall
                Label {
                    text: qsTr("Outcome")
                    font.pointSize: Style.fontSizeSmall
                    color: Style.secondaryTextColor
                }
                ComboBox {
                    id: outcomeBox
                    Layout.preferredHeight: Style.controlHeight
                    objectName: "outcomeFilter"
                    Layout.preferredWidth: Style.dateFieldWidth + Style.spacingLarge
                    model: filters.audit.outcomeChoices
                    textRole: "text"
                    valueRole: "value"
                    currentIndex: Math.max(0, indexOfValue(filters.audit.outcome))
                    onActivated: {
                        filters.audit.outcome = currentValue;
                        filters.apply();
                    }
                    Accessible.name: qsTr("Show entries with this outcome")
                }
            }
            ColumnLayout {
                spacing: Style.spacingSmall
                Label {
                    text: qsTr("Record id")
                    font.pointSize: Style.fontSizeSmall
                    color: Style.secondaryTextColor
                }
                AppTextField {
                    id: recordField
                    objectName: "recordFilterField"
                    Layout.preferredWidth: Style.filterFieldWidth + Style.dateFieldWidth
                    text: filters.audit.record
                    placeholderText: qsTr("Any record")
                    Accessible.name: qsTr("Show what happened to the record with this id")
                    onTextEdited: filters.audit.record = text
                    onAccepted: filters.apply()
                }
            }
            RowLayout {
                // Aligns the buttons with the fields, below the labels.
                height: sinceField.height + Style.spacingLarge + Style.spacingSmall
                spacing: Style.spacing

                AppButton {
                    objectName: "applyFiltersButton"
                    Layout.alignment: Qt.AlignBottom
                    text: qsTr("Apply")
                    enabled: !filters.busy && filters.audit.sinceError.length === 0
                             && filters.audit.untilError.length === 0
                    Accessible.name: qsTr("Show the entries that match the filters")
                    onClicked: filters.apply()
                }
                AppButton {
                    objectName: "clearFiltersButton"
                    Layout.alignment: Qt.AlignBottom
                    text: qsTr("Clear filters")
                    flat: true
                    enabled: filters.audit.filtered
                    Accessible.name: qsTr("Show every entry")
                    onClicked: {
                        filters.audit.resetFilters();
                        filters.applyRequested();
                    }
                }
            }
        }

        Label {
            objectName: "dateErrorLabel"
            Layout.fillWidth: true
            visible: text.length > 0
            text: filters.audit.sinceError.length > 0 ? filters.audit.sinceError
                                                      : filters.audit.untilError
            wrapMode: Text.Wrap
            color: Style.errorColor
            font.pointSize: Style.fontSizeSmall
        }
    }
}
