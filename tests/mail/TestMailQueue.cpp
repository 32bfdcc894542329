#include "MailTestSupport.h"
#include "crypto/Random.h"
#include "mail/MailErrors.h"
#include "mail/MailQueue.h"
#include "mail/OutboxTransport.h"
#include "mail/SmtpTransport.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace chartinsight;
using namespace chartinsight::mail;
using namespace chartinsight::test;
using namespace std::chrono_literals;

namespace {

// 2026-12-04T15:27:14Z
constexpr qint64 kStartMSecs = 1796398034000;

const QString kRecipient = QStringLiteral("planted-recipient-7f3a@clinic.example");
const QString kSubject = QStringLiteral("Planted subject 91c2 für Sie");
const QString kText = QStringLiteral("Planted code 553817\nGültig 10 Minuten.\n");
const QString kHtml = QStringLiteral("<p>Planted code <b>553817</b></p>\n");

MailSettings settings()
{
    return {QStringLiteral("no-reply@clinic.example"), QStringLiteral("ChartInsight"),
            QStringLiteral("clinic.example")};
}

MailMessage sampleMessage()
{
    return MailMessage{kRecipient, kSubject, kText, kHtml};
}

qint64 queryInt(storage::SqlDatabase& database, const QString& sql)
{
    auto statement = database.prepare(sql);
    if (!statement)
        return -1;
    auto row = statement->step();
    return row.ok() && row.value() ? statement->columnInt64(0) : -1;
}

} // namespace

class TestMailQueue : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void enqueueStoresMessage();
    void enqueueRollsBackWithCaller();
    void enqueueRejectsInjection();
    void smtpOutageKeepsMessage();
    void retryDelay_data();
    void retryDelay();
    void retriesUntilGiveUp();
    void claimIsExclusive();
    void expiredClaimIsTakenOver();
    void concurrentWorkersSendOnce();
    void deliversToOutbox();
    void nextAttemptAt();
    void removeFinished();
    void logsOmitPersonalData();

private:
    std::unique_ptr<SmtpTransport> smtpTransport(const QUrl& url) const;

    QTemporaryDir m_tlsDir;
    TlsFiles m_tls;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_databasePath;
    QByteArray m_key;
    std::unique_ptr<storage::SqlDatabase> m_database;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<MailQueue> m_queue;
};

void TestMailQueue::initTestCase()
{
    QVERIFY(m_tlsDir.isValid());
    QVERIFY(makeTlsFiles(m_tlsDir.path(), m_tls));
}

void TestMailQueue::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_databasePath = m_dir->filePath(QStringLiteral("chartinsight.db"));
    m_key = crypto::randomBytes(32);
    m_database = openMailDatabase(m_databasePath, m_key);
    QVERIFY(m_database);
    m_clock = std::make_unique<ManualClock>(kStartMSecs);
    m_queue = std::make_unique<MailQueue>(*m_database, settings(), *m_clock);
}

void TestMailQueue::cleanup()
{
    m_queue.reset();
    m_database.reset();
    m_clock.reset();
    m_dir.reset();
}

std::unique_ptr<SmtpTransport> TestMailQueue::smtpTransport(const QUrl& url) const
{
    SmtpSettings smtp;
    smtp.url = url;
    smtp.caFile = m_tls.certificate;
    auto transport = SmtpTransport::create(smtp);
    if (!transport) {
        qWarning("%s", qPrintable(transport.error().message));
        return nullptr;
    }
    return std::move(transport).value();
}

void TestMailQueue::enqueueStoresMessage()
{
    auto id = m_queue->enqueue(sampleMessage());
    QVERIFY2(id.ok(), errorOf(id).constData());

    auto status = m_queue->status(id.value());
    QVERIFY(status.ok());
    QVERIFY(status->has_value());
    QCOMPARE(status->value().attempts, 0);
    QCOMPARE(status->value().createdAt, kStartMSecs);
    QCOMPARE(status->value().nextAttemptAt, kStartMSecs);
    QVERIFY(status->value().lastErrorCode.isEmpty());
    QVERIFY(!status->value().sentAt.has_value());

    auto statement = m_database->prepare(
        QStringLiteral("SELECT recipient, message FROM mail_queue WHERE id = ?"));
    QVERIFY(statement.ok());
    statement->bind(1, id.value());
    QVERIFY(statement->step().value());
    QCOMPARE(statement->columnText(0), kRecipient);
    const ParsedMail parsed = parseMail(statement->columnBlob(1));
    QCOMPARE(parsed.messageId, QStringLiteral("<%1@clinic.example>").arg(id.value()));
    QCOMPARE(parsed.subject, kSubject);
    QCOMPARE(parsed.text, kText);
}

