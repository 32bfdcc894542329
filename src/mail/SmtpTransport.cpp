#include "SmtpTransport.h"

#include "mail/HeaderValue.h"
#include "mail/MailErrors.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace chartinsight::mail {
namespace {

Q_LOGGING_CATEGORY(lcSmtp, "chartinsight.mail.smtp")

const QString kRedacted = QStringLiteral("[redacted]");

Error invalidSettings(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kInvalidMailSettings), message);
}

struct EasyHandleDeleter
{
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

struct StringListDeleter
{
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct UploadSource
{
    const QByteArray* data = nullptr;
    qsizetype offset = 0;
};

// CURLOPT_READFUNCTION: copies the next piece of the message into libcurl's buffer.
size_t readUpload(char* buffer, size_t size, size_t count, void* userData)
{
    auto* source = static_cast<UploadSource*>(userData);
    const auto room = qsizetype(size * count);
    const qsizetype length = std::min(room, source->data->size() - source->offset);
    std::memcpy(buffer, source->data->constData() + source->offset, size_t(length));
    source->offset += length;
    return size_t(length);
}

Result<void> initialiseCurl()
{
    // curl_global_init is not thread-safe in every libcurl build, so it runs once, here.
    static std::once_flag once;
    static CURLcode status = CURLE_OK;
    std::call_once(once, [] { status = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (status != CURLE_OK) {
        return makeError(QString::fromLatin1(errc::kSmtpFailed),
                         QStringLiteral("Initialising libcurl failed: %1.")
                             .arg(QString::fromUtf8(curl_easy_strerror(status))));
    }
    return {};
}

const char* errorCodeFor(CURLcode status, long smtpReply)
{
    switch (status) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return errc::kSmtpConnectFailed;
    case CURLE_OPERATION_TIMEDOUT:
        return errc::kSmtpTimeout;
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return errc::kSmtpTlsFailed;
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
        return errc::kSmtpAuthFailed;
    default:
        return smtpReply >= 400 ? errc::kSmtpRejected : errc::kSmtpFailed;
    }
}

QString hintFor(const QString& code)
{
    if (code == QLatin1String(errc::kSmtpConnectFailed))
        return QStringLiteral("Check that the SMTP server runs and the URL's host and port.");
    if (code == QLatin1String(errc::kSmtpTimeout))
        return QStringLiteral("The SMTP server did not answer in time; the queue retries later.");
    if (code == QLatin1String(errc::kSmtpTlsFailed)) {
        return QStringLiteral("The server must offer STARTTLS (smtp://) or implicit TLS "
                              "(smtps://) with a certificate that the CA file or the system "
                              "store trusts and that names the URL's host.");
    }
    if (code == QLatin1String(errc::kSmtpAuthFailed))
        return QStringLiteral("Check the SMTP user name and password.");
    if (code == QLatin1String(errc::kSmtpRejected))
        return QStringLiteral("The SMTP server rejected the message; the queue retries later.");
    return QStringLiteral("The queue retries later.");
}

QString redact(QString text, const QStringList& secrets)
{
    for (const QString& secret : secrets) {
        if (!secret.isEmpty())
            text.replace(secret, kRedacted, Qt::CaseInsensitive);
    }
    return text;
}

QString serverName(const QUrl& url)
{
    return url
        .adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery |
                  QUrl::RemoveFragment)
        .toDisplayString();
}

Result<void> checkUrl(const QUrl& url)
{
    // Checked first, so that no later message repeats a URL that contains a password.
    if (!url.userInfo().isEmpty()) {
        return invalidSettings(QStringLiteral("The SMTP URL contains a user name or password. "
                                              "Remove it from the URL and set the SMTP user name "
                                              "and password settings instead."));
    }
    const QString scheme = url.scheme();
    if (!url.isValid() || (scheme != QLatin1String("smtp") && scheme != QLatin1String("smtps"))) {
        return invalidSettings(
            QStringLiteral("The SMTP URL \"%1\" is invalid. Use smtp://HOST:PORT (STARTTLS) or "
                           "smtps://HOST:PORT (implicit TLS).")
                .arg(url.toDisplayString()));
    }
    if (url.host().isEmpty() || url.hasQuery() || url.hasFragment()) {
        return invalidSettings(
            QStringLiteral("The SMTP URL \"%1\" needs a host and must not have a query or "
                           "fragment. Use smtp://HOST:PORT or smtps://HOST:PORT.")
                .arg(url.toDisplayString()));
    }
    return {};
}

Result<void> checkSettings(const SmtpSettings& settings)
{
    if (auto checked = checkUrl(settings.url); !checked)
        return checked;
    if (settings.username.isEmpty() && !settings.password.isEmpty()) {
        return invalidSettings(QStringLiteral("An SMTP password is set without a user name. Set "
                                              "both, or neither."));
    }
    if (!settings.caFile.isEmpty() && !QFileInfo(settings.caFile).isReadable()) {
        return invalidSettings(QStringLiteral("The SMTP CA file %1 is missing or not readable. "
                                              "Point the setting at a PEM file of CA "
                                              "certificates.")
                                   .arg(settings.caFile));
    }
    if (settings.connectTimeout.count() <= 0 || settings.totalTimeout.count() <= 0) {
        return invalidSettings(QStringLiteral("The SMTP connect and total timeouts must be "
                                              "positive numbers of milliseconds."));
    }
    return {};
}

} // namespace

Result<std::unique_ptr<SmtpTransport>> SmtpTransport::create(SmtpSettings settings)
{
    if (auto checked = checkSettings(settings); !checked)
        return checked.error();
    if (auto initialised = initialiseCurl(); !initialised)
        return initialised.error();
    return std::unique_ptr<SmtpTransport>(new SmtpTransport(std::move(settings)));
}

SmtpTransport::SmtpTransport(SmtpSettings settings) : m_settings(std::move(settings)) {}

Result<void> SmtpTransport::send(const OutgoingMail& mail)
{
    // The addresses become SMTP commands, so a line break here would inject a command.
    if (auto checked = header::checkAddress(mail.sender, QStringLiteral("sender address"));
        !checked) {
        return checked;
    }
    if (auto checked = header::checkAddress(mail.recipient, QStringLiteral("recipient address"));
        !checked) {
        return checked;
    }

    std::unique_ptr<CURL, EasyHandleDeleter> handle(curl_easy_init());
    if (!handle) {
        return makeError(QString::fromLatin1(errc::kSmtpFailed),
                         QStringLiteral("Sending mail %1 failed: libcurl could not create a "
                                        "handle (out of memory).")
                             .arg(mail.messageId));
    }
    CURL* curl = handle.get();

    const QByteArray url = m_settings.url.toString(QUrl::FullyEncoded).toUtf8();
    const QByteArray caFile = QFile::encodeName(m_settings.caFile);
    const QByteArray username = m_settings.username.toUtf8();
    const QByteArray password = m_settings.password.toUtf8();
    const QByteArray sender = '<' + mail.sender.toLatin1() + '>';
    std::unique_ptr<curl_slist, StringListDeleter> recipients(
        curl_slist_append(nullptr, ('<' + mail.recipient.toLatin1() + '>').constData()));
    UploadSource source{&mail.data, 0};
    char errorText[CURL_ERROR_SIZE] = {};

    CURLcode status = CURLE_OK;
    const auto setOption = [&](CURLoption option, auto value) {
        if (status == CURLE_OK)
            status = curl_easy_setopt(curl, option, value);
    };
    setOption(CURLOPT_ERRORBUFFER, errorText);
    setOption(CURLOPT_URL, url.constData());
#if LIBCURL_VERSION_NUM >= 0x075500
    setOption(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
    setOption(CURLOPT_PROTOCOLS, long(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
    // TLS for every connection: STARTTLS must succeed on smtp://, there is no plaintext fallback.
    setOption(CURLOPT_USE_SSL, long(CURLUSESSL_ALL));
    setOption(CURLOPT_SSLVERSION, long(CURL_SSLVERSION_TLSv1_2));
    setOption(CURLOPT_SSL_VERIFYPEER, 1L);
    setOption(CURLOPT_SSL_VERIFYHOST, 2L);
    if (!caFile.isEmpty()) {
        // Only the given CAs: Debian's libcurl would also search /etc/ssl/certs (CURLOPT_CAPATH).
        setOption(CURLOPT_CAINFO, caFile.constData());
        setOption(CURLOPT_CAPATH, static_cast<const char*>(nullptr));
    }
    if (!username.isEmpty()) {
        setOption(CURLOPT_USERNAME, username.constData());
        setOption(CURLOPT_PASSWORD, password.constData());
    }
    setOption(CURLOPT_CONNECTTIMEOUT_MS, long(m_settings.connectTimeout.count()));
    setOption(CURLOPT_TIMEOUT_MS, long(m_settings.totalTimeout.count()));
    setOption(CURLOPT_NOSIGNAL, 1L); // timeouts without SIGALRM, as required in threads
    setOption(CURLOPT_MAIL_FROM, sender.constData());
    setOption(CURLOPT_MAIL_RCPT, recipients.get());
    setOption(CURLOPT_UPLOAD, 1L);
    setOption(CURLOPT_READFUNCTION, &readUpload);
    setOption(CURLOPT_READDATA, &source);
    setOption(CURLOPT_INFILESIZE_LARGE, curl_off_t(mail.data.size()));
    if (status == CURLE_OK)
        status = curl_easy_perform(curl);

    if (status == CURLE_OK) {
        qCDebug(lcSmtp, "Mail %s accepted by the SMTP server", qPrintable(mail.messageId));
        return {};
    }

    long smtpReply = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &smtpReply);
    const QString code = QString::fromLatin1(errorCodeFor(status, smtpReply));
    const QString curlText = errorText[0] != '\0' ? QString::fromUtf8(errorText)
                                                  : QString::fromUtf8(curl_easy_strerror(status));
    const QString cleanText =
        redact(curlText, {m_settings.password, m_settings.username, mail.sender, mail.recipient});
    // One multi-argument arg() call, so a "%" in the server's text cannot capture a later one.
    return makeError(code, QStringLiteral("Sending mail %1 through %2 failed: %3 (libcurl error "
                                          "%4, SMTP reply %5). %6")
                               .arg(mail.messageId, serverName(m_settings.url), cleanText,
                                    QString::number(int(status)), QString::number(smtpReply),
                                    hintFor(code)));
}

} // namespace chartinsight::mail
