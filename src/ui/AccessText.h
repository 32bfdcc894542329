#pragma once

#include "core/Result.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace chartinsight::ui {

// Wording of the access model in the desktop app: permission and sharing-mode labels, why a
// user can see a record, and plain-word messages for the server's access errors.
class AccessText
{
public:
    // Permission names as the API sends them, in the API's order.
    static QStringList permissionNames();
    // "Manage files" for "manage_files"; the name itself for an unknown one.
    static QString permissionLabel(const QString& name);
    // A comma-separated list of labels, or "View only" for an empty list.
    static QString permissionsText(const QStringList& names);
    // "Private", "Everyone in <team>" or "Selected people".
    static QString sharingText(const QString& mode, const QString& teamName);
    // Why a user can see a record: "Uploaded it", "Member of the team" or "Shared with them".
    static QString reasonText(const QString& reason);
    // A message for a failed access request. `action` describes what was attempted, starting
    // lower case ("change the title"). 403 and 404 get plain words with the server's detail.
    static QString errorText(const Error& error, const QString& action);

    // The array `key` of an object, or the value itself when it is an array already: the
    // client library returns lists as arrays, the HTTP API wraps them in an object.
    static QJsonArray arrayOf(const QJsonValue& value, const QString& key);
    static QStringList stringsOf(const QJsonValue& value);
};

} // namespace chartinsight::ui
