#pragma once

#include "core/Result.h"

#include <QString>

namespace chartinsight::server {

// Rules for new passwords. Length counts Unicode code points.
class PasswordPolicy
{
public:
    static constexpr int kMinLength = 12;
    static constexpr int kMaxLength = 256;
    // zxcvbn's score 3 ("safely unguessable") starts at 10^8 guesses; zxcvbn-c returns
    // log2(guesses), so the floor is 8 * log2(10) bits.
    static constexpr double kMinEntropyBits = 26.575424759098897;
    // Local parts shorter than this are not searched for in the password: a one- or
    // two-letter local part would reject most passwords for containing a common letter pair.
    static constexpr int kMinLocalPartLength = 3;

    // Checks `password` for the account `normalisedEmail`. The error ("weak_password") names the
    // rule that failed and suggests a fix; it never repeats the password.
    static Result<void> check(const QString& password, const QString& normalisedEmail);

    // Returns zxcvbn's strength score from 0 (guessable in under 10^3 tries) to 4 (10^10 or
    // more), with the account's address as user-specific words, for a live strength meter.
    static int score(const QString& password, const QString& normalisedEmail);
};

} // namespace chartinsight::server
