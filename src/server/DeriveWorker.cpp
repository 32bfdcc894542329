#include "DeriveWorker.h"

#include "ServerLog.h"
#include "core/ErrorCodes.h"

#include <QFile>

#include <algorithm>
#include <optional>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace chartinsight::server {
namespace {

constexpr qsizetype kInputChunk = 64 * 1024;
constexpr rlim_t kMaxOpenFiles = 64;
// How often the parent checks whether a worker that closed its output has exited.
constexpr int kExitPollMilliseconds = 10;

qint64 monotonicMilliseconds()
{
    timespec now = {};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

Error workerError(const char* code, const QString& message)
{
    return makeError(QString::fromLatin1(code), message);
}

bool isWorkerErrorCode(const QString& code)
{
    for (const char* known : {derivec::kUnsupportedContent, derivec::kDamagedContent,
                              derivec::kEncryptedContent, derivec::kImageTooLarge,
                              derivec::kInputTooLarge}) {
        if (code == QLatin1String(known))
            return true;
    }
    return false;
}

void closeFd(int& fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

// Everything the child needs, prepared before fork(): after fork() in a threaded process the
// child may call only async-signal-safe functions until execve().
struct ChildSetup
{
    QByteArray program;
    QByteArray typeArgument;
    rlim_t memoryBytes = 0;
    rlim_t cpuSeconds = 0;
    rlim_t openFileLimit = 0; // current soft limit, for the close-on-exec fallback
    pid_t parent = 0;
    int input = -1;     // read end of the input pipe
    int output = -1;    // write end of the output pipe
    int execError = -1; // write end of the exec-failure pipe
};

[[noreturn]] void runChild(const ChildSetup& setup)
{
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != setup.parent)
        ::_exit(127);

    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // With RLIMIT_FSIZE = 0 a write to a file (a font cache, say) fails with EFBIG instead of
    // ending the process.
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGXFSZ, &ignore, nullptr);

    const int devNull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (::dup2(setup.input, STDIN_FILENO) < 0 || ::dup2(setup.output, STDOUT_FILENO) < 0 ||
        devNull < 0 || ::dup2(devNull, STDERR_FILENO) < 0) {
        const int error = errno;
        [[maybe_unused]] auto written = ::write(setup.execError, &error, sizeof error);
        ::_exit(127);
    }
    // Every other descriptor closes at execve(), the exec-failure pipe included.
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        for (rlim_t fd = 3; fd < setup.openFileLimit; ++fd)
            ::fcntl(int(fd), F_SETFD, FD_CLOEXEC);
    }
    if (::chdir("/") != 0)
        ::_exit(127);

    const rlimit memory = {setup.memoryBytes, setup.memoryBytes};
    // SIGXCPU at the soft limit, SIGKILL one second later.
    const rlimit cpu = {setup.cpuSeconds, setup.cpuSeconds + 1};
    const rlimit noFiles = {0, 0};
    const rlimit openFiles = {kMaxOpenFiles, kMaxOpenFiles};
    const rlimit noCore = {0, 0};
    if (::setrlimit(RLIMIT_AS, &memory) != 0 || ::setrlimit(RLIMIT_CPU, &cpu) != 0 ||
        ::setrlimit(RLIMIT_FSIZE, &noFiles) != 0 || ::setrlimit(RLIMIT_NOFILE, &openFiles) != 0 ||
        ::setrlimit(RLIMIT_CORE, &noCore) != 0) {
        const int error = errno;
        [[maybe_unused]] auto written = ::write(setup.execError, &error, sizeof error);
        ::_exit(127);
    }

    char typeOption[] = "--type";
    char* const arguments[] = {const_cast<char*>(setup.program.constData()), typeOption,
                               const_cast<char*>(setup.typeArgument.constData()), nullptr};
    char* const environment[] = {nullptr};
    ::execve(setup.program.constData(), arguments, environment);
    const int error = errno;
    [[maybe_unused]] auto written = ::write(setup.execError, &error, sizeof error);
    ::_exit(127);
}

