#include "DerivedContentSupport.h"

#include "support/TestSupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>

namespace chartinsight::test {
namespace {

QByteArray pdfWithContent(const QByteArray& content, bool compress)
{
    // qCompress() puts the expanded size in 4 bytes before the zlib stream that FlateDecode
    // reads.
    const QByteArray stream = compress ? qCompress(content, 9).mid(4) : content;
    const QList<QByteArray> objects{
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R "
        ">> >> /Contents 4 0 R >>",
        "<< /Length " + QByteArray::number(stream.size()) +
            (compress ? " /Filter /FlateDecode" : "") + " >>\nstream\n" + stream + "\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    };
    QByteArray pdf = "%PDF-1.4\n";
    QList<qsizetype> offsets;
    for (qsizetype i = 0; i < objects.size(); ++i) {
        offsets << pdf.size();
        pdf += QByteArray::number(i + 1) + " 0 obj\n" + objects.at(i) + "\nendobj\n";
    }
    const qsizetype xref = pdf.size();
    pdf += "xref\n0 " + QByteArray::number(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const qsizetype offset : offsets)
        pdf += QByteArray::number(offset).rightJustified(10, '0') + " 00000 n \n";
    pdf += "trailer\n<< /Size " + QByteArray::number(objects.size() + 1) +
           " /Root 1 0 R >>\nstartxref\n" + QByteArray::number(xref) + "\n%%EOF\n";
    return pdf;
}

} // namespace

QByteArray makeTextPdf(const QByteArray& text)
{
    return pdfWithContent("BT /F1 24 Tf 72 700 Td (" + text + ") Tj ET", false);
}

QByteArray makeSlowPdf(int operators)
{
    const QByteArray body = QByteArray("(KESTREL a b c d) Tj 0 0 Td ").repeated(operators);
    return pdfWithContent("BT /F1 1 Tf " + body + "ET", true);
}

QByteArray makePng(int width, int height)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("image.png"));
    const ProcessOutput made = runProcess(
        QStringLiteral("convert"),
        {QStringLiteral("-size"), QStringLiteral("%1x%2").arg(width).arg(height),
         QStringLiteral("xc:#3366cc"), path});
    QFile file(path);
    if (made.exitCode != 0 || !file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QPair<int, int> pngSize(const QByteArray& png)
{
    if (!png.startsWith("\x89PNG\r\n\x1a\n") || png.size() < 24 || png.mid(12, 4) != "IHDR")
        return {-1, -1};
    return {int(qFromBigEndian<quint32>(png.constData() + 16)),
            int(qFromBigEndian<quint32>(png.constData() + 20))};
}

} // namespace chartinsight::test
