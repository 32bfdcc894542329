#pragma once

#include <QLoggingCategory>

namespace chartinsight::client {

Q_DECLARE_LOGGING_CATEGORY(lcApi)      // chartinsight.client.api: HTTPS requests and TLS trust
Q_DECLARE_LOGGING_CATEGORY(lcSession)  // chartinsight.client.session: sign-in, upload, sync
Q_DECLARE_LOGGING_CATEGORY(lcCache)    // chartinsight.client.cache: the SQLCipher offline cache
Q_DECLARE_LOGGING_CATEGORY(lcKeychain) // chartinsight.client.keychain: QtKeychain jobs
Q_DECLARE_LOGGING_CATEGORY(lcScan)     // chartinsight.client.scan: the local pre-scan

} // namespace chartinsight::client
