#include "UiTestEnvironment.h"
#include "ui/RecordListModel.h"

#include <QGuiApplication>
#include <QSignalSpy>
#include <QTest>

using chartinsight::RecordInfo;
using chartinsight::ui::RecordListModel;

namespace {

RecordInfo record(const QString& idSuffix, const QString& fileName, qint64 size,
                  const QDateTime& createdAt)
{
    RecordInfo info;
    info.id = QStringLiteral("123e4567-e89b-42d3-a456-4266141740") + idSuffix;
    info.filename = fileName;
    info.size = size;
    info.sha256 = QString(64, QLatin1Char('a'));
    info.createdAt = createdAt;
    return info;
}

const QDateTime kOlder(QDate(2026, 11, 2), QTime(9, 30), Qt::UTC);
const QDateTime kNewer(QDate(2026, 12, 4), QTime(15, 27), Qt::UTC);

} // namespace

class TestRecordListModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void newestFirst();
    void roles();
    void roleNames();
    void invalidIndex();
    void clearEmptiesList();
    void refreshWithoutSession();
    void rowAccessors();

private:
    RecordListModel m_model;
};

void TestRecordListModel::init()
{
    QLocale::setDefault(QLocale::c());
    m_model.clear();
}

void TestRecordListModel::newestFirst()
{
    QSignalSpy countChanged(&m_model, &RecordListModel::countChanged);
    m_model.setRecords({record(QStringLiteral("01"), QStringLiteral("old.pdf"), 10, kOlder),
                        record(QStringLiteral("02"), QStringLiteral("new.png"), 20, kNewer)});
    QCOMPARE(m_model.rowCount(), 2);
    QCOMPARE(m_model.count(), 2);
    QCOMPARE(countChanged.size(), 1);
    QCOMPARE(m_model.data(m_model.index(0), RecordListModel::FileNameRole).toString(),
             QStringLiteral("new.png"));
    QCOMPARE(m_model.data(m_model.index(1), RecordListModel::FileNameRole).toString(),
             QStringLiteral("old.pdf"));
}

void TestRecordListModel::roles()
{
    m_model.setRecords({record(QStringLiteral("03"), QStringLiteral("lab.txt"), 1500, kNewer)});
    const QModelIndex first = m_model.index(0);
    QCOMPARE(m_model.data(first, RecordListModel::RecordIdRole).toString(),
             QStringLiteral("123e4567-e89b-42d3-a456-426614174003"));
    QCOMPARE(m_model.data(first, RecordListModel::SizeRole).toLongLong(), 1500);
    QCOMPARE(m_model.data(first, RecordListModel::SizeTextRole).toString(),
             QStringLiteral("1.5 kB"));
    QCOMPARE(m_model.data(first, RecordListModel::CreatedAtRole).toDateTime(), kNewer);
    QCOMPARE(m_model.data(first, RecordListModel::CreatedAtRole).toDateTime().timeSpec(),
             Qt::LocalTime);
    const QString created = m_model.data(first, RecordListModel::CreatedTextRole).toString();
    QVERIFY2(created.contains(QStringLiteral("2026")), qPrintable(created));
    QCOMPARE(m_model.data(first, Qt::DisplayRole).toString(), QStringLiteral("lab.txt"));
}

void TestRecordListModel::roleNames()
{
    const QHash<int, QByteArray> names = m_model.roleNames();
    QCOMPARE(names.value(RecordListModel::RecordIdRole), QByteArray("recordId"));
    QCOMPARE(names.value(RecordListModel::FileNameRole), QByteArray("fileName"));
    QCOMPARE(names.value(RecordListModel::SizeTextRole), QByteArray("sizeText"));
    QCOMPARE(names.value(RecordListModel::CreatedTextRole), QByteArray("createdText"));
}

void TestRecordListModel::invalidIndex()
{
    m_model.setRecords({record(QStringLiteral("04"), QStringLiteral("a.pdf"), 1, kNewer)});
    QVERIFY(!m_model.data(m_model.index(1), RecordListModel::FileNameRole).isValid());
    QVERIFY(!m_model.data(QModelIndex(), RecordListModel::FileNameRole).isValid());
    QVERIFY(!m_model.data(m_model.index(0), Qt::UserRole + 100).isValid());
}

void TestRecordListModel::clearEmptiesList()
{
    m_model.setRecords({record(QStringLiteral("05"), QStringLiteral("a.pdf"), 1, kNewer)});
    QSignalSpy countChanged(&m_model, &RecordListModel::countChanged);
    m_model.clear();
    QCOMPARE(m_model.rowCount(), 0);
    QCOMPARE(countChanged.size(), 1);
    QVERIFY(!m_model.isLoaded());
    QVERIFY(!m_model.isBusy());
}

void TestRecordListModel::refreshWithoutSession()
{
    m_model.refresh();
    m_model.sync();
    QVERIFY(!m_model.isBusy());
    QVERIFY(m_model.errorString().isEmpty());
}

void TestRecordListModel::rowAccessors()
{
    m_model.setRecords({record(QStringLiteral("06"), QStringLiteral("b.pdf"), 1, kNewer)});
    QCOMPARE(m_model.recordId(0), QStringLiteral("123e4567-e89b-42d3-a456-426614174006"));
    QCOMPARE(m_model.fileName(0), QStringLiteral("b.pdf"));
    QVERIFY(m_model.recordId(1).isEmpty());
    QVERIFY(m_model.fileName(-1).isEmpty());
}

int main(int argc, char* argv[])
{
    const chartinsight::test::UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestRecordListModel test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestRecordListModel.moc"
