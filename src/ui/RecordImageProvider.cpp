#include "RecordImageProvider.h"

#include "PreviewContent.h"
#include "UiLogging.h"

#include <QHash>
#include <QMutex>
#include <QUuid>

namespace chartinsight::ui {
namespace {

struct Registry
{
    QMutex mutex;
    QHash<QString, std::shared_ptr<const PreviewContent>> contents;
};

Registry& registry()
{
    static Registry instance;
    return instance;
}

} // namespace

RecordImageProvider::RecordImageProvider() : QQuickImageProvider(QQuickImageProvider::Image) {}

QImage RecordImageProvider::requestImage(const QString& id, QSize* size, const QSize& requestedSize)
{
    const qsizetype slash = id.lastIndexOf(QLatin1Char('/'));
    bool pageValid = false;
    const int page = slash > 0 ? id.mid(slash + 1).toInt(&pageValid) : -1;
    const std::shared_ptr<const PreviewContent> content =
        pageValid ? find(id.left(slash)) : nullptr;
    if (!content) {
        // Normal after the viewer closed a record while an image was still loading.
        qCDebug(lcUiViewer) << "image request for content that is no longer open";
        return {};
    }
    const QImage image = content->render(page, requestedSize.width());
    if (size)
        *size = image.size();
    return image;
}

QString RecordImageProvider::publish(std::shared_ptr<const PreviewContent> content)
{
    const QString key = QUuid::createUuid().toString(QUuid::WithoutBraces);
    Registry& shared = registry();
    const QMutexLocker lock(&shared.mutex);
    shared.contents.insert(key, std::move(content));
    return key;
}

void RecordImageProvider::withdraw(const QString& key)
{
    std::shared_ptr<const PreviewContent> released;
    {
        Registry& shared = registry();
        const QMutexLocker lock(&shared.mutex);
        released = shared.contents.take(key);
    }
    // `released` may free the content here, outside the lock.
}

std::shared_ptr<const PreviewContent> RecordImageProvider::find(const QString& key)
{
    Registry& shared = registry();
    const QMutexLocker lock(&shared.mutex);
    return shared.contents.value(key);
}

} // namespace chartinsight::ui
