#pragma once

#include "core/Result.h"
#include "mail/MailTransport.h"

#include <QString>
#include <QUrl>

#include <chrono>
#include <memory>

namespace chartinsight::mail {

struct SmtpSettings
{
    // smtp://HOST[:PORT] (STARTTLS is required, default port 25) or smtps://HOST[:PORT]
    // (implicit TLS, default port 465). libcurl sends the URL's path, if any, as the EHLO name,
    // and otherwise the local host name. The URL must not contain a user name or password.
    QUrl url;
    // Optional SMTP AUTH credentials, sent only after TLS is established.
    QString username;
    QString password;
    // Optional PEM file of CA certificates that replaces the system store for this server.
    QString caFile;
    std::chrono::milliseconds connectTimeout{std::chrono::seconds(10)};
    // Maximum time for a whole delivery, connection included. MailQueue's claim timeout must be
    // longer, or another worker may send the same message again.
    std::chrono::milliseconds totalTimeout{std::chrono::seconds(60)};
};

// Sends mail through an SMTP server with libcurl, always over TLS: smtp:// URLs need the server
// to accept STARTTLS (CURLUSESSL_ALL, no plaintext fallback), smtps:// URLs use implicit TLS.
// The server certificate and host name are always verified. Each send() opens its own
// connection, so one transport may be used from several threads.
//
// Errors carry a code from mail/MailErrors.h and libcurl's error text with the user name,
// password, sender and recipient replaced by "[redacted]".
class SmtpTransport final : public MailTransport
{
public:
    // Checks the settings (scheme, host, no credentials in the URL, readable CA file, positive
    // timeouts) and initialises libcurl once per process.
    static Result<std::unique_ptr<SmtpTransport>> create(SmtpSettings settings);

    Result<void> send(const OutgoingMail& mail) override;

private:
    explicit SmtpTransport(SmtpSettings settings);
    SmtpSettings m_settings;
};

} // namespace chartinsight::mail
