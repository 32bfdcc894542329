#include "MimeEncoding.h"

#include <QDateTime>
#include <QList>
#include <QLocale>
#include <QTimeZone>

namespace chartinsight::mail::mime {
namespace {

// Maximum encoded line length of quoted-printable (RFC 2045 section 6.7, rule 5).
constexpr qsizetype kMaxQuotedPrintableLine = 76;

// UTF-8 bytes per encoded word. 42 bytes give 56 base64 characters, so "=?UTF-8?B?...?=" has
// 68 characters and fits a 78-character line after "Subject: ".
constexpr qsizetype kEncodedWordBytes = 42;

const QByteArray kFoldingBreak = QByteArrayLiteral("\r\n ");

QList<QByteArray> splitLines(const QByteArray& text)
{
    QList<QByteArray> lines;
    QByteArray current;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (c == '\r' || c == '\n') {
            lines.append(current);
            current.clear();
            if (c == '\r' && i + 1 < text.size() && text.at(i + 1) == '\n')
                ++i;
        } else {
            current.append(c);
        }
    }
    lines.append(current);
    return lines;
}

// Returns the encoded form of line[index]: the byte itself, or "=XX".
QByteArray quotedPrintableToken(const QByteArray& line, qsizetype index, bool atLineStart,
                                bool atLineEnd)
{
    const auto c = uchar(line.at(index));
    bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !atLineEnd);
    if (atLineStart && (c == '.' || line.mid(index, 5) == "From "))
        literal = false;
    if (literal)
        return QByteArray(1, char(c));
    return '=' + QByteArray::number(c, 16).toUpper().rightJustified(2, '0');
}

void appendQuotedPrintableLine(QByteArray& out, const QByteArray& line)
{
    qsizetype column = 0;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const bool last = i + 1 == line.size();
        QByteArray token = quotedPrintableToken(line, i, column == 0, last);
        // Leave room for the "=" of a soft line break unless this token ends the line.
        const qsizetype limit = last ? kMaxQuotedPrintableLine : kMaxQuotedPrintableLine - 1;
        if (column + token.size() > limit) {
            out += "=\r\n";
            column = 0;
            token = quotedPrintableToken(line, i, true, last);
        }
        out += token;
        column += token.size();
    }
}

bool isPrintableAscii(const QString& text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            return false;
    }
    return true;
}

// Splits `text` into UTF-8 chunks of at most kEncodedWordBytes without cutting a character.
QList<QByteArray> splitUtf8Chunks(const QString& text)
{
    QList<QByteArray> chunks;
    QByteArray current;
    for (qsizetype i = 0; i < text.size(); ++i) {
        qsizetype units = 1;
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            units = 2;
        const QByteArray character = text.mid(i, units).toUtf8();
        i += units - 1;
        if (current.size() + character.size() > kEncodedWordBytes) {
            chunks.append(current);
            current.clear();
        }
        current += character;
    }
    if (!current.isEmpty())
        chunks.append(current);
    return chunks;
}

// RFC 2047 "B" encoded words, one per line after the first.
QByteArray encodeWords(const QString& text)
{
    QByteArray out;
    const QList<QByteArray> chunks = splitUtf8Chunks(text);
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        if (i > 0)
            out += kFoldingBreak;
        out += "=?UTF-8?B?" + chunks.at(i).toBase64() + "?=";
    }
    return out;
}

} // namespace

QByteArray encodeQuotedPrintable(const QByteArray& utf8)
{
    QByteArray out;
    const QList<QByteArray> lines = splitLines(utf8);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i > 0)
            out += "\r\n";
        appendQuotedPrintableLine(out, lines.at(i));
    }
    return out;
}

QByteArray encodeUnstructured(const QString& value, qsizetype nameLength)
{
    // "=?" could be read as the start of an encoded word, so such text is encoded too.
    const bool plain = isPrintableAscii(value) && !value.contains(QLatin1String("=?")) &&
                       nameLength + 1 + value.size() <= kMaxLineLength;
    if (plain)
        return value.toLatin1();
    return encodeWords(value);
}

QByteArray encodeDisplayName(const QString& name)
{
    if (!isPrintableAscii(name))
        return encodeWords(name);
    QByteArray quoted = "\"";
    for (const QChar c : name) {
        if (c == u'"' || c == u'\\')
            quoted += '\\';
        quoted += char(c.unicode());
    }
    return quoted + '"';
}

QByteArray formatDate(qint64 msecsSinceEpoch)
{
    const QDateTime utc = QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, QTimeZone::utc());
    return QLocale::c().toString(utc, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss")).toLatin1() +
           " +0000";
}

} // namespace chartinsight::mail::mime
