#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace chartinsight {

// CSV output as RFC 4180 defines it (fields separated by ',', records ended by CRLF, quotes
// doubled inside quoted fields), made safe to open in spreadsheet applications. The server's
// report exports and every client that writes CSV use this one writer.
//
// Spreadsheets (LibreOffice Calc, Excel) evaluate a cell whose text starts with '=', '+', '-'
// or '@' as a formula, and some skip a leading TAB, CR or LF or leading spaces before they
// decide. A text cell that starts with one of these characters, also after leading spaces,
// therefore gets a single "'" in front, which the spreadsheet shows as text instead of running.
class CsvWriter
{
public:
    // Returns `text` with "'" in front when a spreadsheet could take it as a formula.
    static QString neutralized(const QString& text);

    // Returns one text field: neutralized, in double quotes, inner quotes doubled. Line breaks
    // stay inside the quotes, so a field never ends its record.
    static QByteArray textField(const QString& text);

    // Returns one number field, unquoted: a number is never a formula.
    static QByteArray numberField(qint64 value);

    // Returns a whole record: the text fields joined by ',' and ended by CRLF.
    static QByteArray textRecord(const QStringList& fields);

    // Returns a record from fields that are already encoded (textField, numberField).
    static QByteArray record(const QList<QByteArray>& encodedFields);
};

} // namespace chartinsight
