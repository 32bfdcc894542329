#pragma once

#include "SessionController.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QSizeF>
#include <QString>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace chartinsight::ui {

class PreviewContent;

// The record shown in the viewer: fetched into memory with ClientSession::fetchForViewer(),
// decoded off the GUI thread into a PreviewContent, and published to RecordImageProvider so
// that QML shows PDF pages and images as "image://record/..." URLs. Text files are exposed as
// a string. Nothing is written to disk except by download().
class RecordViewer : public QObject
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(chartinsight::ui::SessionController* controller READ controller WRITE setController
                   NOTIFY controllerChanged)
    Q_PROPERTY(QString recordId READ recordId NOTIFY recordChanged)
    // Protected health information: views mark it as sensitive.
    Q_PROPERTY(QString fileName READ fileName NOTIFY recordChanged)
    Q_PROPERTY(ContentKind kind READ kind NOTIFY contentChanged)
    Q_PROPERTY(int pageCount READ pageCount NOTIFY contentChanged)
    // "image://record/<key>/": append a page number for Image.source. Empty without pages.
    Q_PROPERTY(QString pageSourcePrefix READ pageSourcePrefix NOTIFY contentChanged)
    Q_PROPERTY(QString sizeText READ sizeText NOTIFY contentChanged)
    // Protected health information: views mark it as sensitive.
    Q_PROPERTY(QString text READ text NOTIFY contentChanged)
    Q_PROPERTY(bool textTruncated READ isTextTruncated NOTIFY contentChanged)
    // Why the content cannot be shown (unsupported type, damaged file); empty otherwise.
    Q_PROPERTY(QString problem READ problem NOTIFY contentChanged)
    // The record is being fetched or decoded.
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(bool downloading READ isDownloading NOTIFY downloadingChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    // The server's preview image of the record ("image://record/<key>/0"), shown while the
    // record loads and for file types the viewer cannot render; empty when there is none.
    Q_PROPERTY(QString serverPreviewSource READ serverPreviewSource NOTIFY serverPreviewChanged)

public:
    enum class ContentKind
    {
        None,
        Loading,
        Pdf,
        Image,
        Text,
        Unsupported,
        Failed
    };
    Q_ENUM(ContentKind)

    explicit RecordViewer(QObject* parent = nullptr);
    ~RecordViewer() override;

    SessionController* controller() const { return m_controller; }
    void setController(SessionController* controller);
    QString recordId() const { return m_recordId; }
    QString fileName() const { return m_fileName; }
    ContentKind kind() const { return m_kind; }
    int pageCount() const;
    QString pageSourcePrefix() const;
    QString sizeText() const;
    QString text() const;
    bool isTextTruncated() const;
    QString problem() const;
    bool isBusy() const { return m_busy; }
    bool isDownloading() const { return m_downloading; }
    QString status() const { return m_status; }
    QString errorString() const { return m_errorString; }
    QString serverPreviewSource() const;

    // Fetches and shows a record; `fileName` is only displayed and suggested for download.
    Q_INVOKABLE void open(const QString& recordId, const QString& fileName);
    // Shows bytes already in memory, as open() does once they arrived.
    void showBytes(const QString& recordId, const QString& fileName, const QByteArray& bytes);
    // Releases the record's bytes and images.
    Q_INVOKABLE void close();
    // Page size in points (PDF) or pixels (image); empty for a page out of range.
    Q_INVOKABLE QSizeF pageSize(int page) const;
    // The image URL of a page, for Image.source.
    Q_INVOKABLE QUrl pageSource(int page) const;
    // A file URL in the user's Downloads folder (else Documents, else home) with the record's
    // file name, to preselect in a save dialog.
    Q_INVOKABLE QUrl suggestedDownloadUrl() const;
    // Saves the record to `destination` (a local file URL from a save dialog).
    Q_INVOKABLE void download(const QUrl& destination);
    Q_INVOKABLE void clearError();

signals:
    void controllerChanged();
    void recordChanged();
    void contentChanged();
    void busyChanged();
    void downloadingChanged();
    void statusChanged();
    void errorStringChanged();
    void serverPreviewChanged();
    // The decoded content is ready, or the record could not be shown: `kind` tells which.
    void loaded();

private:
    void decode(const QByteArray& bytes);
    void applyContent(std::shared_ptr<PreviewContent> content);
    void releaseContent();
    void fetchServerPreview(const QString& recordId);
    void releaseServerPreview();
    void setKind(ContentKind kind);
    void setBusy(bool busy);
    void setDownloading(bool downloading);
    void setStatus(const QString& status);
    void setErrorString(const QString& errorString);

    QPointer<SessionController> m_controller;
    QFutureWatcher<std::shared_ptr<PreviewContent>> m_decoding;
    std::shared_ptr<PreviewContent> m_content;
    QString m_contentKey; // key under which m_content is published to the image provider
    // The server's preview PNG, decoded, and its key in the image provider.
    std::shared_ptr<PreviewContent> m_serverPreview;
    QString m_serverPreviewKey;
    QString m_recordId;
    QString m_fileName;
    QString m_status;
    QString m_errorString;
    // Bumped by open() and close(), so a late fetch or decode of an older record is dropped.
    quint64 m_generation = 0;
    quint64 m_decodingGeneration = 0;
    ContentKind m_kind = ContentKind::None;
    bool m_busy = false;
    bool m_downloading = false;
};

} // namespace chartinsight::ui
