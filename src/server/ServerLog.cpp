#include "ServerLog.h"

namespace chartinsight::server {

Q_LOGGING_CATEGORY(lcServer, "chartinsight.server.main", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "chartinsight.server.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "chartinsight.server.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRecords, "chartinsight.server.records", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDatabase, "chartinsight.server.database", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAccess, "chartinsight.server.access", QtInfoMsg)

} // namespace chartinsight::server
