#pragma once

#include <QByteArray>
#include <QString>

namespace chartinsight::crypto {

// Returns `count` bytes from OpenSSL's CSPRNG (RAND_bytes). Aborts the process when the CSPRNG
// fails, because no caller can continue safely without randomness.
QByteArray randomBytes(qsizetype count);

// Returns a random version 4 UUID in canonical lower-case form without braces.
QString randomUuid();

// Returns a 256-bit random token encoded as unpadded base64url (43 characters).
QString randomToken();

} // namespace chartinsight::crypto
