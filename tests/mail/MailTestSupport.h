#pragma once

#include "core/Result.h"
#include "storage/SqlDatabase.h"

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <mutex>

namespace chartinsight::test {

// Returns the error message of `result` as UTF-8, or nothing when it contains a value. QVERIFY2
// evaluates its message even when the check passes, so it cannot call error() directly.
template <typename T>
QByteArray errorOf(const Result<T>& result)
{
    return result.ok() ? QByteArray() : result.error().message.toUtf8();
}

// Returns a TCP port on 127.0.0.1 that was free a moment ago, or 0.
quint16 freeLoopbackPort();

// A self-signed certificate for 127.0.0.1 and localhost, made with the openssl command.
struct TlsFiles
{
    QString certificate;
    QString key;
};
bool makeTlsFiles(const QString& folder, TlsFiles& files);

// Debian's aiosmtpd on 127.0.0.1 storing each message as one file in MAILDIR/new.
class SmtpSink
{
public:
    enum class Security
    {
        StartTls,    // STARTTLS offered and required before MAIL FROM
        PlainOnly,   // no TLS at all
        ImplicitTls, // SMTPS: TLS from the first byte
    };

    SmtpSink(QString maildir, TlsFiles tls);
    ~SmtpSink();

    // Starts the server on `port` and polls until it accepts connections.
    bool start(quint16 port, Security security);
    void stop();

    QUrl url() const;
    // Paths of the delivered messages, sorted.
    QStringList deliveredFiles() const;
    QByteArray log();

private:
    QString m_maildir;
    TlsFiles m_tls;
    quint16 m_port = 0;
    Security m_security = Security::StartTls;
    std::unique_ptr<QProcess> m_process;
};

// A message parsed by Python's email package (Debian's /usr/bin/python3), an independent
// reader of RFC 5322 and MIME.
struct ParsedMail
{
    bool parsed = false;
    QString subject;
    QString from; // the whole header, decoded
    QString fromName;
    QString fromAddress;
    QString to;
    QString messageId;
    qint64 dateSecsSinceEpoch = 0;
    QString contentType;
    QString text; // decoded text/plain part with LF line ends
    QString html; // decoded text/html part with LF line ends, empty when absent
    bool hasHtml = false;
    int defects = 0;       // parser defects over all parts
    int maxLineLength = 0; // maximum line length without the CRLF
    bool hasBareLineFeed = false;
    bool hasEightBitBytes = false;
    QString rcptTo; // X-RcptTo header added by aiosmtpd, empty otherwise
};
ParsedMail parseMail(const QByteArray& message);

QByteArray readFile(const QString& path);
// Returns the permission bits of `path` (for example 0600), or -1 when it does not exist.
int fileMode(const QString& path);

// Opens a new SQLCipher database with a random key and applies mailMigrations().
std::unique_ptr<storage::SqlDatabase> openMailDatabase(const QString& path, const QByteArray& key);

// Collects every log message of this process while it exists, with debug output of the
// chartinsight categories switched on.
class LogCapture
{
public:
    LogCapture();
    ~LogCapture();
    QString text() const;

private:
    static void handle(QtMsgType type, const QMessageLogContext& context, const QString& message);
    static LogCapture* s_current;
    static std::mutex s_mutex;
    QString m_text;
    QtMessageHandler m_previous = nullptr;
};

} // namespace chartinsight::test
