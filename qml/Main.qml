import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

import ChartInsight.Ui
import ChartInsight.Desktop

// The main window: sign-in, e-mail code, records, viewer, settings, Users, Teams and Audit
// pages over one status bar, and the idle lock's screen above them all. main.cpp passes the
// SessionController as an initial property, and the other view models are created here.
ApplicationWindow {
    id: window

    required property SessionController controller
    // A link chartinsight://reset-password?token=T the app was started with, or empty.
    property string resetLink
    property bool viewing: false
    property bool showingSettings: false
    // The Teams page (teams, members, invitations, roles), reached from the records page.
    property bool showingAdmin: false
    // The Users page, reached from the settings page.
    property bool showingUsers: false
    // The Audit page, reached from the records page.
    property bool showingAudit: false
    // Idle lock time from the command line (--idle-lock-minutes); 0 uses the saved setting.
    property int idleLockMinutes: 0

    function openRecord(recordId, fileName) {
        viewer.open(recordId, fileName);
        viewing = true;
    }
    function closeViewer() {
        viewing = false;
        viewer.close();
    }

    width: 1120
    height: 740
    minimumWidth: 760
    minimumHeight: 540
    visible: true
    // No file name here: task bars, window lists and screen sharing show the title.
    title: "ChartInsight"
    color: Style.windowColor
    font.pointSize: Style.fontSize
    palette.highlight: Style.accentColor
    palette.highlightedText: Style.accentTextColor
    palette.window: Style.windowColor
    palette.base: Style.surfaceColor
    palette.text: Style.textColor
    palette.windowText: Style.textColor
    palette.buttonText: Style.textColor
    palette.placeholderText: Style.secondaryTextColor

    RecordListModel {
        id: records
        controller: window.controller
    }
    UploadQueue {
        id: uploads
        controller: window.controller
        onRecordUploaded: records.refresh()
    }
    RecordViewer {
        id: viewer
        controller: window.controller
    }
    IdleLock {
        id: idleLock
        objectName: "idleLock"
        controller: window.controller
    }
    // Sensitive values are masked while the window is locked, not only hidden.
    Binding {
        target: PrivacyMode
        property: "locked"
        value: idleLock.locked
    }
    Shortcut {
        sequence: "Ctrl+Shift+P"
        context: Qt.ApplicationShortcut
        onActivated: PrivacyMode.enabled = !PrivacyMode.enabled
    }
    AdminUsers {
        id: adminUsers
        objectName: "adminUsers"
        controller: window.controller
    }
    PasswordReset {
        id: passwordReset
        objectName: "passwordReset"
        controller: window.controller
        onResetCompleted: signInPage.notice = status
    }

    Connections {
        target: window.controller
        function onSignedInChanged() {
            window.viewing = false;
            window.showingSettings = false;
            window.showingAdmin = false;
            window.showingUsers = false;
            window.showingAudit = false;
            signInPage.notice = "";
            if (window.controller.signedIn)
                records.refresh();
        }
        function onCertificateUntrusted() {
            certificateDialog.open();
        }
    }

    StackLayout {
        id: pages
        anchors.fill: parent
        // While locked nothing below the lock screen is drawn, not even for a window grab.
        visible: !idleLock.locked
        currentIndex: window.controller.signedIn
                      ? (window.viewing ? 2 : window.showingAdmin ? 7 : window.showingAudit ? 8
                         : window.showingSettings ? (window.showingUsers ? 6 : 5) : 1)
                      : window.controller.mfaPending ? 3
                      : passwordReset.hasToken ? 4 : 0

        SignInPage {
            id: signInPage
            controller: window.controller
            onForgotPasswordRequested: (serverAddress, email) => {
                forgotPasswordDialog.serverAddress = serverAddress;
                forgotPasswordDialog.email = email;
                forgotPasswordDialog.open();
            }
        }
        RecordsPage {
            id: recordsPage
            controller: window.controller
            records: records
            uploads: uploads
            onOpenRecord: (recordId, fileName) => window.openRecord(recordId, fileName)
            onSettingsRequested: window.showingSettings = true
            onAdminRequested: window.showingAdmin = true
            onAuditRequested: window.showingAudit = true
        }
        ViewerPage {
            viewer: viewer
            canShare: records.recordById(viewer.recordId).canShare === true
            onShareRequested: recordsPage.showSharing(viewer.recordId)
            onBackRequested: window.closeViewer()
        }
        MfaPage {
            controller: window.controller
        }
        ResetPasswordPage {
            reset: passwordReset
        }
        SettingsPage {
            controller: window.controller
            idleLock: idleLock
            adminUsers: adminUsers
            onBackRequested: window.showingSettings = false
            onUsersRequested: window.showingUsers = true
        }
        UsersPage {
            controller: window.controller
            users: adminUsers
            onBackRequested: window.showingUsers = false
        }
        AdminPage {
            controller: window.controller
            onBackRequested: window.showingAdmin = false
        }
        AuditPage {
            controller: window.controller
            organizationWide: recordsPage.accountTeams.canManageOrganization
            onBackRequested: window.showingAudit = false
        }
    }

    // Files dropped anywhere on the window join the upload queue once signed in.
    DropArea {
        id: dropArea
        anchors.fill: parent
        enabled: window.controller.signedIn && !idleLock.locked
        keys: ["text/uri-list"]
        onDropped: (drop) => {
            if (!drop.hasUrls)
                return;
            uploads.enqueue(drop.urls);
            drop.acceptProposedAction();
            window.closeViewer();
        }
    }

    Rectangle {
        objectName: "dropOverlay"
        anchors.fill: parent
        anchors.margins: Style.spacingLarge
        visible: dropArea.containsDrag
        color: Style.dropOverlayColor
        radius: Style.radius * 2
        border.color: Style.accentColor
        border.width: 2

        Column {
            anchors.centerIn: parent
            spacing: Style.spacing

            Label {
                anchors.horizontalCenter: parent.horizontalCenter
                text: qsTr("Drop files to upload them")
                color: Style.accentColor
                font.pointSize: Style.fontSizeHero
                font.bold: true
            }
            Label {
                anchors.horizontalCenter: parent.horizontalCenter
                text: qsTr("Each file is scanned for malware before it is sent.")
                color: Style.secondaryTextColor
                font.pointSize: Style.fontSizeLarge
            }
        }
    }

    footer: StatusBar {
        controller: window.controller
    }

    ForgotPasswordDialog {
        id: forgotPasswordDialog
        reset: passwordReset
        parent: Overlay.overlay
    }

    CertificateDialog {
        id: certificateDialog
        controller: window.controller
        parent: Overlay.overlay
    }

    LockScreen {
        idleLock: idleLock
        parent: Overlay.overlay
    }

    // A reset link comes first: the page for the new password shows instead of a saved session.
    Component.onCompleted: {
        if (idleLockMinutes > 0)
            idleLock.idleMinutes = idleLockMinutes;
        if (resetLink.length > 0)
            passwordReset.openLink(resetLink);
        else
            controller.restoreSession();
    }
}
