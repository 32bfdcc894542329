#include "PreviewContent.h"

#include "UiLogging.h"

#include <QImageReader>
#include <QPainter>
#include <QPdfDocument>
#include <QSet>
#include <QStringDecoder>
#include <QThread>

#include <algorithm>

namespace chartinsight::ui {
namespace {

// The PDF specification lets "%PDF-" start anywhere in the first 1024 bytes.
constexpr qsizetype kPdfHeaderWindow = 1024;
// Tallest page image rendered, as a multiple of kMaxRenderWidth (long receipts, ECG strips).
constexpr int kMaxRenderAspect = 8;
// Points are 1/72 inch; at a page's natural size one point becomes 96/72 pixels, as on screen.
constexpr double kPixelsPerPoint = 96.0 / 72.0;

// Raster formats shown inline. Others that Qt can read (SVG, PDF through the image plugin,
// icons) are offered for download only.
bool isShownImageFormat(const QByteArray& format)
{
    static const QSet<QByteArray> formats = {"png", "jpeg", "jpg",  "gif",
                                             "bmp", "webp", "tiff", "tif"};
    return formats.contains(format.toLower());
}

// Control characters other than tab, line feed, form feed and carriage return mark binary data.
bool looksLikeText(const QString& text)
{
    return std::none_of(text.cbegin(), text.cend(), [](QChar c) {
        const char16_t unit = c.unicode();
        return (unit < 0x20 && unit != u'\t' && unit != u'\n' && unit != u'\f' && unit != u'\r') ||
               unit == 0x7f;
    });
}

void wipe(char* data, qsizetype size)
{
    volatile char* bytes = data;
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = 0;
}

} // namespace

PreviewContent::PreviewContent(QByteArray bytes)
    : m_bytes(std::move(bytes)), m_buffer(&m_bytes, this), m_byteCount(m_bytes.size())
{
}

PreviewContent::~PreviewContent()
{
    delete m_pdf;
    m_buffer.close();
    // NOTE: this wipes only this object's copy. Copies inside pdfium, the image decoders and
    // the text layout of the view are released without wiping.
    if (!m_bytes.isEmpty())
        wipe(m_bytes.data(), m_bytes.size());
    if (!m_text.isEmpty())
        wipe(reinterpret_cast<char*>(m_text.data()), m_text.size() * qsizetype(sizeof(QChar)));
}

std::shared_ptr<PreviewContent> PreviewContent::create(QByteArray bytes, QThread* targetThread)
{
    auto* content = new PreviewContent(std::move(bytes));
    content->classify();
    content->moveToThread(targetThread);
    // Deleted on its own thread, because the image provider's thread may drop the last copy.
    return std::shared_ptr<PreviewContent>(content, [](PreviewContent* released) {
        if (released->thread() == QThread::currentThread())
            delete released;
        else
            released->deleteLater();
    });
}

void PreviewContent::classify()
{
    if (m_bytes.left(kPdfHeaderWindow).contains("%PDF-")) {
        if (loadPdf())
            m_kind = Kind::Pdf;
        return;
    }
    if (loadImage()) {
        m_kind = Kind::Image;
        return;
    }
    if (m_problem.isEmpty() && loadText())
        m_kind = Kind::Text;
}

bool PreviewContent::loadPdf()
{
    m_pdf = new QPdfDocument(this);
    m_buffer.open(QIODevice::ReadOnly);
    // A QBuffer is random-access and complete, so load() parses it before returning.
    m_pdf->load(&m_buffer);
    if (m_pdf->status() == QPdfDocument::Status::Ready && m_pdf->pageCount() > 0)
        return true;

    const QPdfDocument::Error error = m_pdf->error();
    qCInfo(lcUiViewer) << "PDF could not be opened, QPdfDocument error" << int(error);
    if (error == QPdfDocument::Error::IncorrectPassword ||
        error == QPdfDocument::Error::UnsupportedSecurityScheme) {
        m_problem = tr("This PDF is password-protected, so it cannot be shown here. Use "
                       "Download and open it with a PDF reader.");
    } else {
        m_problem = tr("This PDF could not be opened; it may be damaged. Use Download to open "
                       "it in another program.");
    }
    delete m_pdf;
    m_pdf = nullptr;
    m_buffer.close();
    return false;
}

bool PreviewContent::loadImage()
{
    m_buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&m_buffer);
    reader.setDecideFormatFromContent(true);
    const QByteArray format = reader.format();
    if (!isShownImageFormat(format)) {
        m_buffer.close();
        return false;
    }
    // QImageReader::allocationLimit() (256 MiB by default) bounds the decoded size.
    reader.setAutoTransform(true);
    m_image = reader.read();
    m_buffer.close();
    if (m_image.isNull()) {
        qCInfo(lcUiViewer) << "image could not be decoded, format" << format << "error"
                           << int(reader.error());
        m_problem = tr("This image could not be decoded (%1). Use Download to open it in "
                       "another program.")
                        .arg(reader.errorString());
        return false;
    }
    return true;
}

bool PreviewContent::loadText()
{
    // A stateful decoder keeps a sequence cut at the limit pending instead of reporting it.
    QStringDecoder decoder(QStringDecoder::Utf8);
    QString text =
        decoder.decode(QByteArrayView(m_bytes).first(std::min(m_bytes.size(), kMaxTextBytes)));
    if (decoder.hasError() || !looksLikeText(text))
        return false;
    m_text = std::move(text);
    m_textTruncated = m_bytes.size() > kMaxTextBytes;
    return true;
}

int PreviewContent::pageCount() const
{
    switch (m_kind) {
    case Kind::Pdf:
        return m_pdf->pageCount();
    case Kind::Image:
        return 1;
    case Kind::Text:
    case Kind::Unsupported:
        break;
    }
    return 0;
}

QSizeF PreviewContent::pageSize(int page) const
{
    if (page < 0 || page >= pageCount())
        return {};
    if (m_kind == Kind::Pdf)
        return m_pdf->pagePointSize(page);
    return QSizeF(m_image.size());
}

QImage PreviewContent::render(int page, int width) const
{
    const QMutexLocker lock(&m_renderMutex);
    const QSizeF natural = pageSize(page);
    if (natural.isEmpty())
        return {};
    const double scale = m_kind == Kind::Pdf ? kPixelsPerPoint : 1.0;
    const int naturalWidth = std::max(1, qRound(natural.width() * scale));
    const int targetWidth = std::clamp(width > 0 ? width : naturalWidth, 1, kMaxRenderWidth);
    const int targetHeight = std::clamp(qRound(targetWidth * natural.height() / natural.width()), 1,
                                        kMaxRenderWidth * kMaxRenderAspect);
    const QSize size(targetWidth, targetHeight);

    const QImage drawn =
        m_kind == Kind::Pdf ? m_pdf->render(page, size)
                            : m_image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    // Pages and transparent images get white paper, whatever the window's colours.
    QImage paper(size, QImage::Format_RGB32);
    paper.fill(Qt::white);
    QPainter painter(&paper);
    painter.drawImage(0, 0, drawn);
    return paper;
}

} // namespace chartinsight::ui