// Kills the worker's process group and reaps it unless release() was called.
class ChildGuard
{
public:
    explicit ChildGuard(pid_t pid) : m_pid(pid) {}
    ~ChildGuard()
    {
        if (m_pid <= 0)
            return;
        ::kill(-m_pid, SIGKILL);
        ::kill(m_pid, SIGKILL);
        int status = 0;
        while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    void release() { m_pid = 0; }

private:
    pid_t m_pid;
};

} // namespace

DeriveWorker::DeriveWorker(QString program, DeriveLimits limits)
    : m_program(std::move(program)), m_limits(limits)
{
}

Result<derive::WorkerOutput> DeriveWorker::run(derive::ContentKind kind,
                                               const ReadFunction& read) const
{
    ChildSetup setup;
    setup.program = QFile::encodeName(m_program);
    setup.typeArgument = derive::contentKindName(kind).toLatin1();
    setup.memoryBytes = rlim_t(m_limits.memoryBytes);
    setup.cpuSeconds = rlim_t(m_limits.timeoutSeconds);
    setup.parent = ::getpid();
    rlimit openFiles = {};
    ::getrlimit(RLIMIT_NOFILE, &openFiles);
    setup.openFileLimit = std::min<rlim_t>(openFiles.rlim_cur, 65536);

    int inputPipe[2] = {-1, -1};
    int outputPipe[2] = {-1, -1};
    int execPipe[2] = {-1, -1};
    if (::pipe2(inputPipe, O_CLOEXEC) != 0 || ::pipe2(outputPipe, O_CLOEXEC) != 0 ||
        ::pipe2(execPipe, O_CLOEXEC) != 0) {
        const int error = errno;
        for (int* pipe : {inputPipe, outputPipe, execPipe}) {
            closeFd(pipe[0]);
            closeFd(pipe[1]);
        }
        return workerError(derivec::kWorkerUnavailable,
                           QStringLiteral("Creating the derive worker's pipes failed: %1.")
                               .arg(QString::fromLocal8Bit(std::strerror(error))));
    }
    setup.input = inputPipe[0];
    setup.output = outputPipe[1];
    setup.execError = execPipe[1];

    const pid_t pid = ::fork();
    if (pid == 0)
        runChild(setup);
    int toWorker = inputPipe[1];
    int fromWorker = outputPipe[0];
    closeFd(inputPipe[0]);
    closeFd(outputPipe[1]);
    closeFd(execPipe[1]);
    if (pid < 0) {
        const int error = errno;
        closeFd(toWorker);
        closeFd(fromWorker);
        closeFd(execPipe[0]);
        return workerError(derivec::kWorkerUnavailable,
                           QStringLiteral("Starting the derive worker failed: %1.")
                               .arg(QString::fromLocal8Bit(std::strerror(error))));
    }
    ChildGuard guard(pid);
    const qint64 deadline = monotonicMilliseconds() + qint64(m_limits.timeoutSeconds) * 1000;

    // The exec-failure pipe closes at a successful execve(), so this read returns 0 then.
    int execErrno = 0;
    ssize_t got = 0;
    do {
        got = ::read(execPipe[0], &execErrno, sizeof execErrno);
    } while (got < 0 && errno == EINTR);
    closeFd(execPipe[0]);
    if (got > 0) {
        closeFd(toWorker);
        closeFd(fromWorker);
        return workerError(derivec::kWorkerUnavailable,
                           QStringLiteral("Starting the derive worker %1 failed: %2. Check the "
                                          "--derive-worker path.")
                               .arg(m_program, QString::fromLocal8Bit(std::strerror(execErrno))));
    }
    ::fcntl(toWorker, F_SETFL, ::fcntl(toWorker, F_GETFL) | O_NONBLOCK);
    ::fcntl(fromWorker, F_SETFL, ::fcntl(fromWorker, F_GETFL) | O_NONBLOCK);

    QByteArray output;
    QByteArray pending;
    qsizetype pendingOffset = 0;
    bool inputDone = false;
    bool timedOut = false;
    bool tooLarge = false;
    std::optional<Error> readFailure;
    const qsizetype outputLimit = derive::maxOutputBytes();

    while (fromWorker >= 0) {
        const qint64 remaining = deadline - monotonicMilliseconds();
        if (remaining <= 0) {
            timedOut = true;
            break;
        }
        if (toWorker >= 0 && pendingOffset >= pending.size() && !inputDone) {
            pending.resize(kInputChunk);
            auto filled = read(pending.data(), pending.size());
            if (!filled) {
                readFailure = filled.error();
                break;
            }
            pending.resize(filled.value());
            pendingOffset = 0;
            if (filled.value() == 0) {
                inputDone = true;
                closeFd(toWorker);
            }
        }
        pollfd fds[2] = {{fromWorker, POLLIN, 0}, {toWorker, POLLOUT, 0}};
        const int watched = toWorker >= 0 ? 2 : 1;
        const int ready = ::poll(fds, nfds_t(watched), int(std::min<qint64>(remaining, 1000)));
        if (ready < 0 && errno != EINTR) {
            readFailure = makeError(QString::fromLatin1(errc::kInternal),
                                    QStringLiteral("Waiting for the derive worker failed: %1.")
                                        .arg(QString::fromLocal8Bit(std::strerror(errno))));
            break;
        }
        if (ready <= 0)
            continue;
        if (fds[0].revents != 0) {
            char buffer[64 * 1024];
            const ssize_t count = ::read(fromWorker, buffer, sizeof buffer);
            if (count == 0) {
                closeFd(fromWorker);
            } else if (count > 0) {
                output.append(buffer, qsizetype(count));
                if (output.size() > outputLimit) {
                    tooLarge = true;
                    break;
                }
            }
        }
        if (watched == 2 && fds[1].revents != 0) {
            const ssize_t count = ::write(toWorker, pending.constData() + pendingOffset,
                                          size_t(pending.size() - pendingOffset));
            if (count > 0) {
                pendingOffset += qsizetype(count);
            } else if (count < 0 && errno != EAGAIN && errno != EINTR) {
                // The worker stopped reading (it finished early or crashed); its exit status
                // and output tell which.
                closeFd(toWorker);
            }
        }
    }
    closeFd(toWorker);
    closeFd(fromWorker);
    if (timedOut || tooLarge || readFailure) {
        // The guard kills and reaps the worker.
        if (readFailure)
            return *readFailure;
        if (timedOut) {
            return workerError(derivec::kWorkerTimeout,
                               QStringLiteral("The derive worker was killed after %1 s.")
                                   .arg(m_limits.timeoutSeconds));
        }
        return workerError(derivec::kOutputTooLarge,
                           QStringLiteral("The derive worker was killed: its output is over %1 "
                                          "bytes.")
                               .arg(outputLimit));
    }

    // The output is closed; the worker gets until the deadline to exit.
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR) {
            return makeError(QString::fromLatin1(errc::kInternal),
                             QStringLiteral("Waiting for the derive worker failed: %1.")
                                 .arg(QString::fromLocal8Bit(std::strerror(errno))));
        }
        if (monotonicMilliseconds() >= deadline) {
            return workerError(derivec::kWorkerTimeout,
                               QStringLiteral("The derive worker was killed after %1 s.")
                                   .arg(m_limits.timeoutSeconds));
        }
        ::usleep(kExitPollMilliseconds * 1000);
    }
    guard.release();

    if (WIFSIGNALED(status)) {
        return workerError(derivec::kWorkerKilled,
                           QStringLiteral("The derive worker ended with signal %1.")
                               .arg(WTERMSIG(status)));
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return workerError(derivec::kWorkerFailed,
                           QStringLiteral("The derive worker exited with status %1.")
                               .arg(WEXITSTATUS(status)));
    }
    auto decoded = derive::decodeOutput(output);
    if (!decoded)
        return decoded.error();
    if (!decoded->errorCode.isEmpty() && !isWorkerErrorCode(decoded->errorCode)) {
        return workerError(derivec::kOutputInvalid,
                           QStringLiteral("The derive worker sent an unknown error code."));
    }
    return decoded;
}

} // namespace chartinsight::server
