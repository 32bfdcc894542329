#pragma once

#include "CurlClient.h"
#include "support/TestSupport.h"

#include <QByteArray>
#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace chartinsight::test {

// A server for the invitation tests: its clock can be moved forward through the test
// clock-offset file, its mail is read from DATA_DIR/outbox, and its links start with
// kInvitationPublicUrl.
class InvitationServer
{
public:
    static constexpr char kPublicUrl[] = "https://records.clinic.test";

    // Starts the server with the clock-offset file and --public-url. Returns false on failure.
    bool start();
    void stop();

    ServerProcess& process() { return m_server; }
    CurlClient& curl() { return *m_curl; }

    // Runs `add-user` with an organization. Returns the exit code.
    int addUser(const QString& email, const QString& password, const QString& organization,
                bool admin);
    // Returns the access token, or an empty string when the sign-in fails.
    QString login(const QString& email, const QString& password);

    // Moves the server's clock forward by `seconds`.
    bool advanceClock(qint64 seconds);

    // Waits up to 10 seconds for a mail to `recipient` that was not returned before, and returns
    // its decoded text, or an empty string.
    QString waitForMail(const QString& recipient);
    // Returns every mail file in the outbox.
    QStringList outboxFiles() const;

    // The token of the https link PUBLIC_URL/invitation?token=T in a mail, or an empty string.
    static QString tokenFromMail(const QString& mail);

    // Requests with a bearer token and a JSON body.
    CurlResult get(const QString& path, const QString& token);
    CurlResult post(const QString& path, const QJsonObject& body, const QString& token = {});

    // Returns the id of the team named `name` in the caller's organization, creating it when
    // missing, or an empty string on failure.
    QString teamId(const QString& token, const QString& name);
    // The e-mail addresses of a team's members, sorted.
    QStringList memberEmails(const QString& token, const QString& teamId);

private:
    ServerProcess m_server;
    std::unique_ptr<CurlClient> m_curl;
    QTemporaryDir m_dir;
    QString m_offsetFile;
    qint64 m_offsetSeconds = 0;
    QSet<QString> m_seenMail;
};

QByteArray toJson(const QJsonObject& object);

} // namespace chartinsight::test
