import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The signed-in user's records, the upload queue and the actions on both: upload into a team
// with a sharing mode, edit a record's title, open the sharing dialog of a record, and change
// its expiration or legal hold or delete it permanently.
Page {
    id: page

    required property SessionController controller
    required property RecordListModel records
    required property UploadQueue uploads

    signal openRecord(string recordId, string fileName)
    signal settingsRequested()
    signal adminRequested()
    signal auditRequested()

    // The user's teams and permissions, which decide the upload choices and the admin button.
    readonly property AccountTeams accountTeams: teams
    readonly property RecordSharing sharing: recordSharing

    function chooseFiles() {
        fileDialog.open();
    }
    // Opens the sharing dialog of a listed record.
    function showSharing(recordId) {
        recordSharing.open(records.recordById(recordId));
        sharingDialog.open();
    }
    // Opens the access history of a listed record.
    function showAccessHistory(recordId) {
        const record = records.recordById(recordId);
        accessHistory.open(recordId, record.title ? record.title : record.fileName);
        accessHistoryDialog.open();
    }
    // Opens the expiration and legal hold dialog of a listed record.
    function showRetention(row) {
        retentionDialog.show(records.recordAt(row));
    }
    // Asks to confirm the permanent deletion of a listed record.
    function confirmDelete(row) {
        retentionDialog.confirmDelete(records.recordAt(row));
    }
    // Keeps the upload team valid: the chosen team while the user may still upload there,
    // else the only team with manage_files, else none (the user chooses).
    function updateUploadTeam() {
        const choices = teams.uploadTeams;
        for (let i = 0; i < choices.length; ++i) {
            if (choices[i].id === uploads.teamId)
                return;
        }
        uploads.teamId = teams.defaultUploadTeamId;
    }

    objectName: "recordsPage"
    background: Rectangle { color: Style.windowColor }

    onVisibleChanged: {
        if (visible && controller.signedIn) {
            teams.refresh();
            uploadTemplates.refresh();
        }
    }

    AccountTeams {
        id: teams
        objectName: "accountTeams"
        controller: page.controller
        onTeamsChanged: page.updateUploadTeam()
    }
    RecordSharing {
        id: recordSharing
        objectName: "recordSharing"
        controller: page.controller
        onSaved: page.records.refresh()
    }
    Connections {
        target: page.controller
        function onSignedInChanged() {
            if (page.controller.signedIn) {
                teams.refresh();
                uploadTemplates.refresh();
            }
        }
    }
    SharingDialog {
        id: sharingDialog
        sharing: recordSharing
        parent: Overlay.overlay
    }
    AccessHistory {
        id: accessHistory
        objectName: "accessHistory"
        controller: page.controller
    }
    AccessHistoryDialog {
        id: accessHistoryDialog
        history: accessHistory
        parent: Overlay.overlay
    }
    // The organization's record templates for the upload choice.
    TemplateAdmin {
        id: uploadTemplates
        objectName: "uploadTemplates"
        controller: page.controller
        // A deleted template can no longer be chosen for uploads.
        onTemplatesChanged: {
            if (!templates.some(entry => entry.id === page.uploads.templateId))
                page.uploads.templateId = "";
        }
    }
    RecordRetention {
        id: recordRetention
        objectName: "recordRetention"
        controller: page.controller
        onDeleted: page.records.refresh()
        onChanged: page.records.refresh()
    }
    RetentionDialog {
        id: retentionDialog
        retention: recordRetention
        canHold: teams.canManageOrganization
        hostWindow: page.Window.window
        parent: Overlay.overlay
    }
    TitleDialog {
        id: titleDialog
        records: page.records
        parent: Overlay.overlay
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Choose files to upload")
        fileMode: FileDialog.OpenFiles
        onAccepted: page.uploads.enqueue(selectedFiles)
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

            Label {
                text: qsTr("Records")
                font.pointSize: Style.fontSizeTitle
                font.bold: true
                color: Style.textColor
            }
            Label {
                objectName: "recordCountLabel"
                Layout.leftMargin: Style.spacing
                visible: page.records.loaded && page.records.count > 0
                text: page.records.count === 1 ? qsTr("1 record")
                                               : qsTr("%1 records").arg(page.records.count)
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSize
            }
            BusyIndicator {
                running: page.records.busy
                visible: running
                Layout.preferredWidth: 24
                Layout.preferredHeight: 24
                Accessible.name: qsTr("Loading records")
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: Style.spacingMedium
                text: page.records.status
                elide: Text.ElideRight
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSizeSmall
            }

            AppButton {
                objectName: "uploadButton"
                text: qsTr("Upload files…")
                primary: true
                Accessible.name: qsTr("Upload files")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Files are scanned for malware before they are sent")
                onClicked: page.chooseFiles()
            }
            AppButton {
                objectName: "syncButton"
                text: qsTr("Sync")
                enabled: !page.records.busy
                Accessible.name: qsTr("Sync records with the server")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Save every record on this computer for offline use")
                onClicked: page.records.sync()
            }
            AppButton {
                objectName: "auditButton"
                Layout.leftMargin: Style.spacingMedium
                text: qsTr("Audit")
                flat: true
                Accessible.name: qsTr("Audit log: who did what, and when")
                onClicked: page.auditRequested()
            }
            AppButton {
                objectName: "adminButton"
                Layout.leftMargin: Style.spacingMedium
                visible: teams.canManageOrganization
                text: qsTr("Teams")
                flat: true
                Accessible.name: qsTr("Teams, members, roles and invitations")
                onClicked: page.adminRequested()
            }
            AppButton {
                objectName: "settingsButton"
                Layout.leftMargin: Style.spacingMedium
                text: qsTr("Settings")
                flat: true
                Accessible.name: qsTr("Account settings")
                onClicked: page.settingsRequested()
            }
            AppButton {
                objectName: "signOutButton"
                Layout.leftMargin: Style.spacingMedium
                text: qsTr("Sign out")
                enabled: !page.uploads.busy && !page.controller.busy
                Accessible.name: qsTr("Sign out")
                ToolTip.visible: hovered && page.uploads.busy
                ToolTip.text: qsTr("Wait for the uploads to finish")
                onClicked: page.controller.signOut()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Style.pageMargin
        spacing: Style.spacingLarge

        MessageBanner {
            Layout.fillWidth: true
            kind: MessageBanner.Error
            text: page.records.errorString
            closable: true
            onClosed: page.records.clearError()
        }
        MessageBanner {
            Layout.fillWidth: true
            kind: MessageBanner.Error
            text: page.uploads.errorString
            closable: true
            onClosed: page.uploads.clearError()
        }
        // The outcome of a deletion confirmed from a row, whose retention dialog stays closed.
        MessageBanner {
            Layout.fillWidth: true
            kind: MessageBanner.Error
            text: retentionDialog.visible ? "" : recordRetention.errorString
            closable: true
            onClosed: recordRetention.clearMessages()
        }
        MessageBanner {
            Layout.fillWidth: true
            kind: MessageBanner.Success
            text: retentionDialog.visible ? "" : recordRetention.status
            closable: true
            onClosed: recordRetention.clearMessages()
        }
        MessageBanner {
            Layout.fillWidth: true
            kind: MessageBanner.Error
            text: page.controller.errorString
            closable: true
            onClosed: page.controller.clearError()
        }

        // Search: the server matches the text, title and file name of the records; offline,
        // the model searches titles and file names only and says so in searchNote.
        RowLayout {
            objectName: "searchRow"
            Layout.fillWidth: true
            spacing: Style.spacing

            AppTextField {
                id: searchField
                objectName: "searchField"
                Layout.preferredWidth: 360
                placeholderText: qsTr("Search records by content, title or file name")
                Accessible.name: qsTr("Search records")
                // A query may contain a patient's name.
                echoMode: PrivacyMode.masking ? TextInput.Password : TextInput.Normal
                // Searches once the user pauses typing, or at once on Enter.
                onTextEdited: searchTimer.restart()
                onAccepted: {
                    searchTimer.stop();
                    page.records.search(text);
                }
                Keys.onEscapePressed: {
                    searchTimer.stop();
                    clear();
                    page.records.search("");
                }
                Connections {
                    target: page.records
                    // The model forgets the query on sign-out and on a new session.
                    function onSearchTextChanged() {
                        if (page.records.searchText === "" && searchField.text.trim() !== ""
                                && !searchTimer.running)
                            searchField.clear();
                    }
                }
            }
            Timer {
                id: searchTimer
                interval: 300
                onTriggered: page.records.search(searchField.text)
            }
            AppButton {
                objectName: "clearSearchButton"
                visible: searchField.text !== ""
                text: qsTr("Clear")
                flat: true
                Accessible.name: qsTr("Clear the search and show all records")
                onClicked: {
                    searchTimer.stop();
                    searchField.clear();
                    page.records.search("");
                }
            }
            Label {
                objectName: "searchNoteLabel"
                Layout.fillWidth: true
                visible: text !== ""
                text: page.records.searchNote
                wrapMode: Text.Wrap
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSizeSmall
            }
            Item {
                Layout.fillWidth: true
                visible: page.records.searchNote === ""
            }
        }

        // Where the next uploads go and who sees them.
        RowLayout {
            objectName: "uploadOptions"
            Layout.fillWidth: true
            spacing: Style.spacing
            visible: teams.loaded

            Label {
                text: qsTr("Upload into")
                color: Style.secondaryTextColor
            }
            ComboBox {
                id: uploadTeamBox
                objectName: "uploadTeamBox"
                Layout.preferredWidth: 220
                model: teams.uploadTeams
                textRole: "name"
                valueRole: "id"
                enabled: count > 0
                displayText: count === 0 ? qsTr("No team allows uploads")
                             : currentIndex < 0 ? qsTr("Choose a team") : currentText
                // `count` makes the binding run again when the list of teams is replaced.
                currentIndex: count >= 0 ? indexOfValue(page.uploads.teamId) : -1
                onActivated: page.uploads.teamId = currentValue
                Accessible.name: qsTr("Team to upload into")
            }
            Label {
                Layout.leftMargin: Style.spacingMedium
                text: qsTr("visible to")
                color: Style.secondaryTextColor
            }
            ComboBox {
                id: uploadSharingBox
                objectName: "uploadSharingBox"
                Layout.preferredWidth: 220
                model: [
                    { value: "private", text: qsTr("Only me") },
                    { value: "team", text: qsTr("Everyone in the team") }
                ]
                textRole: "text"
                valueRole: "value"
                currentIndex: indexOfValue(page.uploads.sharing)
                onActivated: page.uploads.sharing = currentValue
                Accessible.name: qsTr("Who can open uploaded files")
            }
            Label {
                Layout.leftMargin: Style.spacingMedium
                visible: uploadTemplates.templates.length > 0
                text: qsTr("template")
                color: Style.secondaryTextColor
            }
            ComboBox {
                id: uploadTemplateBox
                objectName: "uploadTemplateBox"
                Layout.preferredWidth: 220
                visible: uploadTemplates.templates.length > 0
                model: [{ id: "", name: qsTr("No template"), sharing: "" }]
                       .concat(uploadTemplates.templates)
                textRole: "name"
                valueRole: "id"
                // `count` makes the binding run again when the list of templates is replaced.
                currentIndex: count >= 0 ? Math.max(0, indexOfValue(page.uploads.templateId))
                                         : 0
                // A template brings its sharing mode and retention period; the sharing stays
                // changeable afterwards.
                onActivated: (index) => {
                    const chosen = model[index];
                    page.uploads.templateId = chosen.id;
                    if (chosen.sharing.length > 0)
                        page.uploads.sharing = chosen.sharing;
                }
                Accessible.name: qsTr("Record template for uploaded files")
            }
            Item { Layout.fillWidth: true }
        }

        // Uploads: hidden until the first file is queued.
        Rectangle {
            objectName: "uploadPanel"
            Layout.fillWidth: true
            visible: page.uploads.count > 0
            implicitHeight: uploadColumn.implicitHeight
            color: Style.surfaceColor
            border.color: Style.borderColor
            radius: Style.radius
            clip: true

            ColumnLayout {
                id: uploadColumn
                anchors.left: parent.left
                anchors.right: parent.right
                spacing: 0

                RowLayout {
                    Layout.fillWidth: true
                    Layout.leftMargin: Style.spacingLarge
                    Layout.rightMargin: Style.spacing
                    Layout.topMargin: Style.spacing
                    Layout.bottomMargin: Style.spacingSmall

                    Label {
                        Layout.fillWidth: true
                        text: page.uploads.busy
                              ? qsTr("Uploads — %1 in progress").arg(page.uploads.pendingCount)
                              : qsTr("Uploads")
                        font.pointSize: Style.fontSize
                        font.bold: true
                        color: Style.textColor
                    }
                    AppButton {
                        objectName: "clearUploadsButton"
                        text: qsTr("Clear finished")
                        flat: true
                        enabled: page.uploads.count > page.uploads.pendingCount
                        font.pointSize: Style.fontSizeSmall
                        Accessible.name: qsTr("Clear finished uploads")
                        onClicked: page.uploads.clearFinished()
                    }
                }

                ListView {
                    id: uploadList
                    objectName: "uploadList"
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.min(contentHeight, Style.maxUploadListHeight)
                    Layout.bottomMargin: Style.spacingSmall
                    clip: true
                    model: page.uploads
                    // The newest upload is the one people watch.
                    onCountChanged: Qt.callLater(positionViewAtEnd)
                    boundsBehavior: Flickable.StopAtBounds
                    ScrollBar.vertical: ScrollBar {}
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Uploads")
                    delegate: UploadDelegate {
                        width: ListView.view.width
                    }
                }
            }
        }

        // The records list, with column headings, an empty state and a loading state.
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: Style.surfaceColor
            border.color: Style.borderColor
            radius: Style.radius
            clip: true

            ColumnLayout {
                anchors.fill: parent
                anchors.margins: Style.borderWidth
                spacing: 0
                visible: page.records.count > 0

                RowLayout {
                    Layout.fillWidth: true
                    Layout.preferredHeight: 36
                    Layout.leftMargin: Style.spacingLarge
                    Layout.rightMargin: Style.spacingLarge
                    spacing: Style.spacingMedium

                    Label {
                        Layout.fillWidth: true
                        Layout.leftMargin: Style.fileBadgeWidth + Style.spacingMedium
                        text: qsTr("Name")
                        font.pointSize: Style.fontSizeSmall
                        font.bold: true
                        color: Style.secondaryTextColor
                    }
                    Label {
                        Layout.preferredWidth: Style.teamColumnWidth
                        text: qsTr("Team and sharing")
                        font.pointSize: Style.fontSizeSmall
                        font.bold: true
                        color: Style.secondaryTextColor
                    }
                    Label {
                        Layout.preferredWidth: Style.sizeColumnWidth
                        horizontalAlignment: Text.AlignRight
                        text: qsTr("Size")
                        font.pointSize: Style.fontSizeSmall
                        font.bold: true
                        color: Style.secondaryTextColor
                    }
                    Label {
                        Layout.preferredWidth: Style.dateColumnWidth
                        horizontalAlignment: Text.AlignRight
                        text: qsTr("Added")
                        font.pointSize: Style.fontSizeSmall
                        font.bold: true
                        color: Style.secondaryTextColor
                    }
                    Item { Layout.preferredWidth: Style.recordActionsWidth }
                    Item { Layout.preferredWidth: Style.retentionActionsWidth }
                }
                Rectangle {
                    Layout.fillWidth: true
                    Layout.preferredHeight: Style.borderWidth
                    color: Style.borderColor
                }

                ListView {
                    id: recordList
                    objectName: "recordList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: page.records
                    keyNavigationEnabled: true
                    boundsBehavior: Flickable.StopAtBounds
                    ScrollBar.vertical: ScrollBar {}
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Records")
                    delegate: RecordDelegate {
                        width: ListView.view.width
                        onOpenRequested: (recordId, fileName) => page.openRecord(recordId, fileName)
                        onEditTitleRequested: (row) => titleDialog.edit(page.records.recordAt(row))
                        onShareRequested: (row) => page.showSharing(page.records.recordId(row))
                        onHistoryRequested: (row) => page.showAccessHistory(
                                                page.records.recordId(row))
                        onRetentionRequested: (row) => page.showRetention(row)
                        onDeleteRequested: (row) => page.confirmDelete(row)
                    }
                    Keys.onReturnPressed: {
                        if (currentIndex >= 0)
                            page.openRecord(page.records.recordId(currentIndex),
                                            page.records.fileName(currentIndex));
                    }
                }
            }

            ColumnLayout {
                objectName: "emptyState"
                anchors.centerIn: parent
                width: Math.min(parent.width - 2 * Style.pageMargin, 460)
                visible: page.records.loaded && page.records.count === 0
                         && page.records.searchText === ""
                spacing: Style.spacingMedium

                Rectangle {
                    Layout.alignment: Qt.AlignHCenter
                    Layout.bottomMargin: Style.spacing
                    implicitWidth: Style.emptyIconSize
                    implicitHeight: Style.emptyIconSize
                    radius: Style.emptyIconSize / 2
                    color: Style.accentTint

                    Label {
                        anchors.centerIn: parent
                        text: "\u2191"
                        color: Style.accentColor
                        font.pointSize: Style.fontSizeHero + 6
                        font.bold: true
                    }
                }
                Label {
                    Layout.fillWidth: true
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    text: qsTr("No records yet — upload a file or drop it here")
                    font.pointSize: Style.fontSizeLarge
                    color: Style.textColor
                }
                Label {
                    Layout.fillWidth: true
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    text: qsTr("PDFs, images and text files can be viewed here. Every file is "
                               + "scanned for malware before it leaves this computer.")
                    font.pointSize: Style.fontSize
                    color: Style.secondaryTextColor
                }
                AppButton {
                    Layout.alignment: Qt.AlignHCenter
                    Layout.topMargin: Style.spacing
                    primary: true
                    text: qsTr("Upload files…")
                    Accessible.name: qsTr("Upload files")
                    onClicked: page.chooseFiles()
                }
            }

            Label {
                objectName: "noMatchesLabel"
                anchors.centerIn: parent
                width: Math.min(parent.width - 2 * Style.pageMargin, 460)
                visible: page.records.loaded && !page.records.busy && page.records.count === 0
                         && page.records.searchText !== "" && page.records.errorString === ""
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("No records match the search. Check the spelling, or clear the "
                           + "search to see all records.")
                font.pointSize: Style.fontSizeLarge
                color: Style.textColor
            }

            ColumnLayout {
                anchors.centerIn: parent
                visible: !page.records.loaded && page.records.busy
                spacing: Style.spacing

                BusyIndicator {
                    Layout.alignment: Qt.AlignHCenter
                    running: parent.visible
                    Accessible.name: qsTr("Loading records")
                }
                Label {
                    text: qsTr("Loading records…")
                    color: Style.secondaryTextColor
                    font.pointSize: Style.fontSize
                }
            }
        }
    }
}
