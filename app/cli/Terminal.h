#pragma once

#include <QString>

#include <optional>

namespace chartinsight::cli {

bool isStandardInputTerminal();
bool isStandardErrorTerminal();

// Reads one line from standard input without the line break; empty when input ended first.
std::optional<QString> readLineFromStandardInput();

// Prints `prompt` on standard error and reads one line from the terminal on standard input
// with echo turned off. Returns empty when input ended first.
std::optional<QString> readPasswordFromTerminal(const QString& prompt);

} // namespace chartinsight::cli
