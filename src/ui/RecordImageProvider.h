#pragma once

#include <QQuickImageProvider>
#include <QString>

#include <memory>

namespace chartinsight::ui {

class PreviewContent;

// Serves the pages of open records to QML as "image://record/<key>/<page>", where <key> is
// the random key publish() returned for the content. Images are rendered at the width the
// Image requests (sourceSize.width). The provider runs on QML's image loading thread when the
// Image is asynchronous.
class RecordImageProvider : public QQuickImageProvider
{
public:
    // The provider id to pass to QQmlEngine::addImageProvider().
    static constexpr char kProviderId[] = "record";

    RecordImageProvider();

    QImage requestImage(const QString& id, QSize* size, const QSize& requestedSize) override;

    // Makes `content` available to every provider under a new random key, which is returned.
    static QString publish(std::shared_ptr<const PreviewContent> content);
    // Removes the content published under `key`; images already handed out stay as they are.
    static void withdraw(const QString& key);
    static std::shared_ptr<const PreviewContent> find(const QString& key);
};

} // namespace chartinsight::ui
