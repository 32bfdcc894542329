#pragma once

#include "core/Result.h"
#include "mail/MailSettings.h"

#include <QByteArray>
#include <QString>

namespace chartinsight::mail {

// An automated mail to one person: a sign-in code, a password reset link or a lockout notice.
//
// No record content ever goes into a mail: no file names, record ids, patient names, extracted
// text or attachments. Mail crosses SMTP relays and mailboxes outside the clinic's control, so a
// mail carries only what the user needs to act (a code, a link, a notice) and the user signs in
// to see anything else. The bodies contain codes and links, so the rendered message is stored
// only in the encrypted server database and is never logged. The one exception is the
// development outbox (OutboxTransport), which writes it to a private folder in plain text.
struct MailMessage
{
    // Maximum length of the subject in UTF-16 code units.
    static constexpr qsizetype kMaxSubjectLength = 200;
    // Maximum size of each body in UTF-8 bytes.
    static constexpr qsizetype kMaxBodyBytes = 256 * 1024;

    QString to;       // one ASCII address, local@domain
    QString subject;  // any Unicode text without control characters
    QString textBody; // required plain text, with LF, CRLF or CR line breaks
    // Optional HTML alternative. The caller escapes every value it inserts into the markup.
    QString htmlBody;

    // Renders the message as RFC 5322 text with CRLF line ends: Date, From, To, Subject,
    // Message-ID "<messageId@settings.messageIdDomain>", MIME-Version, Auto-Submitted and a
    // UTF-8 quoted-printable body, multipart/alternative when htmlBody is set. Fails with
    // errc::kInvalidMail or errc::kInvalidMailSettings naming the field when a header value
    // contains CR or LF (header injection) or any field is invalid.
    Result<QByteArray> render(const MailSettings& settings, const QString& messageId,
                              qint64 dateMSecsSinceEpoch) const;

    // Checks the recipient, subject and bodies without rendering.
    Result<void> validate() const;
};

} // namespace chartinsight::mail
