#include "LogRedaction.h"

#include <QRegularExpression>
#include <QStringView>

namespace chartinsight {
namespace {

constexpr qsizetype kMinSecretRunLength = 32; // characters of a hex or base64 run
// A '/'-separated piece of a base64 run is masked on its own from this length, so that long
// file paths with a mixed-case folder name stay readable.
constexpr qsizetype kMinSecretSegmentLength = 20;
// When a message is cut, the cut moves back to a space at most this far, so that no token is
// left half in the line.
constexpr qsizetype kMaxCutBacktrack = 200;

// Key names whose values are secrets, alone or as the end of a longer name
// (new_password, access_token, mfa_code, api_key, client_secret, oauth_state).
#define CHARTINSIGHT_SECRET_KEY                                                                   \
    "[A-Za-z0-9_.\\-]*(?:password|passwd|passphrase|pwd|token|secret|code|key|state|signature|"  \
    "cookie|otp|credential)s?"

// Builds a pattern once. optimize() compiles it up front, so concurrent matching from several
// logging threads only reads the compiled pattern.
QRegularExpression compile(const char* pattern, bool caseInsensitive)
{
    QRegularExpression expression(
        QString::fromLatin1(pattern),
        caseInsensitive ? QRegularExpression::CaseInsensitiveOption : QRegularExpression::NoPatternOption);
    expression.optimize();
    return expression;
}

// Rebuilds `text` with every match of `expression` replaced by `replace(match)`.
template <typename Replace>
QString replaceEach(const QString& text, const QRegularExpression& expression, Replace replace)
{
    QRegularExpressionMatchIterator it = expression.globalMatch(text);
    if (!it.hasNext())
        return text;
    QString result;
    result.reserve(text.size());
    qsizetype copied = 0;
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        result += QStringView(text).mid(copied, match.capturedStart() - copied);
        result += replace(match);
        copied = match.capturedEnd();
    }
    result += QStringView(text).mid(copied);
    return result;
}

QString mask()
{
    return QString::fromLatin1(kLogMask);
}

// Masks every value of a query string ("a=1&b" becomes "a=***&***"), keeping the keys.
QString maskQuery(QStringView query)
{
    QString result;
    qsizetype start = 0;
    while (start <= query.size()) {
        qsizetype end = start;
        while (end < query.size() && query[end] != u'&' && query[end] != u';')
            ++end;
        const QStringView part = query.mid(start, end - start);
        const qsizetype equals = part.indexOf(u'=');
        if (equals >= 0) {
            result += part.left(equals + 1);
            result += mask();
        }
        else if (!part.isEmpty())
            result += mask();
        if (end < query.size())
            result += query[end];
        start = end + 1;
    }
    return result;
}

QString cutToLength(const QString& message)
{
    if (message.size() <= kMaxLogMessageChars)
        return message;
    qsizetype cut = kMaxLogMessageChars;
    const qsizetype space = message.lastIndexOf(u' ', cut);
    if (space >= 0 && cut - space <= kMaxCutBacktrack)
        cut = space;
    return message.left(cut) +
           QStringLiteral(" ... (%1 more characters)").arg(message.size() - cut);
}

QString maskHeaderLines(const QString& text)
{
    static const QRegularExpression header = compile(
        "\\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key)(\\s*:\\s*)[^\\r\\n]+",
        true);
    return replaceEach(text, header, [](const QRegularExpressionMatch& match) {
        return match.captured(1) + match.captured(2) + mask();
    });
}

QString maskAbsoluteUrls(const QString& text)
{
    static const QRegularExpression url =
        compile("\\b([A-Za-z][A-Za-z0-9+.\\-]*)://([^\\s/?#\"'<>]*)([^\\s?#\"'<>]*)"
                "(?:\\?([^\\s#\"'<>]*))?(#[^\\s\"'<>]*)?",
                false);
    return replaceEach(text, url, [](const QRegularExpressionMatch& match) {
        const QString scheme = match.captured(1);
        QString authority = match.captured(2);
        const qsizetype at = authority.lastIndexOf(u'@');
        if (at >= 0)
            authority = mask() + authority.mid(at);
        QString result = scheme + QStringLiteral("://") + authority;
        if (scheme.compare(QLatin1String("file"), Qt::CaseInsensitive) == 0)
            result += match.captured(3).isEmpty() ? QString() : u'/' + mask();
        else
            result += match.captured(3);
        if (match.capturedStart(4) >= 0)
            result += u'?' + maskQuery(match.capturedView(4));
        if (match.capturedStart(5) >= 0)
            result += u'#' + mask();
        return result;
    });
}

// A path followed by a query, as in "GET /api/v1/records?filename=x.pdf".
QString maskRelativeQueries(const QString& text)
{
    static const QRegularExpression query =
        compile("(/[^\\s?#\"'<>]*)\\?([^\\s#\"'<>]*=[^\\s#\"'<>]*)", false);
    return replaceEach(text, query, [](const QRegularExpressionMatch& match) {
        return match.captured(1) + u'?' + maskQuery(match.capturedView(2));
    });
}

QString maskJsonValues(const QString& text)
{
    static const QRegularExpression member = compile(
        "(\"" CHARTINSIGHT_SECRET_KEY "\")(\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[0-9]+)", true);
    return replaceEach(text, member, [](const QRegularExpressionMatch& match) {
        return match.captured(1) + match.captured(2) + u'"' + mask() + u'"';
    });
}

QString maskKeyValues(const QString& text)
{
    static const QRegularExpression pair = compile(
        "\\b(" CHARTINSIGHT_SECRET_KEY ")(\\s*=\\s*)(\"[^\"]*\"|'[^']*'|[^\\s&,;\"'<>)\\]}]+)", true);
    return replaceEach(text, pair, [](const QRegularExpressionMatch& match) {
        return match.captured(1) + match.captured(2) + mask();
    });
}

QString maskBearerTokens(const QString& text)
{
    static const QRegularExpression bearer =
        compile("\\b(bearer)\\s+[A-Za-z0-9\\-._~+/]+=*", true);
    return replaceEach(text, bearer, [](const QRegularExpressionMatch& match) {
        return match.captured(1) + u' ' + mask();
    });
}

QString maskJwts(const QString& text)
{
    static const QRegularExpression jwt =
        compile("\\beyJ[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+(?:\\.[A-Za-z0-9_\\-]*)?", false);
    return replaceEach(text, jwt, [](const QRegularExpressionMatch&) { return mask(); });
}

QString maskEmailAddresses(const QString& text)
{
    // The local part leaves out '*', so an address masked before ("***@host" from a URL) stays.
    static const QRegularExpression email =
        compile("[A-Za-z0-9.!#$%&'+^_`{|}~\\-]+(?:@|%40)[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?"
                "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?)+",
                true);
    return replaceEach(text, email, [](const QRegularExpressionMatch&) {
        return mask() + u'@' + mask();
    });
}

bool isHexDigit(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F');
}

// Whether a run of base64 or hex characters looks like a key or token rather than a word, an
// id or a path: all hex from 32 characters, or upper case, lower case and digits mixed.
bool looksRandom(QStringView run, qsizetype minLength)
{
    if (run.size() < minLength)
        return false;
    bool allHex = true;
    bool upper = false;
    bool lower = false;
    bool digit = false;
    for (const QChar c : run) {
        allHex = allHex && isHexDigit(c);
        upper = upper || (c >= u'A' && c <= u'Z');
        lower = lower || (c >= u'a' && c <= u'z');
        digit = digit || (c >= u'0' && c <= u'9');
    }
    return (allHex && run.size() >= kMinSecretRunLength) || (upper && lower && digit);
}

bool isSecretRun(QStringView run)
{
    if (!run.contains(u'/'))
        return looksRandom(run, kMinSecretRunLength);
    for (const QStringView segment : run.split(u'/')) {
        if (looksRandom(segment, kMinSecretSegmentLength))
            return true;
    }
    return false;
}

QString maskSecretRuns(const QString& text)
{
    static const QRegularExpression run = compile("[A-Za-z0-9+/_\\-]{32,}={0,2}", false);
    return replaceEach(text, run, [](const QRegularExpressionMatch& match) {
        const QStringView value = match.capturedView(0);
        return isSecretRun(value) ? mask() : value.toString();
    });
}

QString maskFileNames(const QString& text)
{
    static const QRegularExpression fileName = compile(
        "[^\\s/\\\\\"'<>|:*?=&()\\[\\]]+\\.(pdf|png|jpe?g|gif|bmp|tiff?|webp|heic|dcm|dicom|"
        "docx?|xlsx?|pptx?|odt|ods|odp|rtf|txt|csv|xml|zip|7z|rar|gz|tgz|eml|msg|hl7)\\b",
        true);
    return replaceEach(text, fileName, [](const QRegularExpressionMatch& match) {
        return mask() + u'.' + match.captured(1);
    });
}

} // namespace

