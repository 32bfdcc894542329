#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace chartinsight {

// Domain separation of the receipt signature: the server's receipt key signs nothing else, and
// a receipt signature can never be taken for a signature over other data.
inline constexpr char kReceiptSignaturePrefix[] = "chartinsight-deletion-receipt-v1\n";

// Returns the bytes an Ed25519 deletion receipt signature covers: kReceiptSignaturePrefix, then
// the receipt object as compact JSON with its keys sorted (QJsonDocument::Compact, which also
// writes whole numbers without a fraction). Every value the server puts into a receipt is ASCII,
// so another implementation reproduces these bytes without Qt.
QByteArray receiptSigningBytes(const QJsonObject& receipt);

} // namespace chartinsight
