#include "RecordRetention.h"

#include "RetentionText.h"
#include "UiLogging.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace chartinsight::ui {

RecordRetention::RecordRetention(QObject* parent) : AccessViewModel(parent) {}

QString RecordRetention::expiryText() const
{
    const QString countdown =
        RetentionText::countdown(m_expiresAt, m_legalHold, QDateTime::currentDateTimeUtc());
    return countdown.isEmpty() ? tr("Kept until deleted") : countdown;
}

QString RecordRetention::expiryInput() const
{
    if (!m_expiresAt.isValid())
        return {};
    return m_expiresAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString RecordRetention::removalText() const
{
    return tr("This permanently removes the file, its preview and extracted text, its title, "
              "sharing and retention settings, and destroys its encryption key, so copies in "
              "backups become unreadable. Offline copies on other computers are removed at "
              "their next sync. The audit trail keeps the record's entries. This cannot be "
              "undone.");
}

QString RecordRetention::receipt() const
{
    if (m_receipt.isEmpty())
        return {};
    return QString::fromUtf8(QJsonDocument(m_receipt).toJson(QJsonDocument::Indented));
}

void RecordRetention::open(const QVariantMap& record)
{
    clearMessages();
    m_recordId = record.value(QStringLiteral("recordId")).toString();
    m_fileName = record.value(QStringLiteral("fileName")).toString();
    m_expiresAt = record.value(QStringLiteral("expiresAt")).toDateTime();
    m_legalHold = record.value(QStringLiteral("legalHold")).toBool();
    m_canDelete = record.value(QStringLiteral("canDelete")).toBool();
    m_canEditExpiry = record.value(QStringLiteral("canEdit")).toBool();
    emit recordChanged();
}

void RecordRetention::applyRecord(const QJsonObject& record)
{
    const QJsonValue expires = record.value(QStringLiteral("expires_at"));
    m_expiresAt = expires.isString()
                      ? QDateTime::fromString(expires.toString(), Qt::ISODateWithMs)
                      : QDateTime();
    m_legalHold = record.value(QStringLiteral("legal_hold")).toBool();
    m_canDelete = record.value(QStringLiteral("can_delete")).toBool(m_canDelete);
    emit recordChanged();
}

void RecordRetention::deleteRecord(const QUrl& receiptUrl)
{
    client::ClientSession* client = session();
    if (!client || !isValidRecordId(m_recordId))
        return;
    clearMessages();
    const QString recordId = m_recordId;
    track(client->deleteRecord(recordId), "deleting a record", tr("delete this record"),
          [this, recordId, receiptUrl](const QJsonValue& result) {
              m_receipt = result.toObject();
              emit receiptChanged();
              setStatus(tr("The record was deleted."));
              if (!receiptUrl.isEmpty())
                  saveReceipt(receiptUrl);
              emit deleted(recordId);
          });
}

bool RecordRetention::saveReceipt(const QUrl& fileUrl)
{
    if (m_receipt.isEmpty())
        return false;
    if (!fileUrl.isLocalFile()) {
        setErrorString(tr("The deletion receipt could not be saved to %1, which is not a file on "
                          "this computer. Choose a file in a local folder.")
                           .arg(fileUrl.toDisplayString()));
        return false;
    }
    QSaveFile file(fileUrl.toLocalFile());
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(m_receipt).toJson(QJsonDocument::Indented)) < 0 ||
        !file.commit()) {
        setErrorString(tr("The deletion receipt could not be saved to %1: %2. Choose another "
                          "folder; the receipt stays available until you close this window.")
                           .arg(fileUrl.toLocalFile(), file.errorString()));
        return false;
    }
    setStatus(tr("The record was deleted; its receipt is saved in %1.")
                  .arg(fileUrl.toLocalFile()));
    return true;
}

QString RecordRetention::validateExpiry(const QString& text) const
{
    if (text.trimmed().isEmpty())
        return {};
    QString error;
    RetentionText::parseExpiry(text, QDateTime::currentDateTimeUtc(), error);
    return error;
}

void RecordRetention::setExpiry(const QString& text)
{
    client::ClientSession* client = session();
    if (!client || !isValidRecordId(m_recordId))
        return;
    clearMessages();
    QDateTime expiresAt;
    if (!text.trimmed().isEmpty()) {
        QString error;
        expiresAt = RetentionText::parseExpiry(text, QDateTime::currentDateTimeUtc(), error);
        if (!expiresAt.isValid()) {
            setErrorString(error);
            return;
        }
    }
    const QString recordId = m_recordId;
    track(client->setExpiry(recordId, expiresAt), "setting a record's expiration",
          tr("change the expiration date"), [this, recordId](const QJsonValue& result) {
              applyRecord(result.toObject());
              setStatus(tr("The expiration date was saved."));
              emit changed(recordId);
          });
}

void RecordRetention::setLegalHold(bool hold)
{
    client::ClientSession* client = session();
    if (!client || !isValidRecordId(m_recordId))
        return;
    clearMessages();
    const QString recordId = m_recordId;
    track(client->setLegalHold(recordId, hold), "setting a legal hold",
          hold ? tr("place the record under legal hold") : tr("lift the legal hold"),
          [this, recordId, hold](const QJsonValue& result) {
              applyRecord(result.toObject());
              setStatus(hold ? tr("The record is under legal hold and will not be erased.")
                             : tr("The legal hold was lifted."));
              emit changed(recordId);
          });
}

void RecordRetention::reset()
{
    m_recordId.clear();
    m_fileName.clear();
    m_expiresAt = QDateTime();
    m_legalHold = false;
    m_canDelete = false;
    m_canEditExpiry = false;
    m_receipt = QJsonObject();
    emit recordChanged();
    emit receiptChanged();
}

} // namespace chartinsight::ui
