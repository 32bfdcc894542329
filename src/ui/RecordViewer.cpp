#include "RecordViewer.h"

#include "DisplayFormat.h"
#include "PreviewContent.h"
#include "RecordImageProvider.h"
#include "SessionController.h"
#include "TaskFinished.h"
#include "UiLogging.h"
#include "core/RecordInfo.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaEnum>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

namespace chartinsight::ui {

using client::ClientTask;

RecordViewer::RecordViewer(QObject* parent) : QObject(parent)
{
    connect(&m_decoding, &QFutureWatcherBase::finished, this, [this] {
        if (m_decodingGeneration != m_generation || m_decoding.future().resultCount() == 0)
            return;
        applyContent(m_decoding.result());
    });
}

RecordViewer::~RecordViewer()
{
    // A decode that is still running finishes on its own, and the future releases its result.
    releaseContent();
    releaseServerPreview();
}

void RecordViewer::setController(SessionController* controller)
{
    if (controller == m_controller)
        return;
    if (m_controller)
        m_controller->disconnect(this);
    m_controller = controller;
    close();
    if (m_controller) {
        connect(m_controller, &SessionController::signedInChanged, this, [this] {
            if (!m_controller->isSignedIn())
                close();
        });
        connect(m_controller, &SessionController::sessionReplaced, this, &RecordViewer::close);
    }
    emit controllerChanged();
}

int RecordViewer::pageCount() const
{
    return m_content ? m_content->pageCount() : 0;
}

QString RecordViewer::sizeText() const
{
    return m_content ? DisplayFormat::fileSize(m_content->byteCount()) : QString();
}

QString RecordViewer::text() const
{
    return m_content ? m_content->text() : QString();
}

bool RecordViewer::isTextTruncated() const
{
    return m_content && m_content->isTextTruncated();
}

QString RecordViewer::problem() const
{
    if (m_kind != ContentKind::Unsupported)
        return {};
    if (m_content && !m_content->problem().isEmpty())
        return m_content->problem();
    return tr("ChartInsight shows PDFs, images and text files. Download this file to open it "
              "with the program it belongs to.");
}

void RecordViewer::open(const QString& recordId, const QString& fileName)
{
    close();
    if (!m_controller || !m_controller->isSignedIn())
        return;
    if (!isValidRecordId(recordId)) {
        setErrorString(
            tr("The record id \"%1\" is not valid, so the record cannot be opened.").arg(recordId));
        setKind(ContentKind::Failed);
        return;
    }
    m_recordId = recordId;
    m_fileName = fileName;
    emit recordChanged();
    setKind(ContentKind::Loading);
    setBusy(true);
    setStatus(tr("Opening the record…"));
    qCInfo(lcUiViewer) << "opening record" << recordId;

    fetchServerPreview(recordId);
    const quint64 generation = m_generation;
    whenFinished(m_controller->session()->fetchForViewer(recordId), this,
                 [this, generation, recordId, fileName](const ClientTask& task) {
                     if (generation != m_generation)
                         return;
                     if (task.succeeded()) {
                         decode(task.payload());
                         return;
                     }
                     qCInfo(lcUiViewer)
                         << "fetching record" << recordId << "failed:" << task.error().code;
                     setBusy(false);
                     setStatus({});
                     setKind(ContentKind::Failed);
                     const bool waiting = m_controller->handleCertificateFailure(
                         task.error(), [this, recordId, fileName] { open(recordId, fileName); });
                     if (!waiting)
                         setErrorString(task.error().message);
                     emit loaded();
                 });
}

void RecordViewer::showBytes(const QString& recordId, const QString& fileName,
                             const QByteArray& bytes)
{
    close();
    m_recordId = recordId;
    m_fileName = fileName;
    emit recordChanged();
    setKind(ContentKind::Loading);
    setBusy(true);
    decode(bytes);
}

void RecordViewer::decode(const QByteArray& bytes)
{
    setStatus(tr("Preparing the preview…"));
    m_decodingGeneration = m_generation;
    // Parsing a PDF or decoding a large image can take seconds, so it runs off the GUI thread.
    m_decoding.setFuture(QtConcurrent::run(
        [bytes, target = thread()] { return PreviewContent::create(bytes, target); }));
}

void RecordViewer::applyContent(std::shared_ptr<PreviewContent> content)
{
    releaseContent();
    m_content = std::move(content);
    m_contentKey = RecordImageProvider::publish(m_content);
    switch (m_content->kind()) {
    case PreviewContent::Kind::Pdf:
        setKind(ContentKind::Pdf);
        break;
    case PreviewContent::Kind::Image:
        setKind(ContentKind::Image);
        break;
    case PreviewContent::Kind::Text:
        setKind(ContentKind::Text);
        break;
    case PreviewContent::Kind::Unsupported:
        setKind(ContentKind::Unsupported);
        break;
    }
    qCInfo(lcUiViewer).noquote() << "showing record" << m_recordId << "as"
                                 << QMetaEnum::fromType<ContentKind>().valueToKey(int(m_kind))
                                 << "with" << m_content->pageCount() << "pages";
    setBusy(false);
    setStatus({});
    emit contentChanged();
    emit loaded();
}

void RecordViewer::releaseContent()
{
    if (!m_contentKey.isEmpty())
        RecordImageProvider::withdraw(std::exchange(m_contentKey, QString()));
    m_content.reset();
}

void RecordViewer::fetchServerPreview(const QString& recordId)
{
    const quint64 generation = m_generation;
    whenFinished(
        m_controller->session()->recordPreview(recordId), this,
        [this, generation, recordId](const ClientTask& task) {
            if (generation != m_generation)
                return;
            if (!task.succeeded()) {
                // Normal for records without a preview (not_found) and while offline.
                qCInfo(lcUiViewer) << "no server preview of record" << recordId << ":"
                                   << task.error().code;
                return;
            }
            using Watcher = QFutureWatcher<std::shared_ptr<PreviewContent>>;
            auto* watcher = new Watcher(this);
            connect(watcher, &Watcher::finished, this, [this, watcher, generation, recordId] {
                watcher->deleteLater();
                std::shared_ptr<PreviewContent> preview = watcher->result();
                if (generation != m_generation)
                    return;
                if (preview->kind() != PreviewContent::Kind::Image) {
                    qCInfo(lcUiViewer)
                        << "the server preview of record" << recordId << "is not an image";
                    return;
                }
                releaseServerPreview();
                m_serverPreview = std::move(preview);
                m_serverPreviewKey = RecordImageProvider::publish(m_serverPreview);
                emit serverPreviewChanged();
            });
            watcher->setFuture(QtConcurrent::run([png = task.payload(), target = thread()] {
                return PreviewContent::create(png, target);
            }));
        });
}

void RecordViewer::releaseServerPreview()
{
    if (!m_serverPreviewKey.isEmpty())
        RecordImageProvider::withdraw(std::exchange(m_serverPreviewKey, QString()));
    m_serverPreview.reset();
}

QString RecordViewer::serverPreviewSource() const
{
    if (m_serverPreviewKey.isEmpty())
        return {};
    return QStringLiteral("image://%1/%2/0")
        .arg(QLatin1String(RecordImageProvider::kProviderId), m_serverPreviewKey);
}

void RecordViewer::close()
{
    ++m_generation;
    const bool hadContent = m_content != nullptr;
    releaseContent();
    if (m_serverPreview) {
        releaseServerPreview();
        emit serverPreviewChanged();
    }
    if (!m_recordId.isEmpty() || !m_fileName.isEmpty()) {
        m_recordId.clear();
        m_fileName.clear();
        emit recordChanged();
    }
    setKind(ContentKind::None);
    setBusy(false);
    setStatus({});
    setErrorString({});
    if (hadContent)
        emit contentChanged();
}

QSizeF RecordViewer::pageSize(int page) const
{
    return m_content ? m_content->pageSize(page) : QSizeF();
}

QString RecordViewer::pageSourcePrefix() const
{
    if (m_contentKey.isEmpty() || pageCount() == 0)
        return {};
    return QStringLiteral("image://%1/%2/")
        .arg(QLatin1String(RecordImageProvider::kProviderId), m_contentKey);
}

QUrl RecordViewer::pageSource(int page) const
{
    if (page < 0 || page >= pageCount())
        return {};
    return QUrl(pageSourcePrefix() + QString::number(page));
}

QUrl RecordViewer::suggestedDownloadUrl() const
{
    QString folder;
    for (const auto location : {QStandardPaths::DownloadLocation, QStandardPaths::DocumentsLocation,
                                QStandardPaths::HomeLocation}) {
        folder = QStandardPaths::writableLocation(location);
        if (!folder.isEmpty() && QFileInfo(folder).isDir())
            break;
    }
    return QUrl::fromLocalFile(QDir(folder).filePath(m_fileName));
}

void RecordViewer::download(const QUrl& destination)
{
    if (!m_controller || m_recordId.isEmpty() || m_downloading)
        return;
    if (!destination.isLocalFile()) {
        setErrorString(tr("%1 is not a file on this computer. Choose a folder on this computer.")
                           .arg(destination.toDisplayString(QUrl::RemoveUserInfo)));
        return;
    }
    const QString path = destination.toLocalFile();
    setErrorString({});
    setDownloading(true);
    setStatus(tr("Saving…"));
    const QString recordId = m_recordId;
    whenFinished(m_controller->session()->download(recordId, path), this,
                 [this, path, recordId](const ClientTask& task) {
                     setDownloading(false);
                     if (!task.succeeded()) {
                         qCInfo(lcUiViewer)
                             << "download of record" << recordId << "failed:" << task.error().code;
                         setStatus({});
                         setErrorString(task.error().message);
                         return;
                     }
                     qCInfo(lcUiViewer) << "downloaded record" << recordId;
                     setStatus(tr("Saved as %1").arg(QFileInfo(path).fileName()));
                 });
}

void RecordViewer::clearError()
{
    setErrorString({});
}

void RecordViewer::setKind(ContentKind kind)
{
    if (kind == m_kind)
        return;
    m_kind = kind;
    emit contentChanged();
}

void RecordViewer::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void RecordViewer::setDownloading(bool downloading)
{
    if (downloading == m_downloading)
        return;
    m_downloading = downloading;
    emit downloadingChanged();
}

void RecordViewer::setStatus(const QString& status)
{
    if (status == m_status)
        return;
    m_status = status;
    emit statusChanged();
}

void RecordViewer::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

} // namespace chartinsight::ui
