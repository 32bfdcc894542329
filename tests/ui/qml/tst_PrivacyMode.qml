import QtQuick
import QtTest

import ChartInsight.Ui
import ChartInsight.Desktop

// Privacy mode and the idle lock mask record titles, file names and e-mail addresses in the
// labels and in the accessible names, and unmask them when both end.
TestCase {
    id: testCase

    name: "PrivacyMode"
    width: 900
    height: 200
    visible: true
    when: windowShown

    readonly property string fileName: "Roe-Jane-knee-MRI.pdf"
    readonly property string title: "Jane Roe knee MRI"
    readonly property string email: "jane.roe@clinic.test"

    Component {
        id: rowComponent

        RecordDelegate {}
    }
    Component {
        id: emailComponent

        SensitiveLabel {
            sensitiveText: testCase.email
        }
    }

    function init() {
        PrivacyMode.enabled = false;
        PrivacyMode.locked = false;
    }
    function cleanup() {
        PrivacyMode.enabled = false;
        PrivacyMode.locked = false;
    }

    // The row's required properties, as the records list sets them. A property the row does not
    // have (yet) only causes a warning.
    function createRow() {
        const row = createTemporaryObject(rowComponent, testCase, {
            width: testCase.width,
            index: 0,
            recordId: "5d1c0c8e-6b6f-4c55-9a4e-2f1f3c1f9a10",
            fileName: testCase.fileName,
            sizeText: "200 KB",
            createdText: "today",
            title: testCase.title,
            teamName: "General",
            sharingText: "Private",
            canEdit: true,
            canShare: true,
            expiryText: "",
            legalHold: false,
            canDelete: true,
            hasPreview: false,
            thumbnail: ""
        });
        verify(row !== null, "the record row could not be created");
        return row;
    }

    function child(item, name) {
        const found = findChild(item, name);
        verify(found !== null, "no item named " + name);
        return found;
    }

    function test_valuesShowWithoutPrivacyMode() {
        const row = createRow();
        const email = createTemporaryObject(emailComponent, testCase);
        compare(PrivacyMode.masking, false);
        compare(child(row, "recordTitle").text, title);
        compare(child(row, "recordFileName").text, fileName);
        compare(email.text, testCase.email);
        verify(row.Accessible.name.indexOf(fileName) >= 0, row.Accessible.name);
    }

    function test_privacyModeMasksValues() {
        const row = createRow();
        const email = createTemporaryObject(emailComponent, testCase);
        PrivacyMode.enabled = true;

        compare(PrivacyMode.masking, true);
        compare(child(row, "recordTitle").text, PrivacyMode.maskedText);
        compare(child(row, "recordFileName").text, PrivacyMode.maskedText);
        compare(email.text, PrivacyMode.maskedText);
        compare(email.Accessible.name, PrivacyMode.maskedText);
        verify(row.Accessible.name.indexOf(fileName) < 0, row.Accessible.name);
        verify(row.Accessible.name.indexOf(PrivacyMode.maskedText) >= 0, row.Accessible.name);

        PrivacyMode.enabled = false;
        compare(child(row, "recordTitle").text, title);
        compare(email.text, testCase.email);
    }

    function test_lockMasksValues() {
        const row = createRow();
        const email = createTemporaryObject(emailComponent, testCase);
        PrivacyMode.locked = true;

        compare(PrivacyMode.enabled, false);
        compare(PrivacyMode.masking, true);
        compare(child(row, "recordFileName").text, PrivacyMode.maskedText);
        compare(email.text, PrivacyMode.maskedText);

        PrivacyMode.locked = false;
        compare(child(row, "recordFileName").text, fileName);
    }

    function test_maskHidesLength() {
        PrivacyMode.enabled = true;
        compare(PrivacyMode.display("a"), PrivacyMode.display(fileName));
        compare(PrivacyMode.display(email), PrivacyMode.maskedText);
    }
}
