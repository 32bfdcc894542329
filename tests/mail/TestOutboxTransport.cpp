#include "MailTestSupport.h"
#include "core/ErrorCodes.h"
#include "mail/MailErrors.h"
#include "mail/MailMessage.h"
#include "mail/OutboxTransport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace chartinsight;
using namespace chartinsight::mail;
using namespace chartinsight::test;

namespace {

const QString kRecipient = QStringLiteral("patient.liaison@clinic.example");

OutgoingMail sampleMail(const QString& messageId)
{
    MailMessage message;
    message.to = kRecipient;
    message.subject = QStringLiteral("Passwort zurücksetzen");
    message.textBody = QStringLiteral("Öffnen Sie den Link: https://clinic.example/reset\n");
    message.htmlBody = QStringLiteral("<p>Öffnen Sie den <a href=\"https://clinic.example/reset"
                                      "\">Link</a>.</p>");
    const MailSettings settings{QStringLiteral("no-reply@clinic.example"), QString(),
                                QStringLiteral("clinic.example")};
    auto rendered = message.render(settings, messageId, 1796398034000);
    if (!rendered)
        qWarning("%s", qPrintable(rendered.error().message));
    return OutgoingMail{messageId, settings.fromAddress, kRecipient,
                        rendered.ok() ? rendered.value() : QByteArray()};
}

} // namespace

class TestOutboxTransport : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void writesPrivateFile();
    void replacesSameId();
    void tightensExistingFolder();
    void rejectsSymlinkFolder();
    void rejectsMissingParent();
    void rejectsInvalidId_data();
    void rejectsInvalidId();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_outbox;
};

void TestOutboxTransport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_outbox = m_dir->filePath(QStringLiteral("outbox"));
}

void TestOutboxTransport::writesPrivateFile()
{
    auto outbox = OutboxTransport::create(m_outbox);
    QVERIFY2(outbox.ok(), errorOf(outbox).constData());
    QCOMPARE(fileMode(m_outbox), 0700);

    const QString id = QStringLiteral("0b7e6c5d-4a3b-4c2d-8e1f-001122334455");
    const OutgoingMail mail = sampleMail(id);
    QVERIFY(!mail.data.isEmpty());
    auto sent = outbox.value()->send(mail);
    QVERIFY2(sent.ok(), errorOf(sent).constData());

    const QString path = m_outbox + QStringLiteral("/") + id + QStringLiteral(".eml");
    QCOMPARE(outbox.value()->filePath(id), path);
    QCOMPARE(fileMode(path), 0600);
    QCOMPARE(readFile(path), mail.data);

    const ParsedMail parsed = parseMail(readFile(path));
    QVERIFY(parsed.parsed);
    QCOMPARE(parsed.defects, 0);
    QCOMPARE(parsed.subject, QStringLiteral("Passwort zurücksetzen"));
    QCOMPARE(parsed.to, kRecipient);

    // Exactly the one file, no temporary left behind, and nothing named after the recipient.
    const QStringList entries =
        QDir(m_outbox).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    QCOMPARE(entries, QStringList{id + QStringLiteral(".eml")});
    for (const QString& entry : entries)
        QVERIFY(!entry.contains(QLatin1String("patient"), Qt::CaseInsensitive));
}

void TestOutboxTransport::replacesSameId()
{
    auto outbox = OutboxTransport::create(m_outbox);
    QVERIFY2(outbox.ok(), errorOf(outbox).constData());
    const QString id = QStringLiteral("c0ffee00-0000-4000-8000-000000000001");
    OutgoingMail mail = sampleMail(id);
    QVERIFY(outbox.value()->send(mail).ok());
    mail.data += "\r\n";
    QVERIFY(outbox.value()->send(mail).ok());

    QCOMPARE(readFile(outbox.value()->filePath(id)), mail.data);
    QCOMPARE(
        QDir(m_outbox).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(), 1);
}

void TestOutboxTransport::tightensExistingFolder()
{
    QVERIFY(QDir().mkdir(m_outbox));
    QVERIFY(::chmod(QFile::encodeName(m_outbox).constData(), 0755) == 0);

    auto outbox = OutboxTransport::create(m_outbox);
    QVERIFY2(outbox.ok(), errorOf(outbox).constData());
    QCOMPARE(fileMode(m_outbox), 0700);
}

void TestOutboxTransport::rejectsSymlinkFolder()
{
    const QString target = m_dir->filePath(QStringLiteral("elsewhere"));
    QVERIFY(QDir().mkdir(target));
    QVERIFY(QFile::link(target, m_outbox));

    auto outbox = OutboxTransport::create(m_outbox);
    QVERIFY(!outbox.ok());
    QCOMPARE(outbox.error().code, QString::fromLatin1(chartinsight::errc::kIo));
}

void TestOutboxTransport::rejectsMissingParent()
{
    auto outbox = OutboxTransport::create(m_dir->filePath(QStringLiteral("missing/outbox")));
    QVERIFY(!outbox.ok());
    QCOMPARE(outbox.error().code, QString::fromLatin1(chartinsight::errc::kIo));
    QVERIFY2(outbox.error().message.contains(QLatin1String("Creating the outbox folder")),
             errorOf(outbox).constData());
}

void TestOutboxTransport::rejectsInvalidId_data()
{
    QTest::addColumn<QString>("messageId");

    QTest::newRow("parent path") << "../escape";
    QTest::newRow("slash") << "a/b";
    QTest::newRow("hidden") << ".hidden";
    QTest::newRow("empty") << "";
    QTest::newRow("line break") << "abc\ndef";
    QTest::newRow("recipient") << "patient.liaison@clinic.example";
}

void TestOutboxTransport::rejectsInvalidId()
{
    QFETCH(QString, messageId);

    auto outbox = OutboxTransport::create(m_outbox);
    QVERIFY2(outbox.ok(), errorOf(outbox).constData());
    OutgoingMail mail = sampleMail(QStringLiteral("00000000-0000-4000-8000-000000000000"));
    mail.messageId = messageId;

    auto sent = outbox.value()->send(mail);
    QVERIFY(!sent.ok());
    QCOMPARE(sent.error().code, QString::fromLatin1(mail::errc::kInvalidMail));
    QVERIFY(QDir(m_outbox).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
    QVERIFY(QDir(m_dir->path()).entryList(QDir::Files).isEmpty());
}

QTEST_GUILESS_MAIN(TestOutboxTransport)
#include "TestOutboxTransport.moc"
