#pragma once

#include <QLoggingCategory>

namespace chartinsight::server {

// Logging categories of the server. Info is the default level; debug lines appear only with the
// rule "chartinsight.server.*.debug=true" in QT_LOGGING_RULES. No category ever logs an e-mail
// address, password, token, filename, query string or record content: ids and counts only.
Q_DECLARE_LOGGING_CATEGORY(lcServer)   // chartinsight.server.main: start, stop, configuration
Q_DECLARE_LOGGING_CATEGORY(lcHttp)     // chartinsight.server.http: one line per request
Q_DECLARE_LOGGING_CATEGORY(lcAuth)     // chartinsight.server.auth: logins and sessions
Q_DECLARE_LOGGING_CATEGORY(lcRecords)  // chartinsight.server.records: uploads and downloads
Q_DECLARE_LOGGING_CATEGORY(lcDatabase) // chartinsight.server.database: schema and repositories
Q_DECLARE_LOGGING_CATEGORY(lcAccess)   // chartinsight.server.access: teams, sharing, denials

} // namespace chartinsight::server
