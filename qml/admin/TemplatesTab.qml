import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The organization's record templates: a name, a category, a retention period and a sharing
// mode that uploads with the template receive. Deleting a template changes no record.
ColumnLayout {
    id: tab

    required property TemplateAdmin templates

    function clearForm() {
        nameField.clear();
        categoryField.clear();
        daysField.clear();
        sharingBox.currentIndex = 0;
    }

    objectName: "templatesTab"
    spacing: Style.spacingMedium

    AdminCard {
        title: qsTr("New template")

        RowLayout {
            Layout.fillWidth: true
            spacing: Style.spacing

            AppTextField {
                id: nameField
                objectName: "templateNameField"
                Layout.fillWidth: true
                placeholderText: qsTr("Name, for example Lab result")
                maximumLength: 64
                Accessible.name: qsTr("Template name")
            }
            AppTextField {
                id: categoryField
                objectName: "templateCategoryField"
                Layout.preferredWidth: 180
                placeholderText: qsTr("Category (optional)")
                maximumLength: 64
                Accessible.name: qsTr("Template category")
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: Style.spacing

            Label {
                text: qsTr("Erase after")
                color: Style.secondaryTextColor
            }
            AppTextField {
                id: daysField
                objectName: "templateDaysField"
                Layout.preferredWidth: 100
                placeholderText: qsTr("never")
                inputMethodHints: Qt.ImhDigitsOnly
                Accessible.name: qsTr("Retention period in days; empty keeps records")
            }
            Label {
                text: qsTr("days, visible to")
                color: Style.secondaryTextColor
            }
            ComboBox {
                id: sharingBox
                objectName: "templateSharingBox"
                Layout.preferredWidth: 200
                model: [
                    { value: "private", text: qsTr("Only the uploader") },
                    { value: "team", text: qsTr("Everyone in the team") }
                ]
                textRole: "text"
                valueRole: "value"
                Accessible.name: qsTr("Who can open records uploaded with the template")
            }
            Item { Layout.fillWidth: true }
            AppButton {
                objectName: "createTemplateButton"
                text: qsTr("Create template")
                primary: true
                enabled: nameField.text.trim().length > 0 && daysError.text.length === 0
                         && !tab.templates.busy
                onClicked: tab.templates.createTemplate(nameField.text, categoryField.text,
                                                        daysField.text, sharingBox.currentValue)
            }
        }
        Label {
            id: daysError
            objectName: "templateDaysError"
            Layout.fillWidth: true
            visible: text.length > 0
            text: tab.templates.validateRetentionDays(daysField.text)
            wrapMode: Text.Wrap
            color: Style.errorColor
            font.pointSize: Style.fontSizeSmall
        }
        Connections {
            target: tab.templates
            function onChanged() { tab.clearForm(); }
        }
    }

    AdminCard {
        title: qsTr("Templates")
        Layout.fillHeight: true

        Label {
            visible: tab.templates.loaded && tab.templates.templates.length === 0
            text: qsTr("No templates yet. Uploads then use the team's retention period.")
            color: Style.secondaryTextColor
        }
        ListView {
            objectName: "templateList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: tab.templates.templates
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Templates")
            delegate: ItemDelegate {
                id: templateRow
                required property var modelData
                width: ListView.view.width
                hoverEnabled: false
                background: Item {}
                contentItem: RowLayout {
                    spacing: Style.spacing
                    Label {
                        Layout.preferredWidth: 200
                        text: templateRow.modelData.name
                        font.bold: true
                        elide: Text.ElideRight
                        color: Style.textColor
                    }
                    Label {
                        Layout.preferredWidth: 140
                        text: templateRow.modelData.category
                        elide: Text.ElideRight
                        color: Style.textColor
                    }
                    Label {
                        Layout.fillWidth: true
                        text: templateRow.modelData.summaryText
                        elide: Text.ElideRight
                        color: Style.secondaryTextColor
                    }
                    AppButton {
                        objectName: "deleteTemplateButton"
                        text: qsTr("Delete")
                        flat: true
                        enabled: !tab.templates.busy
                        font.pointSize: Style.fontSizeSmall
                        Accessible.name: qsTr("Delete the template %1")
                                         .arg(templateRow.modelData.name)
                        onClicked: tab.templates.deleteTemplate(templateRow.modelData.id)
                    }
                }
            }
        }
    }
}
