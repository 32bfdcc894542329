#pragma once

#include "Result.h"

#include <QString>

namespace chartinsight {

// Maximum length of a display filename, in UTF-8 bytes. Most file systems allow 255 bytes per
// name, and the margin leaves room for a client to add " (2)" or a temporary suffix.
inline constexpr int kMaxFileNameBytes = 200;

// Turns a filename sent by a client into a safe display name, or rejects it.
// Filenames are metadata only and never become paths on the server. Clients write them to disk
// on download, though, so the result must be safe there too. The function keeps only the last
// path component (after '/' or '\') and drops control characters (C0, C1, DEL, and Unicode
// bidi overrides). It trims spaces and trailing dots, prefixes Windows reserved device names
// (CON, NUL, COM1, LPT1, ... with or without extension) with '_', and replaces characters that
// Windows forbids (<>:"|?*) with '_'. Finally it shortens the stem to kMaxFileNameBytes while
// keeping the extension. Returns an "invalid_filename" error when nothing usable is left
// ("", ".", "..").
Result<QString> sanitizeFileName(const QString& untrusted);

} // namespace chartinsight
