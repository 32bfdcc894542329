#include "MailTestSupport.h"

#include "mail/MailSchema.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTcpSocket>

#include <sys/stat.h>

namespace chartinsight::test {
namespace {

const QString kAiosmtpd = QStringLiteral("/usr/bin/aiosmtpd");
const QString kPython = QStringLiteral("/usr/bin/python3");

// How often and how long SmtpSink::start() polls for the listening socket.
constexpr int kStartPolls = 200;
constexpr int kPollIntervalMs = 50;

// Reads a message on standard input and prints what the tests check as one JSON object.
const char kParseScript[] = R"py(
import email, email.utils, json, sys
from email import policy

data = sys.stdin.buffer.read()
msg = email.message_from_bytes(data, policy=policy.default)

def count_defects(part):
    total = len(part.defects)
    for header in part.keys():
        total += len(getattr(part[header], "defects", ()))
    if part.is_multipart():
        for child in part.iter_parts():
            total += count_defects(child)
    return total

def body(kind):
    part = msg.get_body(preferencelist=(kind,))
    if part is None or part.get_content_type() != "text/" + kind:
        return None
    return part.get_content().replace("\r\n", "\n")

lines = data.split(b"\n")
date = msg["date"]
print(json.dumps({
    "subject": str(msg["subject"] or ""),
    "from": str(msg["from"] or ""),
    "from_name": msg["from"].addresses[0].display_name if msg["from"] else "",
    "from_address": msg["from"].addresses[0].addr_spec if msg["from"] else "",
    "to": str(msg["to"] or ""),
    "message_id": str(msg["message-id"] or ""),
    "date": email.utils.parsedate_to_datetime(str(date)).timestamp() if date else 0,
    "content_type": msg.get_content_type(),
    "text": body("plain"),
    "html": body("html"),
    "defects": count_defects(msg),
    "max_line": max(len(line.rstrip(b"\r")) for line in lines),
    "bare_lf": b"\n" in data.replace(b"\r\n", b""),
    "eight_bit": any(byte > 127 for byte in data),
    "rcpt_to": str(msg["x-rcptto"] or ""),
}))
)py";

} // namespace

quint16 freeLoopbackPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

bool makeTlsFiles(const QString& folder, TlsFiles& files)
{
    files.certificate = folder + QStringLiteral("/smtp-cert.pem");
    files.key = folder + QStringLiteral("/smtp-key.pem");
    const ProcessOutput output =
        runProcess(QStringLiteral("openssl"),
                   {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                    QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                    QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                    QStringLiteral("-keyout"), files.key, QStringLiteral("-out"), files.certificate,
                    QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                    QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                    QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost")});
    if (output.exitCode != 0)
        qWarning("openssl req failed: %s", output.standardError.constData());
    return output.exitCode == 0;
}

SmtpSink::SmtpSink(QString maildir, TlsFiles tls) : m_maildir(std::move(maildir)), m_tls(tls) {}

SmtpSink::~SmtpSink()
{
    stop();
}

bool SmtpSink::start(quint16 port, Security security)
{
    stop();
    m_port = port;
    m_security = security;

    QStringList arguments = {QStringLiteral("-n"), QStringLiteral("-l"),
                             QStringLiteral("127.0.0.1:%1").arg(port)};
    if (security == Security::StartTls) {
        arguments << QStringLiteral("--tlscert") << m_tls.certificate << QStringLiteral("--tlskey")
                  << m_tls.key;
    } else if (security == Security::ImplicitTls) {
        arguments << QStringLiteral("--smtpscert") << m_tls.certificate
                  << QStringLiteral("--smtpskey") << m_tls.key;
    }
    arguments << QStringLiteral("-c") << QStringLiteral("aiosmtpd.handlers.Mailbox") << m_maildir;

    // Debian's python3 with its own modules, whatever Python the environment points at.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("PYTHONPATH"));
    environment.remove(QStringLiteral("PYTHONHOME"));
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(environment);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->start(kAiosmtpd, arguments);
    if (!m_process->waitForStarted(10000)) {
        qWarning("Starting %s failed", qPrintable(kAiosmtpd));
        return false;
    }

    for (int poll = 0; poll < kStartPolls; ++poll) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        if (probe.waitForConnected(kPollIntervalMs)) {
            probe.abort();
            return true;
        }
        // Waiting for an exit doubles as the pause between polls.
        if (m_process->waitForFinished(kPollIntervalMs)) {
            qWarning("aiosmtpd exited early: %s", m_process->readAll().constData());
            return false;
        }
    }
    qWarning("aiosmtpd did not accept connections on port %u", unsigned(port));
    return false;
}

void SmtpSink::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    m_process->terminate();
    if (!m_process->waitForFinished(10000)) {
        m_process->kill();
        m_process->waitForFinished();
    }
}

