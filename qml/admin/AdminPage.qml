import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Administration of the organization's access: teams, the members of a team with their
// permissions, roles (permission presets), invitations, record templates and the organization
// export. Shown to users with manage_organization; the server checks every change again.
Page {
    id: page

    required property SessionController controller
    readonly property TeamAdmin teamAdmin: teams
    readonly property RoleAdmin roleAdmin: roles
    property alias currentTab: tabBar.currentIndex
    // The view model whose status and error the banners show: the roles and templates tabs
    // have their own, the other tabs share the teams' one.
    readonly property var tabModel: tabBar.currentIndex === 3 ? roles
                                    : tabBar.currentIndex === 4 ? templateAdmin
                                    : teams

    signal backRequested()

    objectName: "adminPage"
    background: Rectangle { color: Style.windowColor }

    onVisibleChanged: {
        if (visible) {
            teams.refresh();
            roles.refresh();
            templateAdmin.refresh();
        } else {
            teams.clearMessages();
            roles.clearMessages();
            templateAdmin.clearMessages();
        }
    }

    TeamAdmin {
        id: teams
        objectName: "teamAdmin"
        controller: page.controller
    }
    RoleAdmin {
        id: roles
        objectName: "roleAdmin"
        controller: page.controller
    }
    TemplateAdmin {
        id: templateAdmin
        objectName: "templateAdmin"
        controller: page.controller
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
                objectName: "adminBackButton"
                text: qsTr("‹ Records")
                flat: true
                Accessible.name: qsTr("Back to the records")
                onClicked: page.backRequested()
            }
            Label {
                Layout.leftMargin: Style.spacing
                text: qsTr("Teams and roles")
                font.pointSize: Style.fontSizeTitle
                font.bold: true
                color: Style.textColor
            }
            Item { Layout.fillWidth: true }
            BusyIndicator {
                running: teams.busy || roles.busy
                visible: running
                Layout.preferredWidth: 24
                Layout.preferredHeight: 24
                Accessible.name: qsTr("Working")
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Style.pageMargin
        spacing: Style.spacingMedium

        TabBar {
            id: tabBar
            objectName: "adminTabs"
            Layout.fillWidth: true
            TabButton { text: qsTr("Teams") }
            TabButton { text: qsTr("Members") }
            TabButton { text: qsTr("Invitations") }
            TabButton { text: qsTr("Roles") }
            TabButton { text: qsTr("Templates") }
            TabButton { text: qsTr("Export") }
        }

        MessageBanner {
            objectName: "adminErrorBanner"
            Layout.fillWidth: true
            kind: MessageBanner.Error
            text: page.tabModel.errorString
            closable: true
            onClosed: page.tabModel.clearMessages()
        }
        MessageBanner {
            objectName: "adminStatusBanner"
            Layout.fillWidth: true
            kind: MessageBanner.Success
            text: page.tabModel.errorString.length > 0 ? "" : page.tabModel.status
            closable: true
            onClosed: page.tabModel.clearMessages()
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabBar.currentIndex

            TeamsTab {
                teams: teams
                onTeamChosen: (teamId) => {
                    teams.currentTeamId = teamId;
                    tabBar.currentIndex = 1;
                }
            }
            MembersTab {
                teams: teams
                roles: roles
            }
            InvitationsTab {
                teams: teams
            }
            RolesTab {
                roles: roles
            }
            TemplatesTab {
                templates: templateAdmin
            }
            ColumnLayout {
                ExportCard {
                    controller: page.controller
                    organization: true
                }
                Item { Layout.fillHeight: true }
            }
        }
    }
}
