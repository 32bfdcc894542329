#include "Terminal.h"

#include <cstdio>
#include <iostream>
#include <string>

#ifdef Q_OS_WIN
#include <io.h>
#include <windows.h>
#else
#include <csignal>
#include <termios.h>
#include <unistd.h>
#endif

namespace chartinsight::cli {
namespace {

#ifndef Q_OS_WIN
// Terminal settings to restore when SIGINT or SIGTERM arrives while echo is off, so an
// interrupted prompt never leaves the user's shell without echo.
struct termios s_savedTerminal;
volatile std::sig_atomic_t s_echoDisabled = 0;

extern "C" void restoreTerminalAndExit(int signalNumber)
{
    if (s_echoDisabled)
        tcsetattr(STDIN_FILENO, TCSANOW, &s_savedTerminal);
    std::signal(signalNumber, SIG_DFL);
    std::raise(signalNumber);
}
#endif

} // namespace

bool isStandardInputTerminal()
{
#ifdef Q_OS_WIN
    return _isatty(_fileno(stdin));
#else
    return isatty(STDIN_FILENO) == 1;
#endif
}

bool isStandardErrorTerminal()
{
#ifdef Q_OS_WIN
    return _isatty(_fileno(stderr));
#else
    return isatty(STDERR_FILENO) == 1;
#endif
}

std::optional<QString> readLineFromStandardInput()
{
    std::string line;
    if (!std::getline(std::cin, line))
        return std::nullopt;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return QString::fromStdString(line);
}

std::optional<QString> readPasswordFromTerminal(const QString& prompt)
{
    std::fputs(prompt.toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
#ifdef Q_OS_WIN
    HANDLE input = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode = 0;
    const bool changed =
        GetConsoleMode(input, &mode) && SetConsoleMode(input, mode & ~DWORD(ENABLE_ECHO_INPUT));
    std::optional<QString> line = readLineFromStandardInput();
    if (changed)
        SetConsoleMode(input, mode);
#else
    const bool saved = tcgetattr(STDIN_FILENO, &s_savedTerminal) == 0;
    if (saved) {
        struct termios silent = s_savedTerminal;
        silent.c_lflag &= ~tcflag_t(ECHO);
        silent.c_lflag |= ECHONL;
        std::signal(SIGINT, restoreTerminalAndExit);
        std::signal(SIGTERM, restoreTerminalAndExit);
        s_echoDisabled = tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) == 0;
    }
    std::optional<QString> line = readLineFromStandardInput();
    if (s_echoDisabled) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &s_savedTerminal);
        s_echoDisabled = 0;
    }
    if (saved) {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }
#endif
    return line;
}

} // namespace chartinsight::cli
