#include "PasswordPolicy.h"

#include "core/ErrorCodes.h"

#include <QList>

#include <zxcvbn.h>

#include <cmath>

namespace chartinsight::server {
namespace {

Error weakPassword(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kWeakPassword), message);
}

} // namespace

Result<void> PasswordPolicy::check(const QString& password, const QString& normalisedEmail)
{
    const qsizetype length = password.toUcs4().size();
    if (length < kMinLength) {
        return weakPassword(QStringLiteral("The password is too short: it has %1 characters and "
                                           "needs at least %2. Use a longer one, for example four "
                                           "or more unrelated words.")
                                .arg(length)
                                .arg(kMinLength));
    }
    if (length > kMaxLength) {
        return weakPassword(QStringLiteral("The password is too long: it has %1 characters and "
                                           "may have at most %2. Use a shorter one.")
                                .arg(length)
                                .arg(kMaxLength));
    }
    for (const QChar c : password) {
        if (c.category() == QChar::Other_Control) {
            const QString codePoint =
                QStringLiteral("%1").arg(int(c.unicode()), 4, 16, QLatin1Char('0')).toUpper();
            return weakPassword(QStringLiteral("The password contains the control character "
                                               "U+%1, which cannot be typed reliably. Use only "
                                               "printable characters.")
                                    .arg(codePoint));
        }
    }

    const QString localPart = normalisedEmail.section(u'@', 0, 0);
    if (localPart.size() >= kMinLocalPartLength &&
        password.contains(localPart, Qt::CaseInsensitive)) {
        return weakPassword(QStringLiteral("The password contains the e-mail address's local part "
                                           "(before the @). Choose a password without your name "
                                           "or address."));
    }

    const QByteArray utf8 = password.toUtf8();
    const QByteArray localUtf8 = localPart.toUtf8();
    const QByteArray emailUtf8 = normalisedEmail.toUtf8();
    const char* userWords[] = {localUtf8.constData(), emailUtf8.constData(), nullptr};
    const double bits = ZxcvbnMatch(utf8.constData(), userWords, nullptr);
    if (bits < kMinEntropyBits) {
        const double guessesLog10 = bits * std::log10(2.0);
        return weakPassword(
            QStringLiteral("The password is too easy to guess (about 10^%1 guesses; "
                           "at least 10^8 are needed). Add more unrelated words "
                           "or characters, and avoid names, dates, repeats and "
                           "keyboard patterns.")
                .arg(guessesLog10, 0, 'f', 1));
    }
    return {};
}

int PasswordPolicy::score(const QString& password, const QString& normalisedEmail)
{
    const QByteArray utf8 = password.toUtf8();
    const QByteArray localUtf8 = normalisedEmail.section(u'@', 0, 0).toUtf8();
    const QByteArray emailUtf8 = normalisedEmail.toUtf8();
    const char* userWords[] = {localUtf8.constData(), emailUtf8.constData(), nullptr};
    const double guessesLog10 = ZxcvbnMatch(utf8.constData(), userWords, nullptr) * std::log10(2.0);
    // zxcvbn's score thresholds: 10^3, 10^6, 10^8 and 10^10 guesses.
    if (guessesLog10 < 3)
        return 0;
    if (guessesLog10 < 6)
        return 1;
    if (guessesLog10 < 8)
        return 2;
    if (guessesLog10 < 10)
        return 3;
    return 4;
}

} // namespace chartinsight::server
