#include "HeaderValue.h"

#include "mail/MailErrors.h"

#include <QStringList>

namespace chartinsight::mail::header {
namespace {

constexpr qsizetype kMaxLabelLength = 63;

Error invalidMail(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kInvalidMail), message);
}

bool isAsciiLetterOrDigit(char16_t c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
}

// atext of RFC 5322 section 3.2.3.
bool isAtext(char16_t c)
{
    return isAsciiLetterOrDigit(c) || QStringView(u"!#$%&'*+-/=?^_`{|}~").contains(QChar(c));
}

bool isDotAtom(const QString& text)
{
    if (text.isEmpty() || text.startsWith(u'.') || text.endsWith(u'.') ||
        text.contains(QLatin1String(".."))) {
        return false;
    }
    for (const QChar c : text) {
        if (c != u'.' && !isAtext(c.unicode()))
            return false;
    }
    return true;
}

bool isHostName(const QString& text)
{
    if (text.isEmpty() || text.size() > kMaxDomainLength)
        return false;
    const QStringList labels = text.split(u'.');
    for (const QString& label : labels) {
        if (label.isEmpty() || label.size() > kMaxLabelLength || label.startsWith(u'-') ||
            label.endsWith(u'-')) {
            return false;
        }
        for (const QChar c : label) {
            if (c != u'-' && !isAsciiLetterOrDigit(c.unicode()))
                return false;
        }
    }
    return true;
}

} // namespace

Result<void> checkNoControlCharacters(const QString& value, const QString& field)
{
    if (value.contains(u'\r') || value.contains(u'\n')) {
        return invalidMail(QStringLiteral("The %1 contains a line break (CR or LF), which would "
                                          "start a new mail header. Remove the line break.")
                               .arg(field));
    }
    for (const QChar c : value) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0) || u == 0x2028 || u == 0x2029) {
            return invalidMail(QStringLiteral("The %1 contains the control character U+%2. "
                                              "Remove it.")
                                   .arg(field)
                                   .arg(int(u), 4, 16, QLatin1Char('0')));
        }
    }
    return {};
}

Result<void> checkAddress(const QString& address, const QString& field)
{
    if (auto checked = checkNoControlCharacters(address, field); !checked)
        return checked;
    if (address.isEmpty())
        return invalidMail(QStringLiteral("The %1 is missing. Set an e-mail address.").arg(field));
    if (address.size() > kMaxAddressLength) {
        return invalidMail(QStringLiteral("The %1 has %2 characters, more than the %3 that SMTP "
                                          "allows. Use a shorter address.")
                               .arg(field)
                               .arg(address.size())
                               .arg(kMaxAddressLength));
    }

    const qsizetype at = address.lastIndexOf(u'@');
    const QString localPart = at < 0 ? QString() : address.left(at);
    const QString domain = at < 0 ? QString() : address.mid(at + 1);
    if (localPart.size() > kMaxLocalPartLength || !isDotAtom(localPart) || !isHostName(domain)) {
        return invalidMail(
            QStringLiteral("The %1 is not a valid e-mail address. Use the form local@domain in "
                           "ASCII: letters, digits and !#$%&'*+-/=?^_`{|}~ separated by single "
                           "dots before the @, a host name after it. Quoted local parts and "
                           "internationalised addresses are not supported.")
                .arg(field));
    }
    return {};
}

Result<void> checkDomain(const QString& domain, const QString& field)
{
    if (auto checked = checkNoControlCharacters(domain, field); !checked)
        return checked;
    if (!isHostName(domain)) {
        return invalidMail(QStringLiteral("The %1 is not a valid host name. Use dot-separated "
                                          "labels of ASCII letters, digits and hyphens, for "
                                          "example clinic.example.")
                               .arg(field));
    }
    return {};
}

Result<void> checkMessageId(const QString& messageId)
{
    bool valid = !messageId.isEmpty() && messageId.size() <= kMaxMessageIdLength;
    for (const QChar c : messageId)
        valid = valid && (c == u'-' || isAsciiLetterOrDigit(c.unicode()));
    if (!valid) {
        return invalidMail(
            QStringLiteral("The message id \"%1\" is invalid. Use 1 to %2 ASCII "
                           "letters, digits and hyphens, for example a UUID.")
                .arg(messageId.left(kMaxMessageIdLength), QString::number(kMaxMessageIdLength)));
    }
    return {};
}

} // namespace chartinsight::mail::header
