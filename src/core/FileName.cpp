#include "FileName.h"

#include "ErrorCodes.h"

#include <QRegularExpression>
#include <QStringList>

namespace chartinsight {
namespace {

bool isForbiddenCharacter(QChar c)
{
    const char16_t u = c.unicode();
    if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0))
        return true; // C0, DEL, C1 control characters
    // Bidirectional overrides and isolates can make "gpj.exe" display as "exe.jpg".
    if ((u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069) || u == 0x200e || u == 0x200f)
        return true;
    return false;
}

bool isWindowsReservedName(const QString& name)
{
    static const QRegularExpression reserved(
        QStringLiteral("^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\\$|CONOUT\\$)(\\..*)?$"),
        QRegularExpression::CaseInsensitiveOption);
    return reserved.match(name).hasMatch();
}

QString truncateUtf8(const QString& text, int maxBytes)
{
    QString result;
    int bytes = 0;
    for (int i = 0; i < text.size(); ++i) {
        const bool pair = text.at(i).isHighSurrogate() && i + 1 < text.size();
        const QString unit = pair ? text.mid(i, 2) : text.mid(i, 1);
        const int unitBytes = int(unit.toUtf8().size());
        if (bytes + unitBytes > maxBytes)
            break;
        result += unit;
        bytes += unitBytes;
        if (pair)
            ++i;
    }
    return result;
}

} // namespace

Result<QString> sanitizeFileName(const QString& untrusted)
{
    QString name = untrusted;
    const qsizetype lastSeparator = std::max(name.lastIndexOf(u'/'), name.lastIndexOf(u'\\'));
    if (lastSeparator >= 0)
        name = name.mid(lastSeparator + 1);

    QString cleaned;
    cleaned.reserve(name.size());
    for (const QChar c : std::as_const(name)) {
        if (isForbiddenCharacter(c))
            continue;
        if (QStringView(u"<>:\"|?*").contains(c))
            cleaned += u'_';
        else
            cleaned += c;
    }

    // Windows strips trailing dots and spaces, so "a.pdf. " and "a.pdf" would collide there.
    cleaned = cleaned.trimmed();
    while (cleaned.endsWith(u'.') || cleaned.endsWith(u' '))
        cleaned.chop(1);

    if (cleaned.isEmpty() || cleaned == u"." || cleaned == u"..") {
        return makeError(QString::fromLatin1(errc::kInvalidFilename),
                         QStringLiteral("The file name is empty or has no usable characters; "
                                        "rename the file and upload it again."));
    }

    if (isWindowsReservedName(cleaned))
        cleaned.prepend(u'_');

    if (cleaned.toUtf8().size() > kMaxFileNameBytes) {
        const qsizetype dot = cleaned.lastIndexOf(u'.');
        QString extension = dot > 0 ? cleaned.mid(dot) : QString();
        if (extension.toUtf8().size() > 16)
            extension.clear();
        const QString stem = dot > 0 && !extension.isEmpty() ? cleaned.left(dot) : cleaned;
        cleaned = truncateUtf8(stem, kMaxFileNameBytes - int(extension.toUtf8().size())) + extension;
    }
    return cleaned;
}

} // namespace chartinsight
