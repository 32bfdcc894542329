#include "SampleRecords.h"
#include "UiTestEnvironment.h"
#include "ui/PreviewContent.h"
#include "ui/RecordImageProvider.h"
#include "ui/RecordViewer.h"

#include <QGuiApplication>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using chartinsight::ui::PreviewContent;
using chartinsight::ui::RecordImageProvider;
using chartinsight::ui::RecordViewer;
using Kind = chartinsight::ui::PreviewContent::Kind;

namespace {

const QString kRecordId = QStringLiteral("123e4567-e89b-42d3-a456-426614174000");

std::shared_ptr<PreviewContent> contentOf(const QByteArray& bytes)
{
    return PreviewContent::create(bytes, QThread::currentThread());
}

int distinctColours(const QImage& image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

} // namespace

class TestPreviewContent : public QObject
{
    Q_OBJECT

private slots:
    void pdfPages();
    void pdfRender();
    void pdfRenderWidthCapped();
    void pageOutOfRange();
    void damagedPdf();
    void images_data();
    void images();
    void text();
    void longTextTruncated();
    void cutCharacterAtLimit();
    void emptyFileIsText();
    void unsupported_data();
    void unsupported();
    void svgShownAsText();
    void imageProvider();
    void viewerShowsBytes();
};

void TestPreviewContent::pdfPages()
{
    const auto content = contentOf(chartinsight::test::samplePdf(3));
    QCOMPARE(content->kind(), Kind::Pdf);
    QCOMPARE(content->pageCount(), 3);
    QVERIFY(content->problem().isEmpty());
    // A4 in points.
    QCOMPARE(qRound(content->pageSize(0).width()), 595);
    QCOMPARE(qRound(content->pageSize(0).height()), 842);
}

void TestPreviewContent::pdfRender()
{
    const auto content = contentOf(chartinsight::test::samplePdf(1));
    const QImage page = content->render(0, 400);
    QCOMPARE(page.width(), 400);
    QCOMPARE(page.height(), qRound(400 * 842.0 / 595.0));
    QVERIFY2(distinctColours(page) > 10, "the rendered page is blank");
    // White paper, blue header band at the top.
    QCOMPARE(page.pixelColor(page.width() / 2, page.height() - 5), QColor(Qt::white));
    QVERIFY(page.pixelColor(page.width() / 2, 5).blue() > 150);
}

void TestPreviewContent::pdfRenderWidthCapped()
{
    const auto content = contentOf(chartinsight::test::samplePdf(1));
    QCOMPARE(content->render(0, 100000).width(), PreviewContent::kMaxRenderWidth);
}

void TestPreviewContent::pageOutOfRange()
{
    const auto content = contentOf(chartinsight::test::samplePdf(1));
    QVERIFY(content->render(1, 100).isNull());
    QVERIFY(content->render(-1, 100).isNull());
    QVERIFY(content->pageSize(5).isEmpty());
}

void TestPreviewContent::damagedPdf()
{
    QByteArray damaged = chartinsight::test::samplePdf(1);
    damaged.truncate(damaged.size() / 3);
    damaged.replace("obj", "xyz");
    const auto content = contentOf(damaged);
    QCOMPARE(content->kind(), Kind::Unsupported);
    QVERIFY2(content->problem().contains(QStringLiteral("PDF")), qPrintable(content->problem()));
    QCOMPARE(content->pageCount(), 0);
}

void TestPreviewContent::images_data()
{
    QTest::addColumn<QByteArray>("format");
    QTest::newRow("png") << QByteArray("PNG");
    QTest::newRow("jpeg") << QByteArray("JPEG");
    QTest::newRow("bmp") << QByteArray("BMP");
}

void TestPreviewContent::images()
{
    QFETCH(QByteArray, format);
    const auto content = contentOf(chartinsight::test::sampleImage(format.constData()));
    QCOMPARE(content->kind(), Kind::Image);
    QCOMPARE(content->pageCount(), 1);
    QCOMPARE(content->pageSize(0), QSizeF(640, 480));
    const QImage half = content->render(0, 320);
    QCOMPARE(half.size(), QSize(320, 240));
    QVERIFY2(distinctColours(half) > 10, "the rendered image is blank");
}

void TestPreviewContent::text()
{
    const auto content = contentOf(chartinsight::test::sampleText());
    QCOMPARE(content->kind(), Kind::Text);
    QVERIFY(content->text().contains(QStringLiteral("Befund: unauffällig.")));
    QVERIFY(!content->isTextTruncated());
    QCOMPARE(content->pageCount(), 0);
}

void TestPreviewContent::longTextTruncated()
{
    const QByteArray bytes = QByteArray("line of a long log\n").repeated(200000);
    QVERIFY(bytes.size() > PreviewContent::kMaxTextBytes);
    const auto content = contentOf(bytes);
    QCOMPARE(content->kind(), Kind::Text);
    QVERIFY(content->isTextTruncated());
    QCOMPARE(content->text().size(), PreviewContent::kMaxTextBytes);
}

void TestPreviewContent::cutCharacterAtLimit()
{
    // "é" is two bytes in UTF-8: the limit falls between them.
    QByteArray bytes(PreviewContent::kMaxTextBytes - 1, 'a');
    bytes += QStringLiteral("é and more").toUtf8();
    const auto content = contentOf(bytes);
    QCOMPARE(content->kind(), Kind::Text);
    QVERIFY(content->isTextTruncated());
    QCOMPARE(content->text().size(), PreviewContent::kMaxTextBytes - 1);
}

void TestPreviewContent::emptyFileIsText()
{
    const auto content = contentOf(QByteArray());
    QCOMPARE(content->kind(), Kind::Text);
    QVERIFY(content->text().isEmpty());
    QCOMPARE(content->byteCount(), qint64(0));
}

void TestPreviewContent::unsupported_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("invalid utf-8") << QByteArray("caf\xe9 au lait\n");
    QTest::newRow("nul bytes") << QByteArray("MZ\x90\x00\x03\x00\x00\x00", 8);
    QTest::newRow("escape codes") << QByteArray("\x1b[31mred\x1b[0m\n");
    QTest::newRow("zip") << QByteArray("PK\x03\x04\x14\x00\x00\x00", 8);
}

