#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace chartinsight::mail {

// A rendered message with its SMTP envelope.
struct OutgoingMail
{
    QString messageId; // the queue id, also the left part of the Message-ID header
    QString sender;    // envelope sender (MAIL FROM)
    QString recipient; // envelope recipient (RCPT TO)
    QByteArray data;   // RFC 5322 message with CRLF line ends, as MailMessage::render returns it
};

// Hands a rendered message to its next hop. Implementations are safe to call from several
// threads at once, and an error's message never contains the recipient, the message or a
// credential.
class MailTransport
{
public:
    virtual ~MailTransport() = default;
    virtual Result<void> send(const OutgoingMail& mail) = 0;
};

} // namespace chartinsight::mail
