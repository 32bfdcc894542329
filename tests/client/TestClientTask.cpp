#include "client/ClientTask.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using chartinsight::makeError;
using chartinsight::client::ClientTask;

class TestClientTask : public QObject
{
    Q_OBJECT
private slots:
    void finishSetsResult();
    void failSetsError();
    void secondFinishIgnored();
    void progressAfterFinishIgnored();
    void waitReturnsWhenFinishedLater();
    void waitReturnsAtOnceWhenFinished();
    void autoDeleteDeletesAfterFinish();
    void ownedTaskSurvivesFinish();
};

void TestClientTask::finishSetsResult()
{
    ClientTask task;
    task.setAutoDelete(false);
    QSignalSpy finished(&task, &ClientTask::finished);
    task.finishWith(QJsonValue(42), QByteArrayLiteral("bytes"));
    QCOMPARE(finished.count(), 1);
    QVERIFY(task.isFinished());
    QVERIFY(task.succeeded());
    QCOMPARE(task.result().toInt(), 42);
    QCOMPARE(task.payload(), QByteArrayLiteral("bytes"));
}

void TestClientTask::failSetsError()
{
    ClientTask task;
    task.setAutoDelete(false);
    QSignalSpy finished(&task, &ClientTask::finished);
    task.failWith(makeError(QStringLiteral("network_error"), QStringLiteral("down")));
    QCOMPARE(finished.count(), 1);
    QVERIFY(task.isFinished());
    QVERIFY(!task.succeeded());
    QCOMPARE(task.error().code, QStringLiteral("network_error"));
    QCOMPARE(task.error().message, QStringLiteral("down"));
}

void TestClientTask::secondFinishIgnored()
{
    ClientTask task;
    task.setAutoDelete(false);
    QSignalSpy finished(&task, &ClientTask::finished);
    task.finishWith(QJsonValue(1));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("second error")));
    task.failWith(makeError(QStringLiteral("io_error"), QStringLiteral("late")));
    QCOMPARE(finished.count(), 1);
    QVERIFY(task.succeeded());
    QCOMPARE(task.result().toInt(), 1);
}

void TestClientTask::progressAfterFinishIgnored()
{
    ClientTask task;
    task.setAutoDelete(false);
    QSignalSpy progress(&task, &ClientTask::progress);
    task.reportProgress(ClientTask::Phase::Scanning, 1, 2);
    task.finishWith(QJsonValue());
    const qsizetype reportedBeforeFinish = progress.count();
    task.reportProgress(ClientTask::Phase::Transferring, 2, 2);
    QCOMPARE(progress.count(), reportedBeforeFinish);
    QCOMPARE(progress.first().at(0).value<ClientTask::Phase>(), ClientTask::Phase::Scanning);
}

void TestClientTask::waitReturnsWhenFinishedLater()
{
    ClientTask task;
    task.setAutoDelete(false);
    QTimer::singleShot(0, &task, [&task] { task.finishWith(QJsonValue(7)); });
    task.wait();
    QVERIFY(task.succeeded());
    QCOMPARE(task.result().toInt(), 7);
}

void TestClientTask::waitReturnsAtOnceWhenFinished()
{
    ClientTask task;
    task.setAutoDelete(false);
    task.finishWith(QJsonValue(3));
    task.wait();
    QVERIFY(task.succeeded());
}

void TestClientTask::autoDeleteDeletesAfterFinish()
{
    QPointer<ClientTask> task = new ClientTask;
    task->finishWith(QJsonValue());
    QVERIFY(!task.isNull());
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QVERIFY(task.isNull());
}

void TestClientTask::ownedTaskSurvivesFinish()
{
    QPointer<ClientTask> task = new ClientTask;
    task->setAutoDelete(false);
    task->finishWith(QJsonValue());
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QVERIFY(!task.isNull());
    delete task.data();
}

QTEST_GUILESS_MAIN(TestClientTask)
#include "TestClientTask.moc"
