import QtQuick
import QtTest

import ChartInsight.Ui
import ChartInsight.Desktop

// The sign-in page: the button follows the fields, and a failed sign-in shows its error.
TestCase {
    id: testCase

    name: "SignInPage"
    width: 900
    height: 700
    visible: true
    when: windowShown

    Component {
        id: pageComponent

        SignInPage {
            width: testCase.width
            height: testCase.height
            controller: SessionController {}
        }
    }

    function createPage() {
        const page = createTemporaryObject(pageComponent, testCase);
        verify(page !== null, "the sign-in page could not be created");
        return page;
    }

    function field(page, name) {
        const item = findChild(page, name);
        verify(item !== null, "no item named " + name);
        return item;
    }

    function test_buttonFollowsFields() {
        const page = createPage();
        const button = field(page, "signInButton");
        const email = field(page, "emailField");
        const password = field(page, "passwordField");
        const server = field(page, "serverField");
        server.text = "https://127.0.0.1:8443";

        compare(email.text, "");
        compare(password.text, "");
        compare(button.enabled, false, "enabled with both fields empty");

        email.text = "nurse@clinic.test";
        compare(button.enabled, false, "enabled without a password");

        password.text = "a password";
        compare(button.enabled, true, "disabled with both fields filled in");

        server.text = "";
        compare(button.enabled, false, "enabled without a server address");

        server.text = "https://127.0.0.1:8443";
        email.text = "   ";
        compare(button.enabled, false, "enabled with a blank e-mail address");
    }

    function test_passwordIsHidden() {
        const page = createPage();
        compare(field(page, "passwordField").echoMode, TextInput.Password);
    }

    function test_serverIsPrefilled() {
        const page = createPage();
        page.controller.serverUrl = "https://127.0.0.1:8443";
        compare(field(page, "serverField").text, "https://127.0.0.1:8443");
    }

    function test_invalidServerShowsError() {
        const page = createPage();
        field(page, "serverField").text = "ftp://records.clinic.test";
        field(page, "emailField").text = "nurse@clinic.test";
        field(page, "passwordField").text = "a password";
        const banner = field(page, "errorBanner");
        compare(banner.visible, false);

        mouseClick(field(page, "signInButton"));
        tryCompare(banner, "visible", true);
        const text = field(banner, "messageLabel").text;
        verify(text.indexOf("ftp://records.clinic.test") >= 0, text);
        verify(text.indexOf("https://host:port") >= 0, text);
    }

    function test_unreachableServerShowsError() {
        const page = createPage();
        // Port 1 on loopback: nothing listens there, so the connection is refused.
        field(page, "serverField").text = "https://127.0.0.1:1";
        field(page, "emailField").text = "nurse@clinic.test";
        field(page, "passwordField").text = "a password";
        mouseClick(field(page, "signInButton"));

        const banner = field(page, "errorBanner");
        tryCompare(banner, "visible", true, 60000);
        const text = field(banner, "messageLabel").text;
        verify(text.length > 0);
        compare(text, page.controller.errorString);
        compare(page.controller.signedIn, false);
        compare(field(page, "busyIndicator").visible, false);
        compare(field(page, "signInButton").enabled, true, "the button stays disabled");
    }
}