void TestMailQueue::enqueueRollsBackWithCaller()
{
    QString id;
    auto outer = m_database->transaction([&]() -> Result<void> {
        auto queued = m_queue->enqueue(sampleMessage());
        if (!queued)
            return queued.error();
        id = queued.value();
        return makeError(QStringLiteral("test"), QStringLiteral("caller failed after queueing"));
    });
    QVERIFY(!outer.ok());
    QVERIFY(!id.isEmpty());
    QCOMPARE(queryInt(*m_database, QStringLiteral("SELECT count(*) FROM mail_queue")), 0);

    auto committed = m_database->transaction([&]() -> Result<void> {
        auto queued = m_queue->enqueue(sampleMessage());
        return queued ? Result<void>() : Result<void>(queued.error());
    });
    QVERIFY(committed.ok());
    QCOMPARE(queryInt(*m_database, QStringLiteral("SELECT count(*) FROM mail_queue")), 1);
}

void TestMailQueue::enqueueRejectsInjection()
{
    MailMessage message = sampleMessage();
    message.subject = QStringLiteral("Reset\r\nBcc: attacker@evil.example");
    auto id = m_queue->enqueue(message);
    QVERIFY(!id.ok());
    QCOMPARE(id.error().code, QString::fromLatin1(errc::kInvalidMail));
    QCOMPARE(queryInt(*m_database, QStringLiteral("SELECT count(*) FROM mail_queue")), 0);
}

void TestMailQueue::smtpOutageKeepsMessage()
{
    const quint16 port = freeLoopbackPort();
    SmtpSink sink(m_dir->filePath(QStringLiteral("maildir")), m_tls);
    auto transport = smtpTransport(QUrl(QStringLiteral("smtp://127.0.0.1:%1").arg(port)));
    QVERIFY(transport);

    auto id = m_queue->enqueue(sampleMessage());
    QVERIFY2(id.ok(), errorOf(id).constData());

    // The SMTP server is down: the attempt fails and the mail waits for the first retry.
    auto report = m_queue->deliverDue(*transport);
    QVERIFY2(report.ok(), errorOf(report).constData());
    QCOMPARE(report->sent, 0);
    QCOMPARE(report->deferred, 1);
    auto status = m_queue->status(id.value());
    QVERIFY(status.ok() && status->has_value());
    QCOMPARE(status->value().attempts, 1);
    QCOMPARE(status->value().nextAttemptAt, kStartMSecs + 30000);
    QVERIFY(status->value().nextAttemptAt > m_clock->currentMSecsSinceEpoch());
    QCOMPARE(status->value().lastErrorCode, QString::fromLatin1(errc::kSmtpConnectFailed));
    QVERIFY(!status->value().sentAt.has_value());
    QVERIFY(!status->value().claimedUntil.has_value());

    // Not due yet, so nothing is attempted.
    report = m_queue->deliverDue(*transport);
    QVERIFY(report.ok());
    QCOMPARE(report->sent + report->deferred + report->abandoned, 0);

    m_clock->advance(30s);
    QVERIFY(sink.start(port, SmtpSink::Security::StartTls));
    report = m_queue->deliverDue(*transport);
    QVERIFY2(report.ok(), errorOf(report).constData());
    QCOMPARE(report->sent, 1);
    QCOMPARE(report->deferred, 0);

    // Nothing is left to send, and the server got the mail exactly once.
    m_clock->advance(1h);
    report = m_queue->deliverDue(*transport);
    QVERIFY(report.ok());
    QCOMPARE(report->sent, 0);
    const QStringList delivered = sink.deliveredFiles();
    QCOMPARE(delivered.size(), 1);
    const ParsedMail parsed = parseMail(readFile(delivered.first()));
    QCOMPARE(parsed.subject, kSubject);
    QCOMPARE(parsed.text, kText);
    QCOMPARE(parsed.html, kHtml);
    QCOMPARE(parsed.rcptTo, kRecipient);

    status = m_queue->status(id.value());
    QCOMPARE(status->value().attempts, 2);
    QCOMPARE(status->value().sentAt, std::optional<qint64>(kStartMSecs + 30000));
    QVERIFY(status->value().lastErrorCode.isEmpty());
    // The code in the message is erased once it is sent.
    QCOMPARE(queryInt(*m_database, QStringLiteral("SELECT length(message) FROM mail_queue")), 0);
}

