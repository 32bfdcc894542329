import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// Chooses the team whose members or invitations show.
RowLayout {
    id: picker

    required property TeamAdmin teams

    spacing: Style.spacing

    Label {
        text: qsTr("Team")
        font.bold: true
        color: Style.textColor
    }
    ComboBox {
        objectName: "teamPicker"
        Layout.preferredWidth: 280
        model: picker.teams.teams
        textRole: "name"
        valueRole: "id"
        currentIndex: indexOfValue(picker.teams.currentTeamId)
        onActivated: picker.teams.currentTeamId = currentValue
        Accessible.name: qsTr("Team")
    }
    Item { Layout.fillWidth: true }
}
