#include "ClientLogging.h"

namespace chartinsight::client {

Q_LOGGING_CATEGORY(lcApi, "chartinsight.client.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSession, "chartinsight.client.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCache, "chartinsight.client.cache", QtInfoMsg)
Q_LOGGING_CATEGORY(lcKeychain, "chartinsight.client.keychain", QtInfoMsg)
Q_LOGGING_CATEGORY(lcScan, "chartinsight.client.scan", QtInfoMsg)

} // namespace chartinsight::client