void TestMailQueue::retryDelay_data()
{
    QTest::addColumn<int>("failedAttempts");
    QTest::addColumn<qint64>("expectedSeconds");

    QTest::newRow("first") << 1 << qint64(30);
    QTest::newRow("second") << 2 << qint64(60);
    QTest::newRow("third") << 3 << qint64(120);
    QTest::newRow("seventh") << 7 << qint64(1920);
    QTest::newRow("eighth capped") << 8 << qint64(3600);
    QTest::newRow("many") << 1000 << qint64(3600);
}

void TestMailQueue::retryDelay()
{
    QFETCH(int, failedAttempts);
    QFETCH(qint64, expectedSeconds);

    QCOMPARE(qint64(m_queue->retryDelay(failedAttempts).count()), expectedSeconds * 1000);
}

void TestMailQueue::retriesUntilGiveUp()
{
    auto transport =
        smtpTransport(QUrl(QStringLiteral("smtp://127.0.0.1:%1").arg(freeLoopbackPort())));
    QVERIFY(transport);
    auto id = m_queue->enqueue(sampleMessage());
    QVERIFY(id.ok());

    // Delays of 30 s doubling to 1 h reach 24 h (86 400 s) at the 31st attempt:
    // 30 + 60 + ... + 1920 = 3810 s after 7 retries, then 3810 + 23 * 3600 = 86 610 s.
    constexpr int kExpectedAttempts = 31;
    int abandoned = 0;
    for (int attempt = 1; attempt <= kExpectedAttempts; ++attempt) {
        auto report = m_queue->deliverDue(*transport);
        QVERIFY2(report.ok(), errorOf(report).constData());
        QCOMPARE(report->sent, 0);
        abandoned += report->abandoned;
        auto status = m_queue->status(id.value());
        QCOMPARE(status->value().attempts, attempt);
        if (attempt < kExpectedAttempts) {
            QCOMPARE(report->deferred, 1);
            QCOMPARE(status->value().nextAttemptAt - m_clock->currentMSecsSinceEpoch(),
                     qint64(m_queue->retryDelay(attempt).count()));
            m_clock->setCurrentMSecsSinceEpoch(status->value().nextAttemptAt);
        }
    }
    QCOMPARE(abandoned, 1);

    auto status = m_queue->status(id.value());
    QCOMPARE(status->value().failedAt, std::optional<qint64>(m_clock->currentMSecsSinceEpoch()));
    QCOMPARE(status->value().lastErrorCode, QString::fromLatin1(errc::kSmtpConnectFailed));
    QVERIFY(m_clock->currentMSecsSinceEpoch() - kStartMSecs >= 24 * 3600 * 1000);
    QCOMPARE(queryInt(*m_database, QStringLiteral("SELECT length(message) FROM mail_queue")), 0);

    // An abandoned mail is never attempted again.
    m_clock->advance(48h);
    auto report = m_queue->deliverDue(*transport);
    QVERIFY(report.ok());
    QCOMPARE(report->sent + report->deferred + report->abandoned, 0);
    QCOMPARE(m_queue->status(id.value())->value().attempts, kExpectedAttempts);
}

void TestMailQueue::claimIsExclusive()
{
    auto secondDatabase = storage::SqlDatabase::open(m_databasePath, m_key,
                                                     storage::SqlDatabase::OpenMode::ExistingOnly);
    QVERIFY2(secondDatabase.ok(), errorOf(secondDatabase).constData());
    MailQueue secondQueue(*secondDatabase.value(), settings(), *m_clock);

    auto id = m_queue->enqueue(sampleMessage());
    QVERIFY(id.ok());

    auto first = m_queue->claimNext();
    QVERIFY2(first.ok(), errorOf(first).constData());
    QVERIFY(first->has_value());
    QCOMPARE(first->value().mail.messageId, id.value());
    QCOMPARE(first->value().attempt, 1);
    QCOMPARE(first->value().mail.recipient, kRecipient);
    QCOMPARE(first->value().mail.sender, settings().fromAddress);

    auto second = secondQueue.claimNext();
    QVERIFY2(second.ok(), errorOf(second).constData());
    QVERIFY(!second->has_value());

    // The same worker cannot claim it twice either.
    auto again = m_queue->claimNext();
    QVERIFY(again.ok());
    QVERIFY(!again->has_value());
}

