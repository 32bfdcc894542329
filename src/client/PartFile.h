#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QFile>
#include <QString>

#include <memory>

namespace chartinsight::client {

// A download target written as "<output>.part" (mode 0600) and renamed over the output only
// by commit(), so the output never contains partial or unverified content. Destroying an
// uncommitted PartFile deletes the .part file.
class PartFile
{
public:
    // Creates "<outputPath>.part", replacing a stale one from an earlier attempt. Fails with
    // "io_error" when the output's folder does not exist or the output is a folder.
    static Result<std::unique_ptr<PartFile>> create(const QString& outputPath);
    ~PartFile();
    PartFile(const PartFile&) = delete;
    PartFile& operator=(const PartFile&) = delete;

    Result<void> write(const QByteArray& data);
    // Flushes to disk and renames the .part file over the output.
    Result<void> commit();
    // Deletes the .part file.
    void discard();
    // The path of the .part file, for checks of the content before commit(); call flush()
    // before reading it.
    QString partPath() const { return m_partPath; }
    Result<void> flush();

private:
    PartFile(QString outputPath, QString partPath);
    Error ioError(const QString& action) const;

    QString m_outputPath;
    QString m_partPath;
    QFile m_file;
    bool m_done = false;
};

} // namespace chartinsight::client
