#include "EmailAddress.h"

namespace chartinsight::server {

QString normaliseEmail(const QString& email)
{
    return email.trimmed().toLower();
}

bool isValidEmail(const QString& normalisedEmail)
{
    if (normalisedEmail.isEmpty() || normalisedEmail.size() > kMaxEmailLength)
        return false;
    for (const QChar c : normalisedEmail) {
        if (c.isSpace() || c.category() == QChar::Other_Control ||
            c.category() == QChar::Other_Format)
            return false;
    }
    const qsizetype at = normalisedEmail.indexOf(u'@');
    if (at <= 0 || at != normalisedEmail.lastIndexOf(u'@'))
        return false;
    const QString domain = normalisedEmail.mid(at + 1);
    return !domain.isEmpty() && !domain.startsWith(u'.') && !domain.endsWith(u'.');
}

} // namespace chartinsight::server
