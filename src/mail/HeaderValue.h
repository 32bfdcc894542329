#pragma once

#include "core/Result.h"

#include <QString>

// Checks for values that end up in a mail header or the SMTP envelope. Every error names the
// field (for example "the subject"), never the value, because addresses and subjects must not
// reach a log through an error message.
namespace chartinsight::mail::header {

// Maximum lengths from RFC 5321 section 4.5.3.1: a local part of 64 octets, and an address of
// 254, which is the 256-octet path limit minus the angle brackets.
inline constexpr qsizetype kMaxAddressLength = 254;
inline constexpr qsizetype kMaxLocalPartLength = 64;
inline constexpr qsizetype kMaxDomainLength = 253;
inline constexpr qsizetype kMaxMessageIdLength = 64;

// Rejects CR and LF (which would start a new header line: header injection) and the other
// control characters, which have no place in a header.
Result<void> checkNoControlCharacters(const QString& value, const QString& field);

// Accepts an ASCII addr-spec local@domain with a dot-atom local part (RFC 5322 section 3.4.1)
// and a host-name domain. Quoted local parts, address literals and internationalised
// addresses (SMTPUTF8) are rejected.
Result<void> checkAddress(const QString& address, const QString& field);

// Accepts a host name: dot-separated labels of ASCII letters, digits and hyphens.
Result<void> checkDomain(const QString& domain, const QString& field);

// Accepts a message id: 1 to 64 ASCII letters, digits and hyphens (a UUID). The id is the left
// part of the Message-ID header and the outbox file name, so it can never name another path.
Result<void> checkMessageId(const QString& messageId);

} // namespace chartinsight::mail::header
