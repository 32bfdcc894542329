#pragma once

#include <QByteArray>
#include <QString>

// Encoders for the parts of an RFC 5322 / MIME message. Every function returns 7-bit ASCII with
// CRLF line ends, so the message passes any SMTP relay unchanged.
namespace chartinsight::mail::mime {

// Recommended maximum length of a header or body line without its CRLF (RFC 5322 section 2.1.1).
inline constexpr qsizetype kMaxLineLength = 78;

// Encodes UTF-8 text as quoted-printable (RFC 2045 section 6.7). LF, CR and CRLF in `utf8`
// become CRLF hard line breaks, and soft breaks wrap lines at 76 characters. A "." or
// "From " at the start of an output line is encoded too, so neither SMTP dot-stuffing nor
// mbox "From " escaping can change the text.
QByteArray encodeQuotedPrintable(const QByteArray& utf8);

// Encodes an unstructured header value (such as a subject) for a header whose name and colon
// take `nameLength` characters. Short printable ASCII stays as it is. Anything else becomes
// RFC 2047 "B" encoded words in UTF-8, folded onto continuation lines of at most 78 characters.
// The value must not contain control characters.
QByteArray encodeUnstructured(const QString& value, qsizetype nameLength);

// Encodes a display name for an address header: a quoted string when it is printable ASCII,
// RFC 2047 encoded words otherwise. The value must not contain control characters.
QByteArray encodeDisplayName(const QString& name);

// Formats a date-time for the Date header (RFC 5322 section 3.3), in UTC:
// "Fri, 04 Dec 2026 15:27:14 +0000".
QByteArray formatDate(qint64 msecsSinceEpoch);

} // namespace chartinsight::mail::mime
