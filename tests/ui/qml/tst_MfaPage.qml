import QtQuick
import QtTest

import ChartInsight.Ui
import ChartInsight.Desktop

// The e-mail code page: Verify follows the code field, and Resend follows the countdown.
TestCase {
    id: testCase

    name: "MfaPage"
    width: 900
    height: 700
    visible: true
    when: windowShown

    Component {
        id: pageComponent

        MfaPage {
            width: testCase.width
            height: testCase.height
            controller: SessionController {}
        }
    }

    function createPage() {
        const page = createTemporaryObject(pageComponent, testCase);
        verify(page !== null, "the code page could not be created");
        return page;
    }

    function field(page, name) {
        const item = findChild(page, name);
        verify(item !== null, "no item named " + name);
        return item;
    }

    function test_verifyNeedsSixDigits() {
        const page = createPage();
        const code = field(page, "codeField");
        const button = field(page, "verifyButton");
        compare(button.enabled, false, "enabled with an empty code");

        code.text = "12345";
        compare(button.enabled, false, "enabled with 5 digits");

        code.text = "123456";
        compare(button.enabled, true, "disabled with 6 digits");
    }

    function test_codeFieldTakesOnlyDigits() {
        const page = createPage();
        const code = field(page, "codeField");
        code.forceActiveFocus();
        keyClick(Qt.Key_1);
        keyClick(Qt.Key_A);
        keyClick(Qt.Key_2);
        compare(code.text, "12");
        for (let i = 0; i < 6; ++i)
            keyClick(Qt.Key_9);
        compare(code.text, "129999", "more than 6 digits accepted");
    }

    function test_resendShowsCountdown() {
        const page = createPage();
        const button = field(page, "resendButton");
        compare(button.enabled, true, "disabled without a wait");
        compare(button.text, "Resend code");

        page.controller.resendAvailableIn(42);
        compare(page.resendWait, 42);
        compare(button.text, "Resend code in 42 s");
        compare(button.enabled, false, "enabled during the wait");

        page.resendWait = 0;
        compare(button.text, "Resend code");
        compare(button.enabled, true, "disabled after the wait");
    }

    function test_countdownRunsDown() {
        const page = createPage();
        page.controller.resendAvailableIn(2);
        tryCompare(page, "resendWait", 0, 10000);
        compare(field(page, "resendButton").enabled, true);
    }

    function test_cancelStaysEnabled() {
        const page = createPage();
        compare(field(page, "cancelMfaButton").enabled, true);
    }
}
