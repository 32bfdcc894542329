#pragma once

#include "AccessViewModel.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// The retention actions on one record of the list: permanent deletion (with its signed
// receipt), the expiration date and the legal hold. The server checks every permission again.
class RecordRetention : public AccessViewModel
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(QString recordId READ recordId NOTIFY recordChanged)
    // Protected health information: views mark it as sensitive.
    Q_PROPERTY(QString fileName READ fileName NOTIFY recordChanged)
    Q_PROPERTY(QString expiryText READ expiryText NOTIFY recordChanged)
    // The expiration in local time as the dialog's text field shows it, "YYYY-MM-DD HH:MM";
    // empty when the record does not expire.
    Q_PROPERTY(QString expiryInput READ expiryInput NOTIFY recordChanged)
    Q_PROPERTY(bool legalHold READ legalHold NOTIFY recordChanged)
    Q_PROPERTY(bool canDelete READ canDelete NOTIFY recordChanged)
    Q_PROPERTY(bool canEditExpiry READ canEditExpiry NOTIFY recordChanged)
    // What deleting removes, for the confirmation dialog.
    Q_PROPERTY(QString removalText READ removalText NOTIFY recordChanged)
    // The signed receipt of the last deletion, as JSON text; empty before one.
    Q_PROPERTY(QString receipt READ receipt NOTIFY receiptChanged)

public:
    explicit RecordRetention(QObject* parent = nullptr);

    QString recordId() const { return m_recordId; }
    QString fileName() const { return m_fileName; }
    QString expiryText() const;
    QString expiryInput() const;
    bool legalHold() const { return m_legalHold; }
    bool canDelete() const { return m_canDelete; }
    bool canEditExpiry() const { return m_canEditExpiry; }
    QString removalText() const;
    QString receipt() const;

    // Shows `record`, a row of RecordListModel::recordAt() ("recordId", "fileName",
    // "expiresAt", "legalHold", "canDelete", "canEdit").
    Q_INVOKABLE void open(const QVariantMap& record);
    // Erases the record on the server. With a local file URL, the signed receipt is written
    // there. Emits deleted() on success.
    Q_INVOKABLE void deleteRecord(const QUrl& receiptUrl = QUrl());
    // Writes the receipt of the last deletion to a local file URL.
    Q_INVOKABLE bool saveReceipt(const QUrl& fileUrl);
    // Returns why `text` is not a valid expiration, or an empty string when it is.
    Q_INVOKABLE QString validateExpiry(const QString& text) const;
    // Sets the expiration to `text` (see validateExpiry); an empty text removes it. Emits
    // changed() on success.
    Q_INVOKABLE void setExpiry(const QString& text);
    // Sets or clears the legal hold (needs manage_organization). Emits changed() on success.
    Q_INVOKABLE void setLegalHold(bool hold);

signals:
    void recordChanged();
    void receiptChanged();
    void deleted(const QString& recordId);
    void changed(const QString& recordId);

protected:
    void reset() override;

private:
    void applyRecord(const QJsonObject& record);

    QString m_recordId;
    QString m_fileName;
    QDateTime m_expiresAt;
    bool m_legalHold = false;
    bool m_canDelete = false;
    bool m_canEditExpiry = false;
    QJsonObject m_receipt;
};

} // namespace chartinsight::ui
