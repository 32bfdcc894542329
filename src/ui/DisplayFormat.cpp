#include "DisplayFormat.h"

#include "core/ErrorCodes.h"

#include <QRegularExpression>
#include <QStringList>

#include <array>

namespace chartinsight::ui {
namespace {

constexpr int kFingerprintPairs = 32;
constexpr int kPairsPerLine = 8;

} // namespace

QString DisplayFormat::fileSize(qint64 bytes, const QLocale& locale)
{
    if (bytes == 1)
        return tr("1 byte");
    if (bytes < 1000)
        return tr("%1 bytes").arg(locale.toString(bytes));

    static const std::array<const char*, 5> units = {
        QT_TR_NOOP("kB"), QT_TR_NOOP("MB"), QT_TR_NOOP("GB"), QT_TR_NOOP("TB"), QT_TR_NOOP("PB"),
    };
    double value = double(bytes) / 1000.0;
    size_t unit = 0;
    // Moves up a unit when the rounded value would read 1000, so 999 960 bytes is "1.0 MB".
    while (unit + 1 < units.size() && value >= 999.5) {
        value /= 1000.0;
        ++unit;
    }
    const int precision = value < 9.95 ? 1 : 0;
    return locale.toString(value, 'f', precision) + QLatin1Char(' ') + tr(units[unit]);
}

QString DisplayFormat::localDateTime(const QDateTime& dateTime, const QLocale& locale)
{
    if (!dateTime.isValid())
        return {};
    const QDateTime local = dateTime.toLocalTime();
    QString dateFormat = locale.dateFormat(QLocale::ShortFormat);
    if (!dateFormat.contains(QStringLiteral("yyyy")))
        dateFormat.replace(QStringLiteral("yy"), QStringLiteral("yyyy"));
    // Seconds are noise in a list of records.
    QString timeFormat = locale.timeFormat(QLocale::ShortFormat);
    timeFormat.remove(QStringLiteral(":ss")).remove(QStringLiteral(".ss"));
    return locale.toString(local.date(), dateFormat) + QLatin1Char(' ') +
           locale.toString(local.time(), timeFormat);
}

QString DisplayFormat::groupFingerprint(const QString& fingerprint)
{
    const QString normalized = findFingerprint(fingerprint);
    if (normalized.isEmpty() || normalized.size() != fingerprint.trimmed().size())
        return fingerprint;
    const QStringList pairs = normalized.split(QLatin1Char(':'));
    QStringList lines;
    for (int first = 0; first < kFingerprintPairs; first += kPairsPerLine)
        lines.append(pairs.mid(first, kPairsPerLine).join(QLatin1Char(':')));
    return lines.join(QLatin1Char('\n'));
}

QString DisplayFormat::findFingerprint(const QString& text)
{
    static const QRegularExpression pattern(
        QStringLiteral("(?<![0-9A-Fa-f:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){31}(?![0-9A-Fa-f:])"));
    const QRegularExpressionMatch match = pattern.match(text);
    return match.hasMatch() ? match.captured(0).toUpper() : QString();
}

QString DisplayFormat::findSignatureName(const QString& message)
{
    // The scanner's wording, on the client and the server: "... malware found: NAME."
    static const QRegularExpression afterPhrase(QStringLiteral("malware found:\\s*(\\S+)"),
                                                QRegularExpression::CaseInsensitiveOption);
    if (const auto match = afterPhrase.match(message); match.hasMatch()) {
        QString name = match.captured(1);
        while (name.endsWith(QLatin1Char('.')) || name.endsWith(QLatin1Char(',')))
            name.chop(1);
        if (!name.isEmpty())
            return name;
    }

    // ClamAV names are words joined by '.', '-' or '_'. Names from databases outside the
    // official set end in ".UNOFFICIAL".
    static const QRegularExpression signature(
        QStringLiteral("[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*\\.UNOFFICIAL\\b"
                       "|\\b[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+){2,}\\b"));
    if (const auto match = signature.match(message); match.hasMatch())
        return match.captured(0);
    return {};
}

QString DisplayFormat::uploadFailure(const Error& error)
{
    const QString& code = error.code;
    if (code == QLatin1String(errc::kMalwareDetected)) {
        const QString signature = findSignatureName(error.message);
        if (signature.isEmpty())
            return tr("Malware found — the file was not uploaded");
        return tr("Malware found: %1 — the file was not uploaded").arg(signature);
    }
    if (code == QLatin1String(errc::kScanIncomplete)) {
        return tr("The file could not be fully scanned (it is too large or has too many nested "
                  "archives), so it was not uploaded.");
    }
    if (code == QLatin1String(errc::kEncryptedContent)) {
        return tr("The file is encrypted or password-protected, so it could not be scanned and "
                  "was not uploaded. Upload an unprotected copy.");
    }
    if (code == QLatin1String(errc::kScannerUnavailable)) {
        return tr("The malware scanner is not available, so the file was not uploaded. Ask your "
                  "administrator to install the virus signatures.");
    }
    if (code == QLatin1String(errc::kPayloadTooLarge))
        return tr("The file is larger than the server accepts, so it was not uploaded.");
    if (code == QLatin1String(errc::kServerBusy))
        return tr("The server is busy. Try the upload again in a minute.");
    if (code == QLatin1String(errc::kNetwork)) {
        return tr("The server could not be reached, so the file was not uploaded. Try again "
                  "when this computer is online.");
    }
    if (code == QLatin1String(errc::kNotSignedIn) || code == QLatin1String(errc::kUnauthorized))
        return tr("Your session has ended. Sign in again, then upload the file.");
    if (!error.message.isEmpty())
        return error.message;
    return tr("The upload failed (error code %1).").arg(code);
}

} // namespace chartinsight::ui
