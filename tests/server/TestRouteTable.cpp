// The server's route table: every route declares an access rule, the table passes the check
// the server runs at start, and matching a path finds the declared rule.

#include "server/Router.h"

#include <QSet>
#include <QTest>

using namespace chartinsight::server;

namespace {

const QByteArray kId = "0f8e7a52-3c1d-4b9a-9e21-5d6c7b8a9f00";

// The pattern with every {name} replaced by a valid id.
QByteArray concretePath(const char* pattern)
{
    QList<QByteArray> segments = QByteArray(pattern).split('/');
    for (QByteArray& segment : segments) {
        if (segment.startsWith('{'))
            segment = kId;
    }
    return segments.join('/');
}

} // namespace

class TestRouteTable : public QObject
{
    Q_OBJECT
private slots:
    void tableValidates();
    void everyRouteIdHasRow();
    void everyRowHasRule();
    void rowsAreUnique();
    void matchFindsDeclaredRule();
    void adminRoutesNeedOrganizationPermission_data();
    void adminRoutesNeedOrganizationPermission();
    void recordRoutesNeedToken_data();
    void recordRoutesNeedToken();
    void invalidIdIsMarked();
    void wrongMethodHasNoRule();
};

void TestRouteTable::tableValidates()
{
    const auto validated = Router::validate();
    QVERIFY2(validated.ok(), qPrintable(validated ? QString() : validated.error().message));
}

void TestRouteTable::everyRouteIdHasRow()
{
    for (int value = int(RouteId::None) + 1; value < int(RouteId::Count); ++value) {
        bool found = false;
        for (const RouteSpec& spec : Router::routes())
            found = found || int(spec.route) == value;
        QVERIFY2(found, qPrintable(QStringLiteral("RouteId %1 has no row").arg(value)));
    }
}

void TestRouteTable::everyRowHasRule()
{
    for (const RouteSpec& spec : Router::routes()) {
        QVERIFY2(spec.access.kind != AccessKind::Missing,
                 qPrintable(QStringLiteral("%1 %2 has no access rule")
                                .arg(QLatin1String(spec.method), QLatin1String(spec.pattern))));
    }
}

void TestRouteTable::rowsAreUnique()
{
    QSet<QByteArray> seen;
    for (const RouteSpec& spec : Router::routes()) {
        const QByteArray key = QByteArray(spec.method) + ' ' + spec.pattern;
        QVERIFY2(!seen.contains(key), key.constData());
        seen.insert(key);
    }
}

void TestRouteTable::matchFindsDeclaredRule()
{
    for (const RouteSpec& spec : Router::routes()) {
        const RouteMatch match = Router::match(spec.method, concretePath(spec.pattern));
        const QByteArray row = QByteArray(spec.method) + ' ' + spec.pattern;
        QVERIFY2(match.route == spec.route, row.constData());
        QVERIFY2(match.methodAllowed, row.constData());
        QVERIFY2(match.access.kind == spec.access.kind, row.constData());
        QVERIFY2(match.access.kind != AccessKind::OrganizationPermission ||
                     match.access.permission == spec.access.permission,
                 row.constData());
        QVERIFY2(match.validIds, row.constData());
        QVERIFY2(match.allowedMethods.contains(spec.method), row.constData());
    }
}

void TestRouteTable::adminRoutesNeedOrganizationPermission_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::newRow("users") << QByteArray("GET") << QByteArray("/api/v1/admin/users");
    QTest::newRow("unlock") << QByteArray("POST") << "/api/v1/admin/users/" + kId + "/unlock";
    QTest::newRow("password") << QByteArray("POST") << "/api/v1/admin/users/" + kId + "/password";
}

void TestRouteTable::adminRoutesNeedOrganizationPermission()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    const RouteMatch match = Router::match(method, path);
    QCOMPARE(int(match.access.kind), int(AccessKind::OrganizationPermission));
    QCOMPARE(int(match.access.permission), int(Permission::ManageOrganization));
}

void TestRouteTable::recordRoutesNeedToken_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("route");
    QTest::newRow("list") << QByteArray("GET") << QByteArray("/api/v1/records")
                          << int(RouteId::Records);
    QTest::newRow("upload") << QByteArray("POST") << QByteArray("/api/v1/records")
                            << int(RouteId::Records);
    QTest::newRow("get") << QByteArray("GET") << "/api/v1/records/" + kId << int(RouteId::Record);
    QTest::newRow("patch") << QByteArray("PATCH") << "/api/v1/records/" + kId
                           << int(RouteId::Record);
    QTest::newRow("content") << QByteArray("GET") << "/api/v1/records/" + kId + "/content"
                             << int(RouteId::RecordContent);
    QTest::newRow("sharing") << QByteArray("PUT") << "/api/v1/records/" + kId + "/sharing"
                             << int(RouteId::RecordSharing);
    QTest::newRow("access") << QByteArray("GET") << "/api/v1/records/" + kId + "/access"
                            << int(RouteId::RecordAccess);
    QTest::newRow("users") << QByteArray("GET") << QByteArray("/api/v1/users")
                           << int(RouteId::Users);
}

void TestRouteTable::recordRoutesNeedToken()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(int, route);
    const RouteMatch match = Router::match(method, path);
    QCOMPARE(int(match.route), route);
    QCOMPARE(int(match.access.kind), int(AccessKind::Token));
}

void TestRouteTable::invalidIdIsMarked()
{
    const RouteMatch match = Router::match("GET", "/api/v1/records/not-an-id");
    QCOMPARE(int(match.route), int(RouteId::Record));
    QVERIFY(!match.validIds);
    QVERIFY(!match.validRecordId);
    QCOMPARE(Router::pathForLog(match, "/api/v1/records/not-an-id"),
             QByteArray("/api/v1/records/(invalid id)"));
}

void TestRouteTable::wrongMethodHasNoRule()
{
    const RouteMatch match = Router::match("POST", "/api/v1/records/" + kId);
    QCOMPARE(int(match.route), int(RouteId::Record));
    QVERIFY(!match.methodAllowed);
    QCOMPARE(int(match.access.kind), int(AccessKind::Missing));
    QCOMPARE(match.allowedMethods, QByteArray("GET, PATCH, DELETE"));
}

QTEST_GUILESS_MAIN(TestRouteTable)
#include "TestRouteTable.moc"
