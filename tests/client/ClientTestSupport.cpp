#include "ClientTestSupport.h"

#include "client/SecretStore.h"
#include "support/TestSupport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>

#include <algorithm>
#include <memory>

namespace chartinsight::test {
namespace {

// Writes a one-page PDF 1.4 with one line of Helvetica text; argv: OUTPUT TEXT.
const char kMinimalPdfScript[] = R"PY(
import sys
path, text = sys.argv[1], sys.argv[2]
text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
content = ("BT /F1 18 Tf 72 720 Td (%s) Tj ET" % text).encode("latin-1")
objects = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
    b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
]
out = bytearray(b"%PDF-1.4\n")
offsets = []
for number, body in enumerate(objects, 1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
for offset in offsets:
    out += b"%010d 00000 n \n" % offset
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
with open(path, "wb") as f:
    f.write(out)
)PY";

} // namespace

bool runPython(const QString& script, const QStringList& arguments)
{
    const ProcessOutput output =
        runProcess(QStringLiteral("python3"), QStringList{QStringLiteral("-c"), script} + arguments,
                   {}, 300000);
    if (output.exitCode != 0)
        qWarning("python3 failed: %s", output.standardError.constData());
    return output.exitCode == 0;
}

QString makePdf(const QString& dir, const QString& name, const QString& text)
{
    recordTestSecret(name);
    const QString raw = QDir(dir).filePath(name + QStringLiteral(".raw"));
    const QString path = QDir(dir).filePath(name);
    if (!runPython(QString::fromLatin1(kMinimalPdfScript), {raw, text}))
        return {};
    const ProcessOutput converted =
        runProcess(QStringLiteral("pdftocairo"), {QStringLiteral("-pdf"), raw, path});
    QFile::remove(raw);
    if (converted.exitCode != 0) {
        qWarning("pdftocairo failed: %s", converted.standardError.constData());
        return {};
    }
    return path;
}

QString makePng(const QString& dir, const QString& name)
{
    recordTestSecret(name);
    const QString path = QDir(dir).filePath(name);
    const ProcessOutput output =
        runProcess(QStringLiteral("convert"),
                   {QStringLiteral("-size"), QStringLiteral("64x48"), QStringLiteral("xc:skyblue"),
                    QStringLiteral("-fill"), QStringLiteral("red"), QStringLiteral("-draw"),
                    QStringLiteral("circle 32,24 32,8"), path});
    if (output.exitCode != 0) {
        qWarning("convert failed: %s", output.standardError.constData());
        return {};
    }
    return path;
}

QString makeEicarFile(const QString& dir, const QString& name)
{
    return writeFile(dir, name, eicarBytes());
}

QString writeFile(const QString& dir, const QString& name, const QByteArray& bytes)
{
    recordTestSecret(name);
    const QString path = QDir(dir).filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        return {};
    return path;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString sha256OfFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

TaskOutcome waitForTask(client::ClientTask* started)
{
    std::unique_ptr<client::ClientTask> task(started);
    task->setAutoDelete(false);
    TaskOutcome outcome;
    QObject::connect(task.get(), &client::ClientTask::progress, task.get(),
                     [&outcome](client::ClientTask::Phase phase, qint64, qint64) {
                         if (outcome.phases.isEmpty() || outcome.phases.last() != phase)
                             outcome.phases.append(phase);
                     });
    task->wait();
    outcome.ok = task->succeeded();
    outcome.error = task->error();
    outcome.result = task->result();
    outcome.payload = task->payload();
    outcome.errorDetails = task->errorDetails();
    return outcome;
}

QStringList outboxMessages(const QString& dataDir)
{
    QDir outbox(dataDir + QStringLiteral("/outbox"));
    const QFileInfoList files =
        outbox.entryInfoList({QStringLiteral("*.eml")}, QDir::Files, QDir::Name);
    QList<QFileInfo> sorted(files.begin(), files.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const QFileInfo& a, const QFileInfo& b) {
        return a.lastModified() < b.lastModified();
    });
    QStringList messages;
    for (const QFileInfo& file : sorted) {
        QString text = QString::fromUtf8(readFile(file.filePath()));
        text.remove(QStringLiteral("=\r\n"));
        text.remove(QStringLiteral("=\n"));
        text.replace(QStringLiteral("=3D"), QStringLiteral("="));
        messages.append(text);
    }
    return messages;
}

QStringList mailTo(const QString& dataDir, const QString& email, int skip)
{
    QStringList found;
    const QStringList messages = outboxMessages(dataDir).mid(skip);
    const QRegularExpression to(QStringLiteral("^To:.*%1").arg(QRegularExpression::escape(email)),
                                QRegularExpression::MultilineOption |
                                    QRegularExpression::CaseInsensitiveOption);
    for (const QString& message : messages) {
        if (to.match(message).hasMatch())
            found.append(message);
    }
    return found;
}

QString mfaCodeOf(const QString& message)
{
    const qsizetype bodyStart = message.indexOf(QStringLiteral("\n\n")) >= 0
                                    ? message.indexOf(QStringLiteral("\n\n"))
                                    : message.indexOf(QStringLiteral("\r\n\r\n"));
    static const QRegularExpression code(QStringLiteral("(?<![0-9])[0-9]{6}(?![0-9])"));
    const QString found = code.match(message.mid(std::max<qsizetype>(bodyStart, 0))).captured(0);
    recordTestSecret(found);
    return found;
}

QString resetTokenOf(const QString& message)
{
    static const QRegularExpression token(QStringLiteral("token=([A-Za-z0-9_.~%-]+)"));
    const QString found = QUrl::fromPercentEncoding(token.match(message).captured(1).toLatin1());
    recordTestSecret(found);
    return found;
}

TestClock::TestClock() : m_path(m_dir.filePath(QStringLiteral("clock-offset")))
{
    setOffset(0);
}

bool TestClock::setOffset(qint64 seconds)
{
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(QByteArray::number(seconds) + '\n');
    return file.commit();
}

void TestClock::exportToEnvironment() const
{
    qputenv("CHARTINSIGHT_TEST_CLOCK_OFFSET_FILE", QFile::encodeName(m_path));
}

Result<std::optional<QString>> readSecret(const QString& entry)
{
    client::SecretStore store;
    QEventLoop loop;
    std::optional<Result<std::optional<QString>>> outcome;
    store.read(entry, &loop, [&](Result<std::optional<QString>> value) {
        outcome = std::move(value);
        loop.quit();
    });
    if (!outcome)
        loop.exec();
    return *outcome;
}

Result<void> writeSecret(const QString& entry, const QString& value)
{
    client::SecretStore store;
    QEventLoop loop;
    Result<void> outcome;
    bool finished = false;
    store.write(entry, value, &loop, [&](Result<void> written) {
        outcome = written;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return outcome;
}

Result<void> removeSecret(const QString& entry)
{
    client::SecretStore store;
    QEventLoop loop;
    Result<void> outcome;
    bool finished = false;
    store.remove(entry, &loop, [&](Result<void> removed) {
        outcome = removed;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return outcome;
}

} // namespace chartinsight::test
