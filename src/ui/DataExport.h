#pragma once

#include "AccessViewModel.h"

#include <QString>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// The export buttons of the settings page (personal export) and the admin page (organization
// export): saves the archive to a file the user picked, with the bytes received as progress.
class DataExport : public AccessViewModel
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(qint64 receivedBytes READ receivedBytes NOTIFY progressChanged)
    // "12.4 MB received", empty before an export starts.
    Q_PROPERTY(QString progressText READ progressText NOTIFY progressChanged)
    // The file of the last export that succeeded.
    Q_PROPERTY(QString savedPath READ savedPath NOTIFY savedPathChanged)

public:
    explicit DataExport(QObject* parent = nullptr);

    qint64 receivedBytes() const { return m_receivedBytes; }
    QString progressText() const;
    QString savedPath() const { return m_savedPath; }

    // Starts the export into `fileUrl` (a local file URL from a file dialog). `organization`
    // exports the whole organization, which needs manage_organization. Emits saved() on
    // success; a failure sets errorString.
    Q_INVOKABLE void start(bool organization, const QUrl& fileUrl);
    // The proposed file name, "chartinsight-<kind>-export-<date>.tar" in local time.
    Q_INVOKABLE QString suggestedFileName(bool organization) const;

signals:
    void progressChanged();
    void savedPathChanged();
    void saved(const QString& path);

protected:
    void reset() override;

private:
    qint64 m_receivedBytes = 0;
    QString m_savedPath;
    bool m_started = false;
};

} // namespace chartinsight::ui
