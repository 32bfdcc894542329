// chartinsight-derive: extracts the text and renders a preview of one file for the server.
// Usage: chartinsight-derive --type pdf|image|text < plaintext > framed output
// The server starts it per file with an empty environment, resource limits and a wall-clock
// kill (see server/DeriveWorker.h); the output format is in core/DeriveProtocol.h.
// Exit status: 0 with an end frame written (an error frame included), 2 for a bad command
// line, 1 when reading the input or writing the output failed.

#include "ContentExtractor.h"
#include "WorkerSandbox.h"
#include "core/DeriveProtocol.h"

#include <QByteArray>
#include <QString>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace {

using namespace chartinsight;

bool readAll(int fd, QByteArray& bytes)
{
    constexpr qsizetype kChunk = 256 * 1024;
    for (;;) {
        const qsizetype used = bytes.size();
        bytes.resize(used + kChunk);
        const ssize_t count = ::read(fd, bytes.data() + used, size_t(kChunk));
        if (count < 0 && errno == EINTR) {
            bytes.resize(used);
            continue;
        }
        if (count <= 0) {
            bytes.resize(used);
            return count == 0;
        }
        bytes.resize(used + qsizetype(count));
    }
}

bool writeAll(int fd, const QByteArray& bytes)
{
    qsizetype offset = 0;
    while (offset < bytes.size()) {
        const ssize_t count = ::write(fd, bytes.constData() + offset, size_t(bytes.size() - offset));
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0)
            return false;
        offset += qsizetype(count);
    }
    return true;
}

} // namespace

int main(int argc, char* argv[])
{
    if (argc != 3 || std::strcmp(argv[1], "--type") != 0) {
        std::fputs("usage: chartinsight-derive --type pdf|image|text < file > output\n", stderr);
        return 2;
    }
    const auto kind = derive::contentKindFromName(QString::fromLatin1(argv[2]));
    if (!kind) {
        std::fprintf(stderr, "chartinsight-derive: unknown --type \"%.16s\"; use pdf, image or "
                             "text\n",
                     argv[2]);
        return 2;
    }

    QByteArray input;
    if (!readAll(STDIN_FILENO, input)) {
        std::fprintf(stderr, "chartinsight-derive: reading standard input failed: %s\n",
                     std::strerror(errno));
        return 1;
    }
    // The parsers below handle hostile input, so from here on the process may read only the
    // system folders that fonts and image plugins come from.
    derive::restrictFileAccess();

    const derive::Extracted extracted = derive::extract(*kind, input);
    QByteArray output(derive::kOutputMagic);
    if (!extracted.errorCode.isEmpty()) {
        output += derive::encodeFrame(derive::FrameKind::Error, extracted.errorCode.toLatin1());
    } else {
        if (!extracted.text.isEmpty())
            output += derive::encodeFrame(derive::FrameKind::Text, extracted.text);
        if (!extracted.preview.isEmpty())
            output += derive::encodeFrame(derive::FrameKind::Preview, extracted.preview);
    }
    output += derive::encodeFrame(derive::FrameKind::End, {});
    if (!writeAll(STDOUT_FILENO, output)) {
        std::fprintf(stderr, "chartinsight-derive: writing standard output failed: %s\n",
                     std::strerror(errno));
        return 1;
    }
    return 0;
}
