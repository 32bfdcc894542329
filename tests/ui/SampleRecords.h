#pragma once

#include <QByteArray>
#include <QString>

namespace chartinsight::test {

// Made-up records for the desktop tests, drawn with Qt so that no patient data is involved.
// Each needs a QGuiApplication (fonts and painting).

// A discharge summary of `pages` A4 pages, made with QPdfWriter.
QByteArray samplePdf(int pages = 2);
// A 640x480 grey-scale picture in the given format ("PNG" or "JPEG").
QByteArray sampleImage(const char* format = "PNG");
// A short laboratory report in UTF-8, with non-ASCII characters.
QByteArray sampleText();

// Writes `bytes` to `path`; returns false when the file cannot be written.
bool writeFile(const QString& path, const QByteArray& bytes);

} // namespace chartinsight::test
