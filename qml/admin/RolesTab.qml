import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The organization's roles: permission presets to apply to members. Creating, editing and
// deleting a role changes no membership.
ColumnLayout {
    id: tab

    required property RoleAdmin roles
    // The role being edited, or empty while the form creates a new one.
    property string editingRoleId: ""

    function startEditing(role) {
        editingRoleId = role.id;
        nameField.text = role.name;
        rolePermissions.setPermissions(role.permissions);
    }
    function stopEditing() {
        editingRoleId = "";
        nameField.clear();
        rolePermissions.setPermissions(["manage_files"]);
    }

    objectName: "rolesTab"
    spacing: Style.spacingMedium

    AdminCard {
        title: tab.editingRoleId.length > 0 ? qsTr("Edit role") : qsTr("New role")

        RowLayout {
            Layout.fillWidth: true
            spacing: Style.spacing

            AppTextField {
                id: nameField
                objectName: "roleNameField"
                Layout.fillWidth: true
                placeholderText: qsTr("Role name, for example Reception")
                maximumLength: 64
                Accessible.name: qsTr("Role name")
            }
            AppButton {
                objectName: "saveRoleButton"
                text: tab.editingRoleId.length > 0 ? qsTr("Save role") : qsTr("Create role")
                primary: true
                enabled: nameField.text.trim().length > 0 && !tab.roles.busy
                onClicked: {
                    if (tab.editingRoleId.length > 0)
                        tab.roles.updateRole(tab.editingRoleId, nameField.text,
                                             rolePermissions.permissions);
                    else
                        tab.roles.createRole(nameField.text, rolePermissions.permissions);
                }
            }
            AppButton {
                visible: tab.editingRoleId.length > 0
                text: qsTr("Cancel")
                onClicked: tab.stopEditing()
            }
        }
        PermissionChecks {
            id: rolePermissions
            permissions: ["manage_files"]
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("A role is a preset: applying it copies its permissions to a member. "
                       + "Changing a role later does not change anyone's permissions.")
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSizeSmall
        }
        Connections {
            target: tab.roles
            function onChanged() { tab.stopEditing(); }
        }
    }

    AdminCard {
        title: qsTr("Roles")
        Layout.fillHeight: true

        ListView {
            objectName: "roleList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: tab.roles.roles
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Roles")
            delegate: ItemDelegate {
                id: roleRow
                required property var modelData
                width: ListView.view.width
                hoverEnabled: false
                // A light tint, because the labels keep their own dark colours.
                background: Rectangle {
                    color: modelData.id === tab.editingRoleId ? Style.selectedColor : "transparent"
                    radius: Style.radius
                }
                contentItem: RowLayout {
                    spacing: Style.spacing
                    Label {
                        Layout.preferredWidth: 200
                        text: roleRow.modelData.name
                        font.bold: true
                        elide: Text.ElideRight
                        color: Style.textColor
                    }
                    Label {
                        Layout.fillWidth: true
                        text: roleRow.modelData.permissionsText
                        elide: Text.ElideRight
                        color: Style.secondaryTextColor
                    }
                    AppButton {
                        objectName: "editRoleButton"
                        text: qsTr("Edit")
                        flat: true
                        font.pointSize: Style.fontSizeSmall
                        onClicked: tab.startEditing(roleRow.modelData)
                    }
                    AppButton {
                        objectName: "deleteRoleButton"
                        text: qsTr("Delete")
                        flat: true
                        enabled: !tab.roles.busy
                        font.pointSize: Style.fontSizeSmall
                        onClicked: tab.roles.deleteRole(roleRow.modelData.id)
                    }
                }
            }
        }
    }
}
