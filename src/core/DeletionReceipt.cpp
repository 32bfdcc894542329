#include "DeletionReceipt.h"

#include <QJsonDocument>

namespace chartinsight {

QByteArray receiptSigningBytes(const QJsonObject& receipt)
{
    // QJsonObject keeps its keys sorted, so equal receipts serialise to equal bytes whatever
    // order a file listed them in.
    return QByteArray(kReceiptSignaturePrefix) +
           QJsonDocument(receipt).toJson(QJsonDocument::Compact);
}

} // namespace chartinsight
