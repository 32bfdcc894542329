#pragma once

#include "core/Result.h"

#include <QString>
#include <QStringList>

namespace chartinsight::crypto {

// Creates a self-signed ECDSA P-256 certificate valid for `validDays` with the given subject
// alternative names (IP addresses and DNS names), writing PEM files. The key file is created
// with mode 0600. Existing files are never overwritten: both paths must not exist.
Result<void> createSelfSignedCertificate(const QString& certificatePath, const QString& keyPath,
                                         const QStringList& hostNames, int validDays);

// Returns the SHA-256 fingerprint of the DER encoding of the first certificate in a PEM file,
// as upper-case hex pairs separated by ':' (the form browsers and `openssl x509 -fingerprint`
// print).
Result<QString> certificateSha256Fingerprint(const QString& certificatePath);

} // namespace chartinsight::crypto
