#include "DataExport.h"

#include "DisplayFormat.h"
#include "UiLogging.h"

#include <QDate>
#include <QDir>
#include <QJsonObject>

namespace chartinsight::ui {

DataExport::DataExport(QObject* parent) : AccessViewModel(parent) {}

QString DataExport::progressText() const
{
    if (!m_started)
        return {};
    return tr("%1 received").arg(DisplayFormat::fileSize(m_receivedBytes));
}

QString DataExport::suggestedFileName(bool organization) const
{
    return QStringLiteral("chartinsight-%1-export-%2.tar")
        .arg(organization ? QStringLiteral("organization") : QStringLiteral("personal"),
             QDate::currentDate().toString(Qt::ISODate));
}

void DataExport::start(bool organization, const QUrl& fileUrl)
{
    client::ClientSession* client = session();
    if (!client || isBusy())
        return;
    clearMessages();
    if (!fileUrl.isLocalFile()) {
        setErrorString(tr("Choose a file on this computer to save the export to."));
        return;
    }
    const QString path = fileUrl.toLocalFile();
    m_started = true;
    m_receivedBytes = 0;
    emit progressChanged();
    setStatus(tr("Exporting…"));
    client::ClientTask* task = client->exportArchive(
        organization ? client::ExportKind::Organization : client::ExportKind::Personal, path);
    connect(task, &client::ClientTask::progress, this,
            [this](client::ClientTask::Phase, qint64 received, qint64) {
                m_receivedBytes = received;
                emit progressChanged();
            });
    track(task, organization ? "exporting the organization" : "exporting personal data",
          organization ? tr("export the organization") : tr("export your data"),
          [this](const QJsonValue& result) {
              const QJsonObject manifest = result.toObject();
              m_receivedBytes = manifest.value(QStringLiteral("bytes")).toInteger();
              m_savedPath = manifest.value(QStringLiteral("output")).toString();
              const QJsonObject counts = manifest.value(QStringLiteral("counts")).toObject();
              const int records = counts.value(QStringLiteral("records")).toInt() -
                                  counts.value(QStringLiteral("skipped")).toInt();
              const int damaged = counts.value(QStringLiteral("damaged")).toInt();
              emit progressChanged();
              emit savedPathChanged();
              const QString count =
                  records == 1 ? tr("1 record") : tr("%1 records").arg(records);
              QString message = tr("Saved %1 (%2) to %3.")
                                    .arg(count, DisplayFormat::fileSize(m_receivedBytes),
                                         QDir::toNativeSeparators(m_savedPath));
              if (damaged > 0) {
                  message += QLatin1Char(' ') +
                             tr("%1 could not be included because the server's copy is "
                                "damaged.")
                                 .arg(damaged);
              }
              setStatus(message);
              emit saved(m_savedPath);
          },
          [this](const Error&) {
              setStatus(QString());
          });
}

void DataExport::reset()
{
    m_started = false;
    m_receivedBytes = 0;
    m_savedPath.clear();
    emit progressChanged();
    emit savedPathChanged();
}

} // namespace chartinsight::ui