void TestMailQueue::expiredClaimIsTakenOver()
{
    auto secondDatabase = storage::SqlDatabase::open(m_databasePath, m_key,
                                                     storage::SqlDatabase::OpenMode::ExistingOnly);
    QVERIFY(secondDatabase.ok());
    MailQueue secondQueue(*secondDatabase.value(), settings(), *m_clock);
    auto id = m_queue->enqueue(sampleMessage());
    QVERIFY(id.ok());

    // The first worker claims the mail and then stalls (as if it crashed).
    auto stalled = m_queue->claimNext();
    QVERIFY(stalled.ok() && stalled->has_value());
    m_clock->advance(RetryPolicy().claimTimeout + 1ms);

    auto takeover = secondQueue.claimNext();
    QVERIFY2(takeover.ok(), errorOf(takeover).constData());
    QVERIFY(takeover->has_value());
    QCOMPARE(takeover->value().attempt, 2);

    // The second worker sends it, and the stalled worker's late failure changes nothing.
    auto sent = secondQueue.finish(takeover->value(), Result<void>());
    QVERIFY(sent.ok());
    QCOMPARE(sent.value(), DeliveryOutcome::Sent);
    auto late = m_queue->finish(stalled->value(),
                                Error{QString::fromLatin1(errc::kSmtpTimeout), QString()});
    QVERIFY(late.ok());

    auto status = m_queue->status(id.value());
    QVERIFY(status->value().sentAt.has_value());
    QVERIFY(status->value().lastErrorCode.isEmpty());
    QCOMPARE(status->value().attempts, 2);
}

void TestMailQueue::concurrentWorkersSendOnce()
{
    constexpr int kMessages = 40;
    for (int i = 0; i < kMessages; ++i)
        QVERIFY(m_queue->enqueue(sampleMessage()).ok());
    auto outbox = OutboxTransport::create(m_dir->filePath(QStringLiteral("outbox")));
    QVERIFY2(outbox.ok(), errorOf(outbox).constData());

    // Two workers, each with its own connection as in two server processes, deliver at once.
    struct Worker
    {
        std::unique_ptr<storage::SqlDatabase> database;
        int sent = 0;
        int rounds = 0;
        QString error;
    };
    Worker workers[2];
    for (Worker& worker : workers) {
        auto opened = storage::SqlDatabase::open(m_databasePath, m_key,
                                                 storage::SqlDatabase::OpenMode::ExistingOnly);
        QVERIFY2(opened.ok(), errorOf(opened).constData());
        worker.database = std::move(opened).value();
    }
    const auto run = [&](Worker& worker) {
        MailQueue queue(*worker.database, settings(), *m_clock);
        for (;;) {
            // Small batches interleave the workers' claims.
            auto report = queue.deliverDue(*outbox.value(), 2);
            if (!report) {
                worker.error = report.error().message;
                return;
            }
            ++worker.rounds;
            worker.sent += report->sent;
            if (report->sent + report->deferred + report->abandoned == 0)
                return;
        }
    };
    std::thread first(run, std::ref(workers[0]));
    std::thread second(run, std::ref(workers[1]));
    first.join();
    second.join();

    QVERIFY2(workers[0].error.isEmpty(), qPrintable(workers[0].error));
    QVERIFY2(workers[1].error.isEmpty(), qPrintable(workers[1].error));
    QCOMPARE(workers[0].sent + workers[1].sent, kMessages);
    QCOMPARE(queryInt(*m_database, QStringLiteral("SELECT count(*) FROM mail_queue WHERE "
                                                  "attempts = 1 AND sent_at IS NOT NULL")),
             qint64(kMessages));
    QCOMPARE(QDir(outbox.value()->folder()).entryList(QDir::Files).size(), kMessages);
}

