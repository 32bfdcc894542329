#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

// The interface between the server and chartinsight-derive, the process that extracts text and
// renders previews of stored records. The server names the content kind on the command line
// (--type pdf|image|text), writes the plaintext to the worker's standard input and reads framed
// output from its standard output:
//
//   "CIDW1\n", then frames of  kind (1 byte) | payload size (uint32, big-endian) | payload
//
// with at most one text frame ('T', UTF-8), one preview frame ('P', PNG) or one error frame
// ('E', an error code from derivec below), and always an end frame ('Z', empty) last. Output
// without the end frame is incomplete and is discarded as a whole.
namespace chartinsight::derive {

enum class ContentKind
{
    None, // nothing to derive: binary data of another format, or an empty file
    Pdf,
    Image, // PNG, JPEG, GIF, BMP, WebP or TIFF
    Text,  // UTF-8 text without control characters other than tab, line and page breaks
};

// Bytes of the file's start that detectContentKind() looks at.
inline constexpr qsizetype kDetectBytes = 64 * 1024;
// Largest text kept, in bytes of UTF-8; longer text is cut at a character boundary.
inline constexpr qsizetype kMaxTextBytes = 1024 * 1024;
// Maximum length of a preview's longer side, in pixels.
inline constexpr int kMaxPreviewSide = 1024;
// Largest PNG accepted: a 1024 x 1024 RGBA image without any compression is 4 MiB of pixels.
inline constexpr qsizetype kMaxPreviewBytes = 6 * 1024 * 1024;
inline constexpr qsizetype kMaxErrorBytes = 64;
inline constexpr char kOutputMagic[] = "CIDW1\n";

enum class FrameKind : char
{
    Text = 'T',
    Preview = 'P',
    Error = 'E',
    End = 'Z',
};

// Classifies a file by its first bytes (up to kDetectBytes of them). `wholeFile` is true when
// `head` is the whole file, which matters for text cut in the middle of a character.
ContentKind detectContentKind(const QByteArray& head, bool wholeFile);

// "pdf", "image", "text" or "none".
QString contentKindName(ContentKind kind);
std::optional<ContentKind> contentKindFromName(const QString& name);

QByteArray encodeFrame(FrameKind kind, const QByteArray& payload);

// Maximum number of bytes a well-behaved worker writes, frames and magic included.
qsizetype maxOutputBytes();

// A worker's parsed output. `errorCode` is set when the worker could not process the content.
struct WorkerOutput
{
    QByteArray text;
    QByteArray preview;
    QString errorCode;
};

// Parses a worker's whole standard output. Fails with "derive_output_invalid" for a missing
// magic, an unknown or repeated frame, a frame over its size limit or a missing end frame.
Result<WorkerOutput> decodeOutput(const QByteArray& output);

} // namespace chartinsight::derive

// Error codes of generated content: the worker's error frames and the failed states of derive
// jobs (derive_jobs.error_code).
namespace chartinsight::derivec {

inline constexpr char kUnsupportedContent[] = "unsupported_content"; // no text, no preview
inline constexpr char kDamagedContent[] = "damaged_content";   // the parser rejected the file
inline constexpr char kEncryptedContent[] = "encrypted_content"; // a password-protected PDF
inline constexpr char kImageTooLarge[] = "image_too_large";      // over the decoder's limit
inline constexpr char kInputTooLarge[] = "input_too_large";      // over --derive-max-input
inline constexpr char kWorkerTimeout[] = "worker_timeout";       // killed at the wall-clock limit
inline constexpr char kWorkerKilled[] = "worker_killed"; // ended by a signal (memory, CPU limit)
inline constexpr char kWorkerFailed[] = "worker_failed"; // exited non-zero without an error frame
inline constexpr char kWorkerUnavailable[] = "worker_unavailable"; // could not be started
inline constexpr char kOutputTooLarge[] = "output_too_large";
inline constexpr char kOutputInvalid[] = "derive_output_invalid";

} // namespace chartinsight::derivec
