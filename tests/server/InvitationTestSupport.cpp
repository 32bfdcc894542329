#include "InvitationTestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QThread>

namespace chartinsight::test {
namespace {

// Undoes quoted-printable soft line breaks and =XX escapes, enough to read links.
QString decodeQuotedPrintable(QByteArray data)
{
    data.replace("=\r\n", "");
    QByteArray out;
    for (qsizetype i = 0; i < data.size(); ++i) {
        if (data.at(i) == '=' && i + 2 < data.size()) {
            out += QByteArray::fromHex(data.mid(i + 1, 2));
            i += 2;
        } else {
            out += data.at(i);
        }
    }
    return QString::fromUtf8(out);
}

} // namespace

QByteArray toJson(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool InvitationServer::start()
{
    if (!m_dir.isValid())
        return false;
    m_offsetFile = m_dir.filePath(QStringLiteral("clock-offset"));
    if (!advanceClock(0))
        return false;
    // The server inherits this process's environment.
    qputenv("CHARTINSIGHT_TEST_CLOCK_OFFSET_FILE", m_offsetFile.toUtf8());
    if (!m_server.start({QStringLiteral("--public-url"), QString::fromLatin1(kPublicUrl)}))
        return false;
    m_curl = std::make_unique<CurlClient>(m_server);
    return true;
}

void InvitationServer::stop()
{
    m_server.stop();
}

int InvitationServer::addUser(const QString& email, const QString& password,
                              const QString& organization, bool admin)
{
    QStringList arguments{QStringLiteral("add-user"),
                          QStringLiteral("--data-dir"),
                          m_server.dataDir(),
                          QStringLiteral("--email"),
                          email,
                          QStringLiteral("--organization"),
                          organization};
    if (admin)
        arguments << QStringLiteral("--admin");
    const ProcessOutput output = runProcess(serverExecutable(), arguments, password.toUtf8() + '\n',
                                            60000, {QStringLiteral("CHARTINSIGHT_BCRYPT_COST=4")});
    if (output.exitCode != 0)
        qWarning().noquote() << "add-user failed:" << output.standardError;
    return output.exitCode;
}

QString InvitationServer::login(const QString& email, const QString& password)
{
    const CurlResult result =
        post(QStringLiteral("/api/v1/auth/login"),
             {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    return result.json().value(QStringLiteral("access_token")).toString();
}

bool InvitationServer::advanceClock(qint64 seconds)
{
    m_offsetSeconds += seconds;
    QFile file(m_offsetFile);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(QByteArray::number(m_offsetSeconds)) > 0;
}

QStringList InvitationServer::outboxFiles() const
{
    const QDir outbox(m_server.dataDir() + QStringLiteral("/outbox"));
    return outbox.entryList({QStringLiteral("*.eml")}, QDir::Files, QDir::Name);
}

QString InvitationServer::waitForMail(const QString& recipient)
{
    const QDir outbox(m_server.dataDir() + QStringLiteral("/outbox"));
    for (int i = 0; i < 100; ++i) {
        for (const QString& name : outboxFiles()) {
            if (m_seenMail.contains(name))
                continue;
            QFile file(outbox.filePath(name));
            if (!file.open(QIODevice::ReadOnly))
                continue;
            const QByteArray data = file.readAll();
            if (!data.contains("To: " + recipient.toUtf8()) &&
                !data.contains("<" + recipient.toUtf8() + ">"))
                continue;
            m_seenMail.insert(name);
            return decodeQuotedPrintable(data);
        }
        QThread::msleep(100);
    }
    return {};
}

QString InvitationServer::tokenFromMail(const QString& mail)
{
    static const QRegularExpression link(
        QRegularExpression::escape(QString::fromLatin1(kPublicUrl)) +
        QStringLiteral("/invitation\\?token=([A-Za-z0-9_-]{43})"));
    return link.match(mail).captured(1);
}

CurlResult InvitationServer::get(const QString& path, const QString& token)
{
    return m_curl->request(QStringLiteral("GET"), path, {}, token);
}

CurlResult InvitationServer::post(const QString& path, const QJsonObject& body,
                                  const QString& token)
{
    return m_curl->request(QStringLiteral("POST"), path, toJson(body), token);
}

QString InvitationServer::teamId(const QString& token, const QString& name)
{
    const CurlResult teams = get(QStringLiteral("/api/v1/teams"), token);
    for (const QJsonValue& team : teams.json().value(QStringLiteral("teams")).toArray()) {
        if (team.toObject().value(QStringLiteral("name")).toString() == name)
            return team.toObject().value(QStringLiteral("id")).toString();
    }
    const CurlResult created =
        post(QStringLiteral("/api/v1/teams"), {{QStringLiteral("name"), name}}, token);
    if (created.status != 201)
        qWarning() << "creating a team failed:" << created.status << created.body;
    return created.json().value(QStringLiteral("id")).toString();
}

QStringList InvitationServer::memberEmails(const QString& token, const QString& teamId)
{
    const CurlResult members = get(QStringLiteral("/api/v1/teams/%1/members").arg(teamId), token);
    QStringList emails;
    for (const QJsonValue& member : members.json().value(QStringLiteral("members")).toArray())
        emails << member.toObject().value(QStringLiteral("email")).toString();
    emails.sort();
    return emails;
}

} // namespace chartinsight::test
