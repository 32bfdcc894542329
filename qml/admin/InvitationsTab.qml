import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Invitations into one team: a form to invite by e-mail with a permission set, and every
// invitation with its state (history stays), with resend and revoke.
ColumnLayout {
    id: tab

    required property TeamAdmin teams

    objectName: "invitationsTab"
    spacing: Style.spacingMedium

    TeamPicker {
        Layout.fillWidth: true
        teams: tab.teams
    }

    AdminCard {
        title: qsTr("Invite someone")

        RowLayout {
            Layout.fillWidth: true
            spacing: Style.spacing

            AppTextField {
                id: emailField
                objectName: "inviteEmailField"
                Layout.fillWidth: true
                placeholderText: qsTr("E-mail address to send the invitation link to")
                Accessible.name: qsTr("E-mail address to invite")
            }
            AppButton {
                objectName: "inviteButton"
                text: qsTr("Send invitation")
                primary: true
                enabled: emailField.text.trim().length > 0 && tab.teams.currentTeamId.length > 0
                onClicked: tab.teams.invite(emailField.text, invitePermissions.permissions)
            }
        }
        PermissionChecks {
            id: invitePermissions
            permissions: ["manage_files"]
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("The link works once and expires after 7 days. Sending it again makes "
                       + "the earlier link stop working.")
            color: Style.secondaryTextColor
            font.pointSize: Style.fontSizeSmall
        }
        Connections {
            target: tab.teams
            function onChanged() { emailField.clear(); }
        }
    }

    AdminCard {
        title: tab.teams.currentTeamName.length > 0
               ? qsTr("Invitations to %1").arg(tab.teams.currentTeamName) : qsTr("Invitations")
        Layout.fillHeight: true

        Label {
            visible: tab.teams.invitations.length === 0
            text: qsTr("No invitations yet.")
            color: Style.secondaryTextColor
        }
        ListView {
            objectName: "invitationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: tab.teams.invitations
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Invitations")
            delegate: ItemDelegate {
                id: invitationRow
                required property var modelData
                width: ListView.view.width
                hoverEnabled: false
                contentItem: RowLayout {
                    spacing: Style.spacing
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 0
                        SensitiveLabel {
                            Layout.fillWidth: true
                            sensitiveText: invitationRow.modelData.email
                            elide: Text.ElideRight
                            color: Style.textColor
                        }
                        Label {
                            Layout.fillWidth: true
                            text: invitationRow.modelData.permissionsText
                            elide: Text.ElideRight
                            color: Style.secondaryTextColor
                            font.pointSize: Style.fontSizeSmall
                        }
                    }
                    Label {
                        Layout.preferredWidth: 160
                        text: invitationRow.modelData.stateText
                        font.bold: invitationRow.modelData.state === "pending"
                        color: invitationRow.modelData.state === "accepted" ? Style.successColor
                             : invitationRow.modelData.state === "pending" ? Style.textColor
                             : Style.secondaryTextColor
                    }
                    Label {
                        Layout.preferredWidth: 220
                        text: qsTr("Sent %1\nExpires %2").arg(invitationRow.modelData.createdText)
                                                         .arg(invitationRow.modelData.expiresText)
                        color: Style.secondaryTextColor
                        font.pointSize: Style.fontSizeSmall
                    }
                    AppButton {
                        objectName: "resendInvitationButton"
                        text: qsTr("Resend")
                        flat: true
                        enabled: invitationRow.modelData.canResend && !tab.teams.busy
                        font.pointSize: Style.fontSizeSmall
                        onClicked: tab.teams.resendInvitation(invitationRow.modelData.id)
                    }
                    AppButton {
                        objectName: "revokeInvitationButton"
                        text: qsTr("Revoke")
                        flat: true
                        enabled: invitationRow.modelData.canRevoke && !tab.teams.busy
                        font.pointSize: Style.fontSizeSmall
                        onClicked: tab.teams.revokeInvitation(invitationRow.modelData.id)
                    }
                }
            }
        }
    }
}
