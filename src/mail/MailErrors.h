#pragma once

// Error codes of the mail library. The queue stores them in mail_queue.last_error_code, so a
// code is never renamed once released. Storage failures use errc::kStorage and outbox write
// failures errc::kIo from core/ErrorCodes.h.
namespace chartinsight::mail::errc {

// A message or setting that can never be sent as it is (header injection, bad address, size).
inline constexpr char kInvalidMail[] = "invalid_mail";
inline constexpr char kInvalidMailSettings[] = "invalid_mail_settings";

// SMTP delivery failures. The queue retries every one of them until it gives up.
inline constexpr char kSmtpConnectFailed[] = "smtp_connect_failed"; // no route, refused, DNS
inline constexpr char kSmtpTimeout[] = "smtp_timeout";
inline constexpr char kSmtpTlsFailed[] = "smtp_tls_failed"; // no STARTTLS, handshake, certificate
inline constexpr char kSmtpAuthFailed[] = "smtp_auth_failed";
inline constexpr char kSmtpRejected[] = "smtp_rejected"; // the server replied 4xx or 5xx
inline constexpr char kSmtpFailed[] = "smtp_failed";     // any other libcurl failure

} // namespace chartinsight::mail::errc
