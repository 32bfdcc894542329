#pragma once

#include <QBuffer>
#include <QByteArray>
#include <QImage>
#include <QMutex>
#include <QObject>
#include <QSizeF>
#include <QString>

#include <memory>

class QPdfDocument;
class QThread;

namespace chartinsight::ui {

// One record's bytes held in memory for display, decoded by content (never by file name): a
// PDF through QPdfDocument reading a QBuffer, a raster image through QImageReader, or UTF-8
// text. Nothing is written to disk. render() may run on the image provider's threads; every
// other method belongs to the thread the content was moved to.
class PreviewContent : public QObject
{
    Q_OBJECT

public:
    enum class Kind
    {
        Pdf,
        Image,
        Text,
        Unsupported
    };

    // Bytes of text shown at most; a longer text file shows its beginning with a note.
    static constexpr qsizetype kMaxTextBytes = 1024 * 1024;
    // Widest page image rendered, in pixels, so zooming cannot exhaust memory.
    static constexpr int kMaxRenderWidth = 4096;

    // Classifies and decodes `bytes`. May run on any thread; the content is then moved to
    // `targetThread`, where it must be released. Never returns null.
    static std::shared_ptr<PreviewContent> create(QByteArray bytes, QThread* targetThread);
    ~PreviewContent() override;

    Kind kind() const { return m_kind; }
    // Why a PDF or an image cannot be shown (damaged, password-protected); empty otherwise.
    QString problem() const { return m_problem; }
    qint64 byteCount() const { return m_byteCount; }
    // Pages of a PDF; 1 for an image; 0 otherwise.
    int pageCount() const;
    // Page size in points for a PDF, in pixels for an image; empty for a page out of range.
    QSizeF pageSize(int page) const;
    QString text() const { return m_text; }
    bool isTextTruncated() const { return m_textTruncated; }

    // Renders `page` at `width` pixels (the natural width when 0 or less), on a white
    // background. Thread-safe. Returns a null image for a page out of range.
    QImage render(int page, int width) const;

private:
    explicit PreviewContent(QByteArray bytes);
    void classify();
    bool loadPdf();
    bool loadImage();
    bool loadText();

    mutable QMutex m_renderMutex;
    QByteArray m_bytes; // plaintext of the record: zeroed on destruction
    QBuffer m_buffer;   // reads m_bytes in place, without a copy
    QPdfDocument* m_pdf = nullptr;
    QImage m_image;
    QString m_text; // protected health information: never logged
    QString m_problem;
    qint64 m_byteCount = 0;
    Kind m_kind = Kind::Unsupported;
    bool m_textTruncated = false;
};

} // namespace chartinsight::ui
