#pragma once

#include "CurlClient.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace chartinsight::test {

// A one-page PDF (US Letter, Helvetica) whose text layer shows `text`, which must not contain
// parentheses or backslashes. Written by hand with a correct cross-reference table.
QByteArray makeTextPdf(const QByteArray& text);

// A one-page PDF whose Flate-compressed content stream repeats a text-showing operator
// `operators` times. The default (about 130 KB compressed, 40 MB expanded) keeps poppler busy
// for about 20 s on the 2-core CI machine, far past a timeout of a few seconds.
QByteArray makeSlowPdf(int operators = 2000000);

// A PNG of `width` x `height` pixels in one colour, made with ImageMagick's convert; empty when
// convert fails.
QByteArray makePng(int width, int height);

// The width and height from a PNG's IHDR chunk, or (-1, -1) when `png` is no PNG.
QPair<int, int> pngSize(const QByteArray& png);

} // namespace chartinsight::test
