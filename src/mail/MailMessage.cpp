#include "MailMessage.h"

#include "crypto/Random.h"
#include "mail/HeaderValue.h"
#include "mail/MailErrors.h"
#include "mail/MimeEncoding.h"

namespace chartinsight::mail {
namespace {

constexpr qsizetype kBoundaryRandomBytes = 16;

Error invalidMail(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kInvalidMail), message);
}

Result<void> checkBody(const QString& body, const QString& field)
{
    const qsizetype bytes = body.toUtf8().size();
    if (bytes > MailMessage::kMaxBodyBytes) {
        return invalidMail(QStringLiteral("The %1 has %2 bytes, more than the %3 allowed. Shorten "
                                          "the text.")
                               .arg(field)
                               .arg(bytes)
                               .arg(MailMessage::kMaxBodyBytes));
    }
    return {};
}

// Content headers and quoted-printable body of one text part, without a line break at the end.
QByteArray textPart(const char* mediaType, const QString& body)
{
    return QByteArray("Content-Type: ") + mediaType +
           "; charset=UTF-8\r\n"
           "Content-Transfer-Encoding: quoted-printable\r\n"
           "\r\n" +
           mime::encodeQuotedPrintable(body.toUtf8());
}

QByteArray renderHeaders(const MailMessage& message, const MailSettings& settings,
                         const QString& messageId, qint64 dateMSecsSinceEpoch)
{
    QByteArray from = settings.fromAddress.toLatin1();
    if (!settings.fromName.isEmpty())
        from = mime::encodeDisplayName(settings.fromName) + " <" + from + '>';

    return "Date: " + mime::formatDate(dateMSecsSinceEpoch) + "\r\n" + "From: " + from + "\r\n" +
           "To: " + message.to.toLatin1() + "\r\n" +
           "Subject: " + mime::encodeUnstructured(message.subject, 8) + "\r\n" + "Message-ID: <" +
           messageId.toLatin1() + '@' + settings.messageIdDomain.toLatin1() + ">\r\n" +
           // RFC 3834: marks the mail as automatic, so auto-responders do not reply to it.
           "Auto-Submitted: auto-generated\r\n"
           "MIME-Version: 1.0\r\n";
}

} // namespace

Result<void> MailMessage::validate() const
{
    if (auto checked = header::checkAddress(to, QStringLiteral("recipient address")); !checked)
        return checked;
    if (auto checked = header::checkNoControlCharacters(subject, QStringLiteral("subject"));
        !checked) {
        return checked;
    }
    if (subject.trimmed().isEmpty())
        return invalidMail(QStringLiteral("The subject is missing. Set a subject."));
    if (subject.size() > kMaxSubjectLength) {
        return invalidMail(QStringLiteral("The subject has %1 characters, more than the %2 "
                                          "allowed. Shorten the subject.")
                               .arg(subject.size())
                               .arg(kMaxSubjectLength));
    }
    if (textBody.trimmed().isEmpty())
        return invalidMail(QStringLiteral("The plain-text body is missing. Set a text body."));
    if (auto checked = checkBody(textBody, QStringLiteral("plain-text body")); !checked)
        return checked;
    return checkBody(htmlBody, QStringLiteral("HTML body"));
}

Result<QByteArray> MailMessage::render(const MailSettings& settings, const QString& messageId,
                                       qint64 dateMSecsSinceEpoch) const
{
    if (auto valid = settings.validate(); !valid)
        return valid.error();
    if (auto valid = validate(); !valid)
        return valid.error();
    if (auto valid = header::checkMessageId(messageId); !valid)
        return valid.error();

    QByteArray rendered = renderHeaders(*this, settings, messageId, dateMSecsSinceEpoch);
    if (htmlBody.isEmpty()) {
        rendered += textPart("text/plain", textBody);
        // SMTP ends the last line of every message with CRLF, so add it unless the text has it.
        if (!rendered.endsWith("\r\n"))
            rendered += "\r\n";
        return rendered;
    }

    // "=_" cannot occur in quoted-printable text, where "=" is always followed by two hex
    // digits or a line break, so the boundary never collides with a body line. The CRLF in
    // front of each delimiter belongs to the delimiter, not to the part before it.
    const QByteArray boundary = "=_" + crypto::randomBytes(kBoundaryRandomBytes).toHex();
    rendered += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
    rendered += "--" + boundary + "\r\n" + textPart("text/plain", textBody);
    rendered += "\r\n--" + boundary + "\r\n" + textPart("text/html", htmlBody);
    rendered += "\r\n--" + boundary + "--\r\n";
    return rendered;
}

} // namespace chartinsight::mail
