import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The organization's teams with their member counts, and a form to create a team.
ColumnLayout {
    id: tab

    required property TeamAdmin teams

    signal teamChosen(string teamId)

    objectName: "teamsTab"
    spacing: Style.spacingMedium

    AdminCard {
        title: qsTr("New team")

        RowLayout {
            Layout.fillWidth: true
            spacing: Style.spacing

            AppTextField {
                id: nameField
                objectName: "teamNameField"
                Layout.fillWidth: true
                placeholderText: qsTr("Team name, for example Cardiology")
                maximumLength: 64
                Accessible.name: qsTr("Name of the new team")
                onAccepted: tab.teams.createTeam(text)
            }
            AppButton {
                objectName: "createTeamButton"
                text: qsTr("Create team")
                primary: true
                enabled: nameField.text.trim().length > 0
                onClicked: tab.teams.createTeam(nameField.text)
            }
        }
        Connections {
            target: tab.teams
            function onChanged() { nameField.clear(); }
        }
    }

    AdminCard {
        title: qsTr("Teams")
        Layout.fillHeight: true

        ListView {
            objectName: "teamList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: tab.teams.teams
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Teams")
            delegate: ItemDelegate {
                required property var modelData
                width: ListView.view.width
                // A light tint, because the labels keep their own dark colours.
                background: Rectangle {
                    color: modelData.id === tab.teams.currentTeamId ? Style.selectedColor : "transparent"
                    radius: Style.radius
                }
                Accessible.name: qsTr("%1, %2 members").arg(modelData.name)
                                                      .arg(modelData.memberCount)
                onClicked: tab.teamChosen(modelData.id)
                contentItem: RowLayout {
                    spacing: Style.spacingMedium
                    Label {
                        Layout.fillWidth: true
                        text: modelData.isHome ? qsTr("%1 (whole organization)").arg(modelData.name)
                                               : modelData.name
                        font.bold: true
                        elide: Text.ElideRight
                        color: Style.textColor
                    }
                    Label {
                        Layout.preferredWidth: 120
                        text: modelData.memberCount === 1 ? qsTr("1 member")
                                                          : qsTr("%1 members").arg(modelData.memberCount)
                        color: Style.secondaryTextColor
                    }
                    Label {
                        Layout.preferredWidth: 300
                        text: qsTr("Your permissions: %1").arg(modelData.permissionsText)
                        elide: Text.ElideRight
                        color: Style.secondaryTextColor
                        font.pointSize: Style.fontSizeSmall
                    }
                    Label {
                        text: qsTr("Members ›")
                        color: Style.accentColor
                    }
                }
            }
        }
    }
}
