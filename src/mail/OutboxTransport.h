#pragma once

#include "core/Result.h"
#include "mail/MailTransport.h"

#include <QString>

#include <memory>

namespace chartinsight::mail {

// Writes each message as one file MESSAGE_ID.eml in a folder instead of sending it: the
// development default of the server when no SMTP server is configured (DATA_DIR/outbox/).
// Open the files with any mail client, or read them in tests.
//
// The files contain sign-in codes and reset links in plain text, so the folder has mode 0700,
// each file 0600, and production servers configure SMTP instead. A file is written under a
// temporary name, synced and then renamed, so a reader never sees half a message. Files are
// named by message id, never by recipient. Sending the same id again replaces its file.
class OutboxTransport final : public MailTransport
{
public:
    // Creates `folder` with mode 0700 when missing (its parent must exist) and sets mode 0700
    // when it exists.
    static Result<std::unique_ptr<OutboxTransport>> create(const QString& folder);

    Result<void> send(const OutgoingMail& mail) override;

    QString folder() const { return m_folder; }
    // Path of the file that send() writes for `messageId`.
    QString filePath(const QString& messageId) const;

private:
    explicit OutboxTransport(QString folder);
    QString m_folder;
};

} // namespace chartinsight::mail
