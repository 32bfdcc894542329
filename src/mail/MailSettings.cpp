#include "MailSettings.h"

#include "mail/HeaderValue.h"
#include "mail/MailErrors.h"

namespace chartinsight::mail {
namespace {

constexpr qsizetype kMaxFromNameLength = 100;

Error invalidSettings(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kInvalidMailSettings), message);
}

} // namespace

Result<void> MailSettings::validate() const
{
    if (auto checked = header::checkAddress(fromAddress, QStringLiteral("sender address"));
        !checked) {
        return invalidSettings(checked.error().message);
    }
    if (auto checked = header::checkNoControlCharacters(fromName, QStringLiteral("sender name"));
        !checked) {
        return invalidSettings(checked.error().message);
    }
    if (fromName.size() > kMaxFromNameLength) {
        return invalidSettings(QStringLiteral("The sender name has %1 characters, more than the "
                                              "%2 allowed. Use a shorter name.")
                                   .arg(fromName.size())
                                   .arg(kMaxFromNameLength));
    }
    if (auto checked = header::checkDomain(messageIdDomain, QStringLiteral("Message-ID domain"));
        !checked) {
        return invalidSettings(checked.error().message);
    }
    return {};
}

} // namespace chartinsight::mail
