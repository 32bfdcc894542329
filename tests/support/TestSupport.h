#pragma once

#include <QByteArray>
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

// The EICAR anti-virus test string (68 bytes), which every scanner detects as a test virus.
QByteArray eicarBytes();

// Runs a program to completion and returns its exit code; stdout and stderr are captured.
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
    // Everything the server wrote to stderr (its log) so far.
    QByteArray log();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QUrl m_url;
    QString m_fingerprint;
};

// Arguments for curl with the server's CA file, no progress output, and TLS 1.3.
QStringList curlArguments(const ServerProcess& server);

} // namespace chartinsight::test
