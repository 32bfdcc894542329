#pragma once

#include <QString>

namespace chartinsight::server {

// Longest accepted e-mail address in characters (the limit of SMTP's forward-path, RFC 5321).
inline constexpr int kMaxEmailLength = 254;

// Returns the form in which e-mail addresses are stored and compared: trimmed and lower-case,
// so " Alice@Example.Test " and "alice@example.test" name one account.
QString normaliseEmail(const QString& email);

// Checks the shape of a normalised address: one '@' with a non-empty local part and domain,
// no spaces or control characters, at most kMaxEmailLength characters. It does not check that
// the address can receive mail.
bool isValidEmail(const QString& normalisedEmail);

} // namespace chartinsight::server