void TestPreviewContent::unsupported()
{
    QFETCH(QByteArray, bytes);
    const auto content = contentOf(bytes);
    QCOMPARE(content->kind(), Kind::Unsupported);
    QVERIFY(content->problem().isEmpty());
    QVERIFY(content->render(0, 100).isNull());
}

void TestPreviewContent::svgShownAsText()
{
    const QByteArray svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
                           "<rect width=\"10\" height=\"10\"/></svg>\n";
    QCOMPARE(contentOf(svg)->kind(), Kind::Text);
}

void TestPreviewContent::imageProvider()
{
    const QString key = RecordImageProvider::publish(contentOf(chartinsight::test::sampleImage()));
    RecordImageProvider provider;
    QSize size;
    const QImage image = provider.requestImage(key + QStringLiteral("/0"), &size, QSize(200, 0));
    QCOMPARE(image.width(), 200);
    QCOMPARE(size, image.size());
    QVERIFY(provider.requestImage(key + QStringLiteral("/1"), &size, QSize(200, 0)).isNull());
    QVERIFY(provider.requestImage(key + QStringLiteral("/x"), &size, QSize(200, 0)).isNull());

    RecordImageProvider::withdraw(key);
    QVERIFY(!RecordImageProvider::find(key));
    QVERIFY(provider.requestImage(key + QStringLiteral("/0"), &size, QSize(200, 0)).isNull());
}

void TestPreviewContent::viewerShowsBytes()
{
    RecordViewer viewer;
    QSignalSpy loaded(&viewer, &RecordViewer::loaded);
    viewer.showBytes(kRecordId, QStringLiteral("summary.pdf"), chartinsight::test::samplePdf(2));
    QCOMPARE(viewer.kind(), RecordViewer::ContentKind::Loading);
    QVERIFY(loaded.wait(30000));
    QCOMPARE(viewer.kind(), RecordViewer::ContentKind::Pdf);
    QCOMPARE(viewer.pageCount(), 2);
    QCOMPARE(viewer.fileName(), QStringLiteral("summary.pdf"));
    const QString prefix = viewer.pageSourcePrefix();
    QVERIFY2(prefix.startsWith(QStringLiteral("image://record/")), qPrintable(prefix));
    const QString key = prefix.section(QLatin1Char('/'), 3, 3);
    QVERIFY(RecordImageProvider::find(key));
    QCOMPARE(viewer.pageSource(1), QUrl(prefix + QStringLiteral("1")));

    viewer.close();
    QCOMPARE(viewer.kind(), RecordViewer::ContentKind::None);
    QVERIFY(viewer.pageSourcePrefix().isEmpty());
    QVERIFY(viewer.fileName().isEmpty());
    QVERIFY(!RecordImageProvider::find(key));
}

int main(int argc, char* argv[])
{
    const chartinsight::test::UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestPreviewContent test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestPreviewContent.moc"
