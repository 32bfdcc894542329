import QtQuick
import QtQuick.Controls

// A label that shows protected health information (file names, record content). A privacy
// mode can find every item whose `sensitive` property is true and mask it.
Label {
    readonly property bool sensitive: true

    elide: Text.ElideMiddle
    textFormat: Text.PlainText
}
