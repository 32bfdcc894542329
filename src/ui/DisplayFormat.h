#pragma once

#include "core/Result.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QString>

namespace chartinsight::ui {

// Text shown to people, built from values the client library returns. Kept apart from the view
// models so that tests can check it without a server.
class DisplayFormat
{
    Q_DECLARE_TR_FUNCTIONS(DisplayFormat)

public:
    // Formats a byte count with SI units, as file managers show it: "512 bytes", "1.5 kB",
    // "23 MB". One decimal below 10 units, none above.
    static QString fileSize(qint64 bytes, const QLocale& locale = QLocale());

    // Formats a point in time in the computer's time zone with the locale's short date (with a
    // four-digit year) and short time without seconds, for example "12/4/2026 3:27 PM" in the
    // US.
    static QString localDateTime(const QDateTime& dateTime, const QLocale& locale = QLocale());

    // Splits a SHA-256 fingerprint ("AB:CD:..." with 32 pairs) into four lines of eight pairs,
    // so that people can compare it group by group. Returns other input unchanged.
    static QString groupFingerprint(const QString& fingerprint);

    // Returns the first SHA-256 fingerprint ("AB:CD:...", 95 characters) in `text`, upper
    // case, or an empty string.
    static QString findFingerprint(const QString& text);

    // Returns the malware signature name in a "malware_detected" message: the word after
    // "malware found:" as the scanner writes it, else the first word that looks like a ClamAV
    // signature name (for example "Win.Test.EICAR_HDB-1" or "Eicar-Test.UNOFFICIAL"). Empty
    // when none is found.
    static QString findSignatureName(const QString& message);

    // Explains in plain words why an upload was rejected, for the upload list.
    static QString uploadFailure(const Error& error);
};

} // namespace chartinsight::ui
