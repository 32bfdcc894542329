#include "TestSupport.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonValue>
#include <QMutex>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <csignal>

namespace chartinsight::test {

QString serverExecutable() { return QStringLiteral(CHARTINSIGHT_SERVER_EXECUTABLE); }
QString cliExecutable() { return QStringLiteral(CHARTINSIGHT_CLI_EXECUTABLE); }
QString sourceDir() { return QStringLiteral(CHARTINSIGHT_SOURCE_DIR); }
QString testSignatureDir() { return QStringLiteral(CHARTINSIGHT_TEST_SIGNATURE_DIR); }
QString testLogDir() { return QStringLiteral(CHARTINSIGHT_TEST_LOG_DIR); }

namespace {

constexpr qsizetype kMinSecretLength = 6;

// "<test program>-<pid>", which keeps the files of tests that run in parallel apart.
QString logFilePrefix()
{
    const QString program = QCoreApplication::instance()
                                ? QFileInfo(QCoreApplication::applicationFilePath()).fileName()
                                : QStringLiteral("test");
    return program + u'-' + QString::number(QCoreApplication::applicationPid());
}

bool isDigits(const QString& text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(),
                                          [](QChar c) { return c >= u'0' && c <= u'9'; });
}

bool isEmailAddress(const QString& text)
{
    static const QRegularExpression email(QStringLiteral("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"));
    return email.match(text).hasMatch();
}

} // namespace

QString cliLogPath()
{
    return testLogDir() + QStringLiteral("/cli-") + logFilePrefix() + QStringLiteral(".log");
}

void recordTestSecret(const QString& value)
{
    // Ids are what logs name instead of secrets, so a test that sends an id in a secret's place
    // does not make it one.
    static const QRegularExpression uuid(QStringLiteral(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    const QString trimmed = value.trimmed();
    if (trimmed.size() < kMinSecretLength || trimmed.contains(u'\n') ||
        uuid.match(trimmed).hasMatch())
        return;
    static QMutex mutex;
    const QMutexLocker lock(&mutex);
    QDir().mkpath(testLogDir() + QStringLiteral("/secrets"));
    QFile file(testLogDir() + QStringLiteral("/secrets/") + logFilePrefix() +
               QStringLiteral(".txt"));
    if (file.open(QIODevice::WriteOnly | QIODevice::Append))
        file.write(trimmed.toUtf8() + '\n');
}

void recordTestSecrets(const QJsonObject& body)
{
    static const QStringList keys{
        QStringLiteral("email"),         QStringLiteral("password"),
        QStringLiteral("new_password"),  QStringLiteral("current_password"),
        QStringLiteral("code"),          QStringLiteral("token"),
        QStringLiteral("access_token"),  QStringLiteral("refresh_token"),
        QStringLiteral("mfa_token"),     QStringLiteral("filename"),
        QStringLiteral("title"),         QStringLiteral("display_name")};
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.value().isObject())
            recordTestSecrets(it.value().toObject());
        else if (it.value().isArray()) {
            for (const QJsonValue& item : it.value().toArray()) {
                if (item.isObject())
                    recordTestSecrets(item.toObject());
            }
        } else if (keys.contains(it.key()) && it.value().isString()) {
            // "code" also names error codes such as "invalid_credentials", which logs may name.
            const QString value = it.value().toString();
            if (it.key() != u"code" || isDigits(value))
                recordTestSecret(value);
        }
    }
}

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
    const bool ours = program == cliExecutable() || program == serverExecutable();
    if (ours) {
        for (const QString& argument : arguments) {
            if (isEmailAddress(argument))
                recordTestSecret(argument);
        }
        if (standardInput.size() < 4096) {
            for (const QByteArray& line : standardInput.split('\n'))
                recordTestSecret(QString::fromUtf8(line));
        }
    }
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (program == cliExecutable()) {
        QDir().mkpath(testLogDir());
        environment.insert(QStringLiteral("CHARTINSIGHT_LOG_FILE"), cliLogPath());
        environment.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("chartinsight.*=true"));
    }
    for (const QString& entry : extraEnvironment) {
        const qsizetype equals = entry.indexOf(u'=');
        environment.insert(entry.left(equals), entry.mid(equals + 1));
    }
    process.setProcessEnvironment(environment);
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
                          // Debug level, so that the search of the logs after the tests
                          // covers every line.
                          QStringLiteral("--log-level"), QStringLiteral("debug"),
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
    // A file, not a pipe: an unread pipe would fill up and block the server's logging. It stays
    // after the test, in testLogDir().
    if (m_logPath.isEmpty()) {
        static std::atomic<int> s_servers{0};
        QDir().mkpath(testLogDir());
        m_logPath = testLogDir() + QStringLiteral("/server-") + logFilePrefix() + u'-' +
                    QString::number(++s_servers) + QStringLiteral(".log");
    }
    m_process->setStandardErrorFile(m_logPath, QIODevice::Append);
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
    recordTestSecret(email);
    recordTestSecret(password);
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
    QFile file(m_logPath);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList curlArguments(const ServerProcess& server)
{
    return {QStringLiteral("-sS"), QStringLiteral("--cacert"), server.caFile(),
            QStringLiteral("--tlsv1.3"), QStringLiteral("--max-time"), QStringLiteral("60")};
}

} // namespace chartinsight::test
