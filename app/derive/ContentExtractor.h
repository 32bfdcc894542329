#pragma once

#include "core/DeriveProtocol.h"

#include <QByteArray>
#include <QString>

namespace chartinsight::derive {

// What the worker extracted from one file: UTF-8 text (at most kMaxTextBytes) and a PNG preview
// (longest side at most kMaxPreviewSide pixels), either of which may be empty, or an error code
// from derivec when the content could not be processed.
struct Extracted
{
    QByteArray text;
    QByteArray preview;
    QString errorCode;
};

// Extracts text and a preview from `input` as content of `kind`: a PDF's text layer and first
// page, an image scaled down, or the text of a text file.
Extracted extract(ContentKind kind, const QByteArray& input);

// Cuts UTF-8 `text` to at most `maxBytes` bytes without splitting a character.
QByteArray truncateUtf8(QByteArray text, qsizetype maxBytes);

} // namespace chartinsight::derive
