#include "TestSupport.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QThread>

#include <csignal>

namespace chartinsight::test {

QString serverExecutable() { return QStringLiteral(CHARTINSIGHT_SERVER_EXECUTABLE); }
QString cliExecutable() { return QStringLiteral(CHARTINSIGHT_CLI_EXECUTABLE); }
QString sourceDir() { return QStringLiteral(CHARTINSIGHT_SOURCE_DIR); }
QString testSignatureDir() { return QStringLiteral(CHARTINSIGHT_TEST_SIGNATURE_DIR); }

QByteArray eicarBytes()
{
    return QByteArrayLiteral(
        "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
}

ProcessOutput runProcess(const QString& program, const QStringList& arguments,
                         const QByteArray& standardInput, int timeoutMs,
                         const QStringList& extraEnvironment)
{
    QProcess process;
    if (!extraEnvironment.isEmpty()) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const QString& entry : extraEnvironment) {
            const qsizetype equals = entry.indexOf(u'=');
            environment.insert(entry.left(equals), entry.mid(equals + 1));
        }
        process.setProcessEnvironment(environment);
    }
    process.start(program, arguments);
    ProcessOutput output;
    if (!process.waitForStarted(10000))
        return output;
    if (!standardInput.isEmpty())
        process.write(standardInput);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return output;
    }
    output.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    output.standardOutput = process.readAllStandardOutput();
    output.standardError = process.readAllStandardError();
    return output;
}

ServerProcess::ServerProcess() : m_dir(std::make_unique<QTemporaryDir>()) {}

ServerProcess::~ServerProcess() { stop(); }

QString ServerProcess::dataDir() const { return m_dir->filePath(QStringLiteral("data")); }

QString ServerProcess::caFile() const { return dataDir() + QStringLiteral("/tls/server.crt"); }

bool ServerProcess::start(const QStringList& extraArguments)
{
    m_process = std::make_unique<QProcess>();
    QStringList arguments{QStringLiteral("serve"),
                          QStringLiteral("--data-dir"), dataDir(),
                          QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--signatures"), testSignatureDir(),
                          // Tests sign the same account in many times a minute, more than the
                          // default of 10 allows. A test of the limit passes its own value,
                          // which wins because the server takes the last one given.
                          QStringLiteral("--account-rate-limit"), QStringLiteral("1000")};
    arguments += extraArguments;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("CHARTINSIGHT_BCRYPT_COST"), QStringLiteral("4"));
    m_process->setProcessEnvironment(environment);
    // A file, not a pipe: an unread pipe would fill up and block the server's logging.
    m_process->setStandardErrorFile(m_dir->filePath(QStringLiteral("server.log")),
                                    QIODevice::Append);
    m_process->start(serverExecutable(), arguments);
    if (!m_process->waitForStarted(10000))
        return false;

    static const QRegularExpression listening(QStringLiteral("listening on (https://\\S+)"));
    static const QRegularExpression fingerprint(
        QStringLiteral("certificate sha256 fingerprint: ([0-9A-F:]{95})"));
    QByteArray standardOutput;
    const QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired() && m_process->state() == QProcess::Running) {
        m_process->waitForReadyRead(200);
        standardOutput += m_process->readAllStandardOutput();
        const QString text = QString::fromUtf8(standardOutput);
        const auto urlMatch = listening.match(text);
        const auto fingerprintMatch = fingerprint.match(text);
        if (urlMatch.hasMatch() && fingerprintMatch.hasMatch()) {
            m_url = QUrl(urlMatch.captured(1));
            m_fingerprint = fingerprintMatch.captured(1);
            break;
        }
    }
    if (!m_url.isValid())
        return false;

    const QString health = m_url.toString() + QStringLiteral("/api/v1/health");
    while (!deadline.hasExpired()) {
        const ProcessOutput output = runProcess(
            QStringLiteral("curl"), curlArguments(*this) << QStringLiteral("-f") << health);
        if (output.exitCode == 0)
            return true;
        QThread::msleep(100);
    }
    return false;
}

void ServerProcess::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_process->processId()), SIGTERM);
    if (!m_process->waitForFinished(30000)) {
        m_process->kill();
        m_process->waitForFinished();
    }
}

bool ServerProcess::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

int ServerProcess::exitCode() const { return m_process ? m_process->exitCode() : -1; }

int ServerProcess::addUser(const QString& email, const QString& password, bool admin)
{
    QStringList arguments{QStringLiteral("add-user"), QStringLiteral("--data-dir"), dataDir(),
                          QStringLiteral("--email"), email};
    if (admin)
        arguments << QStringLiteral("--admin");
    const ProcessOutput output =
        runProcess(serverExecutable(), arguments, password.toUtf8() + '\n', 60000,
                   {QStringLiteral("CHARTINSIGHT_BCRYPT_COST=4")});
    return output.exitCode;
}

QByteArray ServerProcess::log()
{
    QFile file(m_dir->filePath(QStringLiteral("server.log")));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList curlArguments(const ServerProcess& server)
{
    return {QStringLiteral("-sS"), QStringLiteral("--cacert"), server.caFile(),
            QStringLiteral("--tlsv1.3"), QStringLiteral("--max-time"), QStringLiteral("60")};
}

} // namespace chartinsight::test
