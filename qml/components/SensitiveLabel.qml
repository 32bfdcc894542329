import QtQuick
import QtQuick.Controls

import ChartInsight.Ui

// A label for a value that identifies a patient or a person: a file name, record title,
// patient name or e-mail address. Set `sensitiveText`, not `text`: while PrivacyMode masks
// (privacy mode on, or the window locked), the label and its accessible name show the mask.
Label {
    property string sensitiveText
    readonly property bool sensitive: true

    text: PrivacyMode.masking ? PrivacyMode.maskedText : sensitiveText
    elide: Text.ElideMiddle
    textFormat: Text.PlainText
    Accessible.name: text
}
