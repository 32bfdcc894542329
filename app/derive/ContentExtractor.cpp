#include "ContentExtractor.h"

#include <QBuffer>
#include <QImage>
#include <QImageReader>
#include <QImageWriter>
#include <QStringDecoder>

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <memory>
#include <sys/resource.h>

namespace chartinsight::derive {
namespace {

constexpr double kPointsPerInch = 72.0;

Extracted failure(const char* code)
{
    Extracted extracted;
    extracted.errorCode = QString::fromLatin1(code);
    return extracted;
}

// Poppler prints parser complaints to standard error by default. They can quote the file's
// content, and the server discards the worker's standard error anyway.
void ignorePopplerMessage(const std::string&, void*) {}

// Bytes a decoded image may take: a quarter of RLIMIT_AS, and at most Qt's own allocation limit
// (QImageReader::allocationLimit(), in MiB).
qint64 imageMemoryLimit()
{
    const qint64 qtLimit = qint64(QImageReader::allocationLimit()) * 1024 * 1024;
    rlimit addressSpace = {};
    if (::getrlimit(RLIMIT_AS, &addressSpace) != 0 || addressSpace.rlim_cur == RLIM_INFINITY)
        return qtLimit;
    return std::min(qtLimit, qint64(addressSpace.rlim_cur / 4));
}

QSize fittedSize(const QSize& size)
{
    if (size.width() <= kMaxPreviewSide && size.height() <= kMaxPreviewSide)
        return size;
    return size.scaled(kMaxPreviewSide, kMaxPreviewSide, Qt::KeepAspectRatio);
}

QByteArray encodePng(const QImage& image)
{
    QImage fitted = image;
    if (fitted.width() > kMaxPreviewSide || fitted.height() > kMaxPreviewSide) {
        fitted = fitted.scaled(fittedSize(fitted.size()), Qt::KeepAspectRatio,
                               Qt::SmoothTransformation);
    }
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, "png");
    if (!writer.write(fitted))
        return {};
    return png;
}

QByteArray pdfText(const poppler::document& document)
{
    QByteArray text;
    const int pages = document.pages();
    for (int index = 0; index < pages && text.size() < kMaxTextBytes; ++index) {
        const std::unique_ptr<poppler::page> page(document.create_page(index));
        if (!page)
            continue;
        const poppler::byte_array utf8 = page->text().to_utf8();
        if (utf8.empty())
            continue;
        if (!text.isEmpty())
            text += '\n';
        text.append(utf8.data(), qsizetype(utf8.size()));
    }
    return truncateUtf8(text.trimmed(), kMaxTextBytes);
}

QByteArray pdfPreview(const poppler::document& document)
{
    const std::unique_ptr<poppler::page> page(document.create_page(0));
    if (!page)
        return {};
    const poppler::rectf box = page->page_rect();
    const double longestSide = std::max(box.width(), box.height());
    if (!(longestSide > 0))
        return {};
    // The resolution that makes the longest side kMaxPreviewSide pixels.
    const double dpi = kPointsPerInch * kMaxPreviewSide / longestSide;
    poppler::page_renderer renderer;
    renderer.set_render_hint(poppler::page_renderer::antialiasing);
    renderer.set_render_hint(poppler::page_renderer::text_antialiasing);
    renderer.set_image_format(poppler::image::format_argb32);
    const poppler::image rendered = renderer.render_page(page.get(), dpi, dpi);
    if (!rendered.is_valid() || rendered.format() != poppler::image::format_argb32)
        return {};
    const QImage view(reinterpret_cast<const uchar*>(rendered.const_data()), rendered.width(),
                      rendered.height(), rendered.bytes_per_row(), QImage::Format_ARGB32);
    return encodePng(view.convertToFormat(QImage::Format_RGB32));
}

Extracted extractPdf(const QByteArray& input)
{
    poppler::set_debug_error_function(ignorePopplerMessage, nullptr);
    if (input.size() > INT_MAX)
        return failure(derivec::kInputTooLarge);
    const std::unique_ptr<poppler::document> document(
        poppler::document::load_from_raw_data(input.constData(), int(input.size())));
    if (!document)
        return failure(derivec::kDamagedContent);
    if (document->is_locked())
        return failure(derivec::kEncryptedContent);
    if (document->pages() < 1)
        return failure(derivec::kDamagedContent);
    Extracted extracted;
    extracted.text = pdfText(*document);
    extracted.preview = pdfPreview(*document);
    if (extracted.text.isEmpty() && extracted.preview.isEmpty())
        return failure(derivec::kDamagedContent);
    return extracted;
}

Extracted extractImage(const QByteArray& input)
{
    QByteArray bytes = input;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setDecideFormatFromContent(true);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (!size.isValid())
        return failure(derivec::kDamagedContent);
    // A decoded image may take a quarter of the address space the server allows this process,
    // which leaves room for the libraries and the scaled copy. Larger images are rejected
    // before decoding; a decoder that still runs out of memory returns a null image.
    const qint64 bytesNeeded = qint64(size.width()) * size.height() * 4;
    if (bytesNeeded > imageMemoryLimit())
        return failure(derivec::kImageTooLarge);
    // JPEG decodes straight to a smaller size, which saves most of the memory and time.
    if (reader.supportsOption(QImageIOHandler::ScaledSize))
        reader.setScaledSize(fittedSize(size));
    const QImage image = reader.read();
    if (image.isNull())
        return failure(derivec::kDamagedContent);
    Extracted extracted;
    extracted.preview = encodePng(image.hasAlphaChannel()
                                      ? image.convertToFormat(QImage::Format_ARGB32)
                                      : image.convertToFormat(QImage::Format_RGB32));
    if (extracted.preview.isEmpty())
        return failure(derivec::kDamagedContent);
    return extracted;
}

Extracted extractText(const QByteArray& input)
{
    // Invalid sequences become U+FFFD, so the stored text is always valid UTF-8. A character
    // cut at the end of the window becomes one U+FFFD, which truncateUtf8 then drops.
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder(input.left(kMaxTextBytes + 4));
    Extracted extracted;
    extracted.text = truncateUtf8(text.toUtf8(), kMaxTextBytes);
    if (extracted.text.startsWith("\xef\xbb\xbf"))
        extracted.text.remove(0, 3);
    return extracted;
}

} // namespace

QByteArray truncateUtf8(QByteArray text, qsizetype maxBytes)
{
    if (text.size() <= maxBytes)
        return text;
    qsizetype cut = maxBytes;
    // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
    while (cut > 0 && (quint8(text.at(cut)) & 0xc0) == 0x80)
        --cut;
    text.truncate(cut);
    return text;
}

Extracted extract(ContentKind kind, const QByteArray& input)
{
    switch (kind) {
    case ContentKind::Pdf:
        return extractPdf(input);
    case ContentKind::Image:
        return extractImage(input);
    case ContentKind::Text:
        return extractText(input);
    case ContentKind::None:
        break;
    }
    return failure(derivec::kUnsupportedContent);
}

} // namespace chartinsight::derive