QUrl SmtpSink::url() const
{
    const QString scheme =
        m_security == Security::ImplicitTls ? QStringLiteral("smtps") : QStringLiteral("smtp");
    return QUrl(QStringLiteral("%1://127.0.0.1:%2").arg(scheme).arg(m_port));
}

QStringList SmtpSink::deliveredFiles() const
{
    const QDir folder(m_maildir + QStringLiteral("/new"));
    QStringList paths;
    const QStringList names = folder.entryList(QDir::Files, QDir::Name);
    for (const QString& name : names)
        paths.append(folder.filePath(name));
    return paths;
}

QByteArray SmtpSink::log()
{
    return m_process ? m_process->readAll() : QByteArray();
}

ParsedMail parseMail(const QByteArray& message)
{
    ParsedMail parsed;
    const ProcessOutput output =
        runProcess(kPython, {QStringLiteral("-c"), QString::fromLatin1(kParseScript)}, message);
    if (output.exitCode != 0) {
        qWarning("Parsing the message with Python failed: %s", output.standardError.constData());
        return parsed;
    }
    const QJsonObject json = QJsonDocument::fromJson(output.standardOutput).object();
    parsed.parsed = !json.isEmpty();
    parsed.subject = json.value(QLatin1String("subject")).toString();
    parsed.from = json.value(QLatin1String("from")).toString();
    parsed.fromName = json.value(QLatin1String("from_name")).toString();
    parsed.fromAddress = json.value(QLatin1String("from_address")).toString();
    parsed.to = json.value(QLatin1String("to")).toString();
    parsed.messageId = json.value(QLatin1String("message_id")).toString();
    parsed.dateSecsSinceEpoch = qint64(json.value(QLatin1String("date")).toDouble());
    parsed.contentType = json.value(QLatin1String("content_type")).toString();
    parsed.text = json.value(QLatin1String("text")).toString();
    parsed.hasHtml = json.value(QLatin1String("html")).isString();
    parsed.html = json.value(QLatin1String("html")).toString();
    parsed.defects = json.value(QLatin1String("defects")).toInt();
    parsed.maxLineLength = json.value(QLatin1String("max_line")).toInt();
    parsed.hasBareLineFeed = json.value(QLatin1String("bare_lf")).toBool();
    parsed.hasEightBitBytes = json.value(QLatin1String("eight_bit")).toBool();
    parsed.rcptTo = json.value(QLatin1String("rcpt_to")).toString();
    return parsed;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

int fileMode(const QString& path)
{
    struct stat status = {};
    if (::lstat(QFile::encodeName(path).constData(), &status) != 0)
        return -1;
    return int(status.st_mode & 07777);
}

std::unique_ptr<storage::SqlDatabase> openMailDatabase(const QString& path, const QByteArray& key)
{
    auto opened =
        storage::SqlDatabase::open(path, key, storage::SqlDatabase::OpenMode::CreateIfMissing);
    if (!opened) {
        qWarning("%s", qPrintable(opened.error().message));
        return nullptr;
    }
    if (auto migrated = storage::migrate(*opened.value(), mail::mailMigrations()); !migrated) {
        qWarning("%s", qPrintable(migrated.error().message));
        return nullptr;
    }
    return std::move(opened.value());
}

LogCapture* LogCapture::s_current = nullptr;
std::mutex LogCapture::s_mutex;

LogCapture::LogCapture()
{
    std::lock_guard lock(s_mutex);
    s_current = this;
    m_previous = qInstallMessageHandler(&LogCapture::handle);
    QLoggingCategory::setFilterRules(QStringLiteral("chartinsight.*.debug=true"));
}

LogCapture::~LogCapture()
{
    QLoggingCategory::setFilterRules(QString());
    std::lock_guard lock(s_mutex);
    qInstallMessageHandler(m_previous);
    s_current = nullptr;
}

QString LogCapture::text() const
{
    std::lock_guard lock(s_mutex);
    return m_text;
}

void LogCapture::handle(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    std::lock_guard lock(s_mutex);
    if (s_current) {
        s_current->m_text += QString::fromLatin1(context.category ? context.category : "default") +
                             QStringLiteral(": ") + message + u'\n';
        if (s_current->m_previous)
            s_current->m_previous(type, context, message);
    }
}

} // namespace chartinsight::test
