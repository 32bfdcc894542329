import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Desktop

// A row of check boxes, one per permission, for choosing a permission set. `permissions` is
// the chosen set as the API names it.
RowLayout {
    id: checks

    property var permissions: []
    // Sets the check boxes to `names` (an array of API names).
    function setPermissions(names) {
        permissions = names.slice();
    }

    readonly property var names: ["manage_files", "manage_organization", "manage_billing",
                                  "manage_api"]
    readonly property var labels: [qsTr("Manage files"), qsTr("Manage organization"),
                                   qsTr("Manage billing"), qsTr("Manage API")]

    spacing: Style.spacing

    Repeater {
        model: checks.names.length
        delegate: CheckBox {
            required property int index
            text: checks.labels[index]
            // Not checkable: a click changes `permissions`, and the binding shows it, so
            // setPermissions() keeps working after clicks.
            checkable: false
            checked: checks.permissions.indexOf(checks.names[index]) >= 0
            font.pointSize: Style.fontSize
            onClicked: {
                const name = checks.names[index];
                const chosen = checks.permissions.filter(p => p !== name);
                if (!checked)
                    chosen.push(name);
                checks.permissions = chosen;
            }
        }
    }
}
