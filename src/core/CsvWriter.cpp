#include "CsvWriter.h"

namespace chartinsight {
namespace {

bool isFormulaStart(QChar character)
{
    switch (character.unicode()) {
    case u'=':
    case u'+':
    case u'-':
    case u'@':
    case u'\t':
    case u'\r':
    case u'\n':
        return true;
    default:
        return false;
    }
}

} // namespace

QString CsvWriter::neutralized(const QString& text)
{
    qsizetype first = 0;
    while (first < text.size() && text.at(first) == u' ')
        ++first;
    if (first < text.size() && isFormulaStart(text.at(first)))
        return QLatin1Char('\'') + text;
    return text;
}

QByteArray CsvWriter::textField(const QString& text)
{
    QByteArray field = neutralized(text).toUtf8();
    field.replace('"', "\"\"");
    return '"' + field + '"';
}

QByteArray CsvWriter::numberField(qint64 value)
{
    return QByteArray::number(value);
}

QByteArray CsvWriter::textRecord(const QStringList& fields)
{
    QList<QByteArray> encoded;
    encoded.reserve(fields.size());
    for (const QString& field : fields)
        encoded << textField(field);
    return record(encoded);
}

QByteArray CsvWriter::record(const QList<QByteArray>& encodedFields)
{
    QByteArray line = encodedFields.join(',');
    line += "\r\n";
    return line;
}

} // namespace chartinsight
