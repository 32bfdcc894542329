import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The members of one team with their permissions in it: a check box per permission, a role
// to apply as a preset, removal, and a form to add an existing user of the organization.
ColumnLayout {
    id: tab

    required property TeamAdmin teams
    required property RoleAdmin roles

    objectName: "membersTab"
    spacing: Style.spacingMedium

    TeamPicker {
        Layout.fillWidth: true
        teams: tab.teams
    }

    AdminCard {
        title: qsTr("Add a member")

        RowLayout {
            Layout.fillWidth: true
            spacing: Style.spacing

            AppTextField {
                id: emailField
                objectName: "memberEmailField"
                Layout.fillWidth: true
                placeholderText: qsTr("E-mail address of a user of your organization")
                Accessible.name: qsTr("E-mail address of the new member")
            }
            AppButton {
                objectName: "addMemberButton"
                text: qsTr("Add to team")
                primary: true
                enabled: emailField.text.trim().length > 0 && tab.teams.currentTeamId.length > 0
                onClicked: tab.teams.addMember(emailField.text, newPermissions.permissions)
            }
        }
        PermissionChecks {
            id: newPermissions
            permissions: ["manage_files"]
        }
        Connections {
            target: tab.teams
            function onChanged() { emailField.clear(); }
        }
    }

    AdminCard {
        title: tab.teams.currentTeamName.length > 0
               ? qsTr("Members of %1").arg(tab.teams.currentTeamName) : qsTr("Members")
        Layout.fillHeight: true

        ListView {
            objectName: "memberList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: tab.teams.members
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Members")
            delegate: ItemDelegate {
                id: memberRow
                required property var modelData
                width: ListView.view.width
                hoverEnabled: false
                contentItem: RowLayout {
                    spacing: Style.spacing
                    SensitiveLabel {
                        Layout.fillWidth: true
                        Layout.minimumWidth: 160
                        sensitiveText: memberRow.modelData.email
                        elide: Text.ElideRight
                        color: Style.textColor
                    }
                    Repeater {
                        model: tab.teams.permissionNames()
                        delegate: CheckBox {
                            required property string modelData
                            objectName: "permission_" + modelData
                            text: tab.teams.permissionLabel(modelData)
                            font.pointSize: Style.fontSizeSmall
                            // The box shows the stored set: a click asks the server, and the
                            // list shows its answer.
                            checkable: false
                            checked: memberRow.modelData.permissions.indexOf(modelData) >= 0
                            enabled: !tab.teams.busy
                            onClicked: tab.teams.setMemberPermission(memberRow.modelData.userId,
                                                                     modelData, !checked)
                        }
                    }
                    ComboBox {
                        objectName: "applyRoleBox"
                        Layout.preferredWidth: 150
                        model: tab.roles.roles
                        textRole: "name"
                        valueRole: "id"
                        currentIndex: -1
                        displayText: qsTr("Apply role…")
                        enabled: !tab.teams.busy && count > 0
                        font.pointSize: Style.fontSizeSmall
                        Accessible.name: qsTr("Apply a role to %1").arg(memberRow.modelData.email)
                        onActivated: {
                            tab.teams.setMemberPermissions(memberRow.modelData.userId,
                                                           tab.roles.permissionsOf(currentValue));
                            currentIndex = -1;
                        }
                    }
                    AppButton {
                        objectName: "removeMemberButton"
                        text: qsTr("Remove")
                        flat: true
                        enabled: !tab.teams.busy
                        font.pointSize: Style.fontSizeSmall
                        Accessible.name: qsTr("Remove %1 from the team").arg(memberRow.modelData.email)
                        onClicked: tab.teams.removeMember(memberRow.modelData.userId)
                    }
                }
            }
        }
    }
}