QString redactLogMessage(const QString& message)
{
    QString text = cutToLength(message);
    // Each step runs only when a character it needs is present, which keeps plain messages
    // cheap: most log lines skip every regular expression.
    if (text.contains(QLatin1String("uthorization"), Qt::CaseInsensitive) ||
        text.contains(QLatin1String("cookie"), Qt::CaseInsensitive) ||
        text.contains(QLatin1String("x-api-key"), Qt::CaseInsensitive))
        text = maskHeaderLines(text);
    if (text.contains(QLatin1String("://")))
        text = maskAbsoluteUrls(text);
    if (text.contains(u'?'))
        text = maskRelativeQueries(text);
    if (text.contains(u'"') && text.contains(u':'))
        text = maskJsonValues(text);
    if (text.contains(u'='))
        text = maskKeyValues(text);
    if (text.contains(QLatin1String("bearer"), Qt::CaseInsensitive))
        text = maskBearerTokens(text);
    if (text.contains(QLatin1String("eyJ")))
        text = maskJwts(text);
    if (text.contains(u'@') || text.contains(QLatin1String("%40")))
        text = maskEmailAddresses(text);
    if (text.size() >= kMinSecretRunLength)
        text = maskSecretRuns(text);
    if (text.contains(u'.'))
        text = maskFileNames(text);
    return text;
}

QString escapeForLog(const QString& text)
{
    QString escaped;
    escaped.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0) || u == 0x2028 || u == 0x2029)
            escaped += QStringLiteral("\\x%1").arg(int(u), 2, 16, QLatin1Char('0'));
        else
            escaped += c;
    }
    return escaped;
}

} // namespace chartinsight
