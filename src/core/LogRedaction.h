#pragma once

#include <QString>

namespace chartinsight {

// Text that replaces a masked value in a log line.
inline constexpr char kLogMask[] = "***";
// Maximum length of one log message in characters; longer messages are cut at a word boundary
// and end with "... (N more characters)".
inline constexpr qsizetype kMaxLogMessageChars = 4000;

// Masks secrets and personal data in a log message. This is the one redaction step of every
// log line of the server, the CLI and the desktop app; the message handler of Logging.h calls
// it once per message. It masks, with kLogMask:
// - in URLs (absolute, or a path followed by a query): the userinfo, every query value and the
//   fragment, while the scheme, host, path and query keys stay; file: URLs lose their path;
// - values of keys that name a secret (password, token, code, secret, key, state, signature,
//   session, cookie and names ending in one of them): `key=value`, `"key": "value"` and the
//   Authorization, Cookie and Set-Cookie header lines;
// - "Bearer TOKEN", JWT-like strings (eyJ...), e-mail addresses (also with %40), runs of 32 or
//   more hex digits, and runs of 32 or more base64 characters that mix upper case, lower case
//   and digits (UUIDs stay, because they are lower-case hex with dashes);
// - file names with a document or image extension, keeping the extension ("***.pdf").
// Names, titles and other free text cannot be recognised, so call sites log ids instead.
QString redactLogMessage(const QString& message);

// Returns `text` with CR, LF and other control characters escaped as \xNN, so that a value
// taken from a request cannot forge a second log line.
QString escapeForLog(const QString& text);

} // namespace chartinsight
