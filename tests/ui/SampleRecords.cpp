#include "SampleRecords.h"

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QPdfWriter>
#include <QRadialGradient>

namespace chartinsight::test {

QByteArray samplePdf(int pages)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setResolution(72);
    writer.setTitle(QStringLiteral("Discharge summary"));

    QPainter painter(&writer);
    const int width = writer.width();
    for (int page = 0; page < pages; ++page) {
        if (page > 0)
            writer.newPage();
        painter.fillRect(QRect(0, 0, width, 56), QColor(0x15, 0x65, 0xc0));
        painter.setPen(Qt::white);
        painter.setFont(QFont(QStringLiteral("DejaVu Sans"), 18, QFont::Bold));
        painter.drawText(QRect(36, 0, width - 72, 56), Qt::AlignVCenter,
                         QStringLiteral("Discharge summary"));
        painter.setPen(Qt::black);
        painter.setFont(QFont(QStringLiteral("DejaVu Sans"), 11));
        int y = 100;
        const QStringList lines = {
            QStringLiteral("Patient: Test Patient (sample data)"),
            QStringLiteral("Admitted: 2026-11-20    Discharged: 2026-11-28"),
            QStringLiteral("Diagnosis: community-acquired pneumonia, resolved"),
            QStringLiteral("Medication: amoxicillin 500 mg three times a day for 5 days"),
            QStringLiteral("Follow-up: general practitioner in two weeks"),
        };
        for (const QString& line : lines) {
            painter.drawText(36, y, line);
            y += 24;
        }
        painter.setPen(QPen(QColor(0xd9, 0x3b, 0x3b), 2));
        QPolygon pulse;
        for (int x = 0; x < width - 72; x += 12)
            pulse << QPoint(36 + x, 320 + ((x / 12) % 6 == 3 ? -40 : (x / 12) % 6 == 4 ? 30 : 0));
        painter.drawPolyline(pulse);
        painter.setPen(Qt::gray);
        painter.drawText(36, writer.height() - 30,
                         QStringLiteral("Page %1 of %2").arg(page + 1).arg(pages));
    }
    painter.end();
    return bytes;
}

QByteArray sampleImage(const char* format)
{
    QImage image(640, 480, QImage::Format_RGB32);
    image.fill(Qt::black);
    QPainter painter(&image);
    QRadialGradient gradient(QPointF(320, 240), 260);
    gradient.setColorAt(0.0, QColor(0xe0, 0xe0, 0xe0));
    gradient.setColorAt(0.6, QColor(0x70, 0x70, 0x70));
    gradient.setColorAt(1.0, Qt::black);
    painter.setBrush(gradient);
    painter.setPen(Qt::NoPen);
    painter.drawEllipse(QPointF(320, 240), 240, 200);
    painter.setBrush(QColor(0xf5, 0xf5, 0xf5));
    painter.drawRoundedRect(QRectF(290, 60, 60, 360), 24, 24);
    painter.end();

    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format);
    return bytes;
}

QByteArray sampleText()
{
    return QStringLiteral("Laboratory report (sample data)\n"
                          "===============================\n\n"
                          "Haemoglobin      13.9 g/dL    (13.0–17.0)\n"
                          "Leukocytes       7.2 ×10⁹/L   (4.0–10.0)\n"
                          "CRP              4 mg/L       (< 5)\n\n"
                          "Befund: unauffällig. Résultat normal.\n")
        .toUtf8();
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.flush();
}

} // namespace chartinsight::test