void TestMailQueue::deliversToOutbox()
{
    auto outbox = OutboxTransport::create(m_dir->filePath(QStringLiteral("outbox")));
    QVERIFY2(outbox.ok(), errorOf(outbox).constData());
    auto id = m_queue->enqueue(sampleMessage());
    QVERIFY(id.ok());

    auto report = m_queue->deliverDue(*outbox.value());
    QVERIFY2(report.ok(), errorOf(report).constData());
    QCOMPARE(report->sent, 1);

    const QString path = outbox.value()->filePath(id.value());
    QCOMPARE(fileMode(path), 0600);
    const ParsedMail parsed = parseMail(readFile(path));
    QCOMPARE(parsed.defects, 0);
    QCOMPARE(parsed.to, kRecipient);
    QCOMPARE(parsed.subject, kSubject);
    QCOMPARE(parsed.text, kText);
    QCOMPARE(parsed.html, kHtml);
    QVERIFY(m_queue->status(id.value())->value().sentAt.has_value());
}

void TestMailQueue::nextAttemptAt()
{
    auto next = m_queue->nextAttemptAt();
    QVERIFY(next.ok());
    QVERIFY(!next->has_value());

    QVERIFY(m_queue->enqueue(sampleMessage()).ok());
    next = m_queue->nextAttemptAt();
    QCOMPARE(next.value(), std::optional<qint64>(kStartMSecs));

    // While claimed, the mail is due again only when the claim expires.
    auto claimed = m_queue->claimNext();
    QVERIFY(claimed.ok() && claimed->has_value());
    next = m_queue->nextAttemptAt();
    QCOMPARE(next.value(),
             std::optional<qint64>(kStartMSecs + qint64(RetryPolicy().claimTimeout.count())));

    auto deferred = m_queue->finish(claimed->value(),
                                    Error{QString::fromLatin1(errc::kSmtpTimeout), QString()});
    QCOMPARE(deferred.value(), DeliveryOutcome::Deferred);
    next = m_queue->nextAttemptAt();
    QCOMPARE(next.value(), std::optional<qint64>(kStartMSecs + 30000));
}

void TestMailQueue::removeFinished()
{
    auto outbox = OutboxTransport::create(m_dir->filePath(QStringLiteral("outbox")));
    QVERIFY(outbox.ok());
    QVERIFY(m_queue->enqueue(sampleMessage()).ok());
    QCOMPARE(m_queue->deliverDue(*outbox.value())->sent, 1);
    m_clock->advance(1h);
    QVERIFY(m_queue->enqueue(sampleMessage()).ok()); // pending, never removed

    auto removed = m_queue->removeFinished(2h);
    QVERIFY(removed.ok());
    QCOMPARE(removed.value(), qint64(0));

    m_clock->advance(1h + 1ms);
    removed = m_queue->removeFinished(2h);
    QVERIFY(removed.ok());
    QCOMPARE(removed.value(), qint64(1));
    QCOMPARE(queryInt(*m_database, QStringLiteral("SELECT count(*) FROM mail_queue")), 1);
}

void TestMailQueue::logsOmitPersonalData()
{
    auto outbox = OutboxTransport::create(m_dir->filePath(QStringLiteral("outbox")));
    QVERIFY(outbox.ok());
    auto down = smtpTransport(QUrl(QStringLiteral("smtp://127.0.0.1:%1").arg(freeLoopbackPort())));
    QVERIFY(down);

    LogCapture capture;
    auto id = m_queue->enqueue(sampleMessage());
    QVERIFY(id.ok());
    QCOMPARE(m_queue->deliverDue(*down)->deferred, 1);
    m_clock->advance(24h);
    QCOMPARE(m_queue->deliverDue(*down)->abandoned, 1);
    auto second = m_queue->enqueue(sampleMessage());
    QVERIFY(second.ok());
    QCOMPARE(m_queue->deliverDue(*outbox.value())->sent, 1);

    const QString log = capture.text();
    QVERIFY2(log.contains(id.value()), qPrintable(log));
    QVERIFY(log.contains(second.value()));
    QVERIFY(log.contains(QLatin1String("chartinsight.mail.queue")));
    QVERIFY(log.contains(QLatin1String(errc::kSmtpConnectFailed)));
    for (const QString& planted :
         {QStringLiteral("planted-recipient"), QStringLiteral("Planted subject"),
          QStringLiteral("553817"), QStringLiteral("clinic.example")}) {
        QVERIFY2(!log.contains(planted, Qt::CaseInsensitive), qPrintable(planted));
    }
}

QTEST_GUILESS_MAIN(TestMailQueue)
#include "TestMailQueue.moc"
