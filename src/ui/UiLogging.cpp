#include "UiLogging.h"

Q_LOGGING_CATEGORY(lcUiSession, "chartinsight.ui.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUiRecords, "chartinsight.ui.records", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUiUpload, "chartinsight.ui.upload", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUiViewer, "chartinsight.ui.viewer", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUiAccess, "chartinsight.ui.access", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUiAudit, "chartinsight.ui.audit", QtInfoMsg)
