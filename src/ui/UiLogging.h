#pragma once

#include <QLoggingCategory>

// Logging categories of the desktop view models. Every one is named chartinsight.ui.<component>
// and logs at info level and above by default. Lines carry record ids and counts, never file
// names, e-mail addresses or record content.
Q_DECLARE_LOGGING_CATEGORY(lcUiSession)
Q_DECLARE_LOGGING_CATEGORY(lcUiRecords)
Q_DECLARE_LOGGING_CATEGORY(lcUiUpload)
Q_DECLARE_LOGGING_CATEGORY(lcUiViewer)
Q_DECLARE_LOGGING_CATEGORY(lcUiAccess)
Q_DECLARE_LOGGING_CATEGORY(lcUiAudit)
