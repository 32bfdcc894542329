#include "DeriveProtocol.h"

#include <QStringDecoder>
#include <QtEndian>

#include <cstring>

namespace chartinsight::derive {
namespace {

constexpr qsizetype kFrameHeaderSize = 5; // kind byte and uint32 size

bool startsWith(const QByteArray& bytes, const char* prefix, qsizetype size, qsizetype at = 0)
{
    return bytes.size() >= at + size && std::memcmp(bytes.constData() + at, prefix, size) == 0;
}

// A BMP starts with "BM", which plain text may too, so its header size field must also hold
// one of the sizes of the Windows and OS/2 bitmap headers.
bool isBmp(const QByteArray& head)
{
    if (!startsWith(head, "BM", 2) || head.size() < 18)
        return false;
    const quint32 headerSize = qFromLittleEndian<quint32>(head.constData() + 14);
    return headerSize == 12 || headerSize == 40 || headerSize == 52 || headerSize == 56 ||
           headerSize == 64 || headerSize == 108 || headerSize == 124;
}

bool isImage(const QByteArray& head)
{
    return startsWith(head, "\x89PNG\r\n\x1a\n", 8) || startsWith(head, "\xff\xd8\xff", 3) ||
           startsWith(head, "GIF87a", 6) || startsWith(head, "GIF89a", 6) ||
           (startsWith(head, "RIFF", 4) && startsWith(head, "WEBP", 4, 8)) ||
           startsWith(head, "II*\0", 4) || startsWith(head, "MM\0*", 4) || isBmp(head);
}

bool isText(const QByteArray& head, bool wholeFile)
{
    QByteArray bytes = head;
    if (!wholeFile) {
        // Drop a character cut at the end of the window: up to 3 continuation bytes after
        // its lead byte.
        qsizetype cut = bytes.size();
        for (int back = 1; back <= 4 && cut - back >= 0; ++back) {
            const auto byte = quint8(bytes.at(cut - back));
            if ((byte & 0xc0) != 0x80) {
                if (byte >= 0xc0)
                    bytes.truncate(cut - back);
                break;
            }
        }
    }
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder(bytes);
    if (decoder.hasError())
        return false;
    for (const QChar character : text) {
        const char16_t unit = character.unicode();
        const bool control = (unit < 0x20 && unit != u'\t' && unit != u'\n' && unit != u'\f' &&
                              unit != u'\r') ||
                             unit == 0x7f;
        if (control)
            return false;
    }
    return true;
}

Error invalidOutput(const QString& what)
{
    return makeError(QString::fromLatin1(derivec::kOutputInvalid),
                     QStringLiteral("The derive worker's output is invalid: %1.").arg(what));
}

qsizetype frameLimit(FrameKind kind)
{
    switch (kind) {
    case FrameKind::Text:
        return kMaxTextBytes;
    case FrameKind::Preview:
        return kMaxPreviewBytes;
    case FrameKind::Error:
        return kMaxErrorBytes;
    case FrameKind::End:
        return 0;
    }
    return -1;
}

bool isFrameKind(char value)
{
    return value == char(FrameKind::Text) || value == char(FrameKind::Preview) ||
           value == char(FrameKind::Error) || value == char(FrameKind::End);
}

} // namespace

ContentKind detectContentKind(const QByteArray& head, bool wholeFile)
{
    const QByteArray window = head.left(kDetectBytes);
    if (window.isEmpty())
        return ContentKind::None;
    // The PDF specification lets "%PDF-" start anywhere in the first 1024 bytes.
    if (window.left(1024).contains("%PDF-"))
        return ContentKind::Pdf;
    if (isImage(window))
        return ContentKind::Image;
    if (isText(window, wholeFile && head.size() <= kDetectBytes))
        return ContentKind::Text;
    return ContentKind::None;
}

QString contentKindName(ContentKind kind)
{
    switch (kind) {
    case ContentKind::Pdf:
        return QStringLiteral("pdf");
    case ContentKind::Image:
        return QStringLiteral("image");
    case ContentKind::Text:
        return QStringLiteral("text");
    case ContentKind::None:
        break;
    }
    return QStringLiteral("none");
}

std::optional<ContentKind> contentKindFromName(const QString& name)
{
    for (ContentKind kind : {ContentKind::Pdf, ContentKind::Image, ContentKind::Text}) {
        if (name == contentKindName(kind))
            return kind;
    }
    return std::nullopt;
}

QByteArray encodeFrame(FrameKind kind, const QByteArray& payload)
{
    QByteArray frame(kFrameHeaderSize, Qt::Uninitialized);
    frame[0] = char(kind);
    qToBigEndian<quint32>(quint32(payload.size()), frame.data() + 1);
    frame += payload;
    return frame;
}

qsizetype maxOutputBytes()
{
    return qsizetype(sizeof(kOutputMagic) - 1) + 4 * kFrameHeaderSize + kMaxTextBytes +
           kMaxPreviewBytes + kMaxErrorBytes;
}

Result<WorkerOutput> decodeOutput(const QByteArray& output)
{
    const qsizetype magicSize = qsizetype(sizeof(kOutputMagic) - 1);
    if (!startsWith(output, kOutputMagic, magicSize))
        return invalidOutput(QStringLiteral("it does not start with the protocol's magic"));
    WorkerOutput parsed;
    QByteArray seen;
    qsizetype offset = magicSize;
    for (;;) {
        if (output.size() - offset < kFrameHeaderSize)
            return invalidOutput(QStringLiteral("it ends before the end frame"));
        const char kindByte = output.at(offset);
        if (!isFrameKind(kindByte))
            return invalidOutput(QStringLiteral("unknown frame kind %1").arg(int(kindByte)));
        if (seen.contains(kindByte))
            return invalidOutput(QStringLiteral("frame kind %1 repeats").arg(QChar(kindByte)));
        seen += kindByte;
        const auto kind = FrameKind(kindByte);
        const quint32 size = qFromBigEndian<quint32>(output.constData() + offset + 1);
        if (qint64(size) > frameLimit(kind))
            return invalidOutput(QStringLiteral("a frame of %1 bytes is over its limit").arg(size));
        offset += kFrameHeaderSize;
        if (output.size() - offset < qsizetype(size))
            return invalidOutput(QStringLiteral("a frame is cut short"));
        const QByteArray payload = output.mid(offset, size);
        offset += size;
        switch (kind) {
        case FrameKind::Text:
            parsed.text = payload;
            break;
        case FrameKind::Preview:
            parsed.preview = payload;
            break;
        case FrameKind::Error:
            parsed.errorCode = QString::fromLatin1(payload);
            break;
        case FrameKind::End:
            if (offset != output.size())
                return invalidOutput(QStringLiteral("bytes follow the end frame"));
            return parsed;
        }
    }
}

} // namespace chartinsight::derive
