#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace chartinsight::test {

// Paths set by CMake for the test executables.
QString serverExecutable();
QString cliExecutable();
QString sourceDir();
// Signature database built by tests/support/make-signatures.sh (detects EICAR only).
QString testSignatureDir();

// Folder under the build folder that receives the log of every server that ServerProcess starts
// and of every chartinsight-cli run through runProcess, at debug level. The test
// check_test_logs, which CTest runs after all others, searches it for the secrets below.
QString testLogDir();
// The file in testLogDir() that receives the log lines of this test's chartinsight-cli runs.
QString cliLogPath();
// Adds `value` (an e-mail address, password, code, token or file name the tests used) to the
// values check_test_logs must not find in any log. Values shorter than 6 characters are
// ignored, because they also occur in ordinary text.
void recordTestSecret(const QString& value);
// Records the values of the members of a JSON request or response body that hold secrets or
// personal data: e-mail addresses, passwords, codes, tokens, titles and file names.
void recordTestSecrets(const QJsonObject& body);

// The EICAR anti-virus test string (68 bytes), which every scanner detects as a test virus.
QByteArray eicarBytes();

// Runs a program to completion and returns its exit code; stdout and stderr are captured.
// A chartinsight-cli run logs at debug level into testLogDir() (CHARTINSIGHT_LOG_FILE), so its
// standard error keeps only the CLI's own messages; `extraEnvironment` can override that.
// E-mail addresses in the arguments and the lines of `standardInput` of the server and the CLI
// are recorded as secrets.
struct ProcessOutput
{
    int exitCode = -1;
    QByteArray standardOutput;
    QByteArray standardError;
};
ProcessOutput runProcess(const QString& program, const QStringList& arguments,
                         const QByteArray& standardInput = {}, int timeoutMs = 120000,
                         const QStringList& extraEnvironment = {});

// A real chartinsight-server on a free loopback port, in its own temporary data folder.
// start() runs `serve --listen 127.0.0.1:0` with a per-account rate limit of 1000 requests a
// minute (`extraArguments` can set another), reads the bound port from the
// "listening on https://..." line the server prints on stdout, then polls /api/v1/health.
class ServerProcess
{
public:
    ServerProcess();
    ~ServerProcess();

    bool start(const QStringList& extraArguments = {});
    void stop(); // SIGTERM, then waits for a clean exit
    bool isRunning() const;
    int exitCode() const;

    // Creates a user with `add-user` (password on standard input). Returns the exit code.
    int addUser(const QString& email, const QString& password, bool admin = false);

    QUrl url() const { return m_url; }
    QString dataDir() const;
    QString caFile() const; // <data dir>/tls/server.crt
    QString fingerprint() const { return m_fingerprint; }
    // Everything the server wrote to stderr (its log, kept in testLogDir()) so far.
    QByteArray log();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QString m_logPath;
    QUrl m_url;
    QString m_fingerprint;
};

// Arguments for curl with the server's CA file, no progress output, and TLS 1.3.
QStringList curlArguments(const ServerProcess& server);

} // namespace chartinsight::test
