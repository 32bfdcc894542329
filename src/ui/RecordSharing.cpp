#include "RecordSharing.h"

#include "AccessText.h"
#include "UiLogging.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace chartinsight::ui {

namespace {

const QString kPrivate = QStringLiteral("private");
const QString kTeam = QStringLiteral("team");
const QString kUsers = QStringLiteral("users");

} // namespace

RecordSharing::RecordSharing(QObject* parent) : AccessViewModel(parent) {}

void RecordSharing::setMode(const QString& mode)
{
    if (mode == m_mode || (mode != kPrivate && mode != kTeam && mode != kUsers))
        return;
    m_mode = mode;
    emit modeChanged();
    emit modifiedChanged();
}

QVariantList RecordSharing::users() const
{
    QVariantList users;
    users.reserve(m_users.size());
    for (const User& user : m_users) {
        // The uploader always sees the record, so the picker leaves them out.
        if (user.id == m_ownerId)
            continue;
        users.append(QVariantMap{{QStringLiteral("id"), user.id},
                                 {QStringLiteral("email"), user.email},
                                 {QStringLiteral("selected"), m_selected.contains(user.id)}});
    }
    return users;
}

bool RecordSharing::isModified() const
{
    if (m_mode != m_savedMode)
        return true;
    return m_mode == kUsers && m_selected != m_savedSelection;
}

void RecordSharing::open(const QVariantMap& record)
{
    reset();
    clearMessages();
    m_recordId = record.value(QStringLiteral("recordId")).toString();
    m_fileName = record.value(QStringLiteral("fileName")).toString();
    m_teamName = record.value(QStringLiteral("teamName")).toString();
    m_ownerId = record.value(QStringLiteral("ownerId")).toString();
    m_canShare = record.value(QStringLiteral("canShare")).toBool();
    m_savedMode = record.value(QStringLiteral("sharing")).toString();
    m_mode = m_savedMode;
    const QStringList sharedWith = record.value(QStringLiteral("sharedWith")).toStringList();
    m_savedSelection = QSet<QString>(sharedWith.begin(), sharedWith.end());
    m_selected = m_savedSelection;
    emit recordChanged();
    emit modeChanged();
    emit usersChanged();
    emit modifiedChanged();
    if (!isValidRecordId(m_recordId)) {
        setErrorString(tr("This record cannot be shared: its id is missing or invalid. Refresh "
                          "the record list and try again."));
        return;
    }
    loadUsers();
    refreshEntries();
}

void RecordSharing::loadUsers()
{
    client::ClientSession* client = session();
    if (!client)
        return;
    track(client->organizationUsers(), "listing the organization's users",
          tr("list the people of your organization"), [this](const QJsonValue& result) {
              m_users.clear();
              const QJsonArray entries = AccessText::arrayOf(result, QStringLiteral("users"));
              for (const QJsonValue& entry : entries) {
                  const QJsonObject user = entry.toObject();
                  m_users.append({user.value(QStringLiteral("id")).toString(),
                                  user.value(QStringLiteral("email")).toString()});
              }
              std::sort(m_users.begin(), m_users.end(), [](const User& left, const User& right) {
                  return left.email.compare(right.email, Qt::CaseInsensitive) < 0;
              });
              emit usersChanged();
          });
}

void RecordSharing::refreshEntries()
{
    client::ClientSession* client = session();
    if (!client || !isValidRecordId(m_recordId))
        return;
    const QString recordId = m_recordId;
    track(client->recordAccess(recordId), "reading who can see a record",
          tr("read who can see this record"), [this, recordId](const QJsonValue& result) {
              if (recordId == m_recordId)
                  setEntries(result);
          });
}

void RecordSharing::setEntries(const QJsonValue& result)
{
    m_entries.clear();
    const QJsonArray entries = AccessText::arrayOf(result, QStringLiteral("entries"));
    for (const QJsonValue& entry : entries) {
        const QJsonObject object = entry.toObject();
        const QString reason = object.value(QStringLiteral("reason")).toString();
        m_entries.append(
            QVariantMap{{QStringLiteral("userId"), object.value(QStringLiteral("user_id"))},
                        {QStringLiteral("email"), object.value(QStringLiteral("email"))},
                        {QStringLiteral("reason"), reason},
                        {QStringLiteral("reasonText"), AccessText::reasonText(reason)}});
    }
    emit entriesChanged();
}

void RecordSharing::setUserSelected(const QString& userId, bool selected)
{
    if (selected == m_selected.contains(userId))
        return;
    if (selected)
        m_selected.insert(userId);
    else
        m_selected.remove(userId);
    emit usersChanged();
    emit modifiedChanged();
}

void RecordSharing::save()
{
    client::ClientSession* client = session();
    if (!client || isBusy() || !isValidRecordId(m_recordId))
        return;
    clearMessages();
    if (!m_canShare) {
        setErrorString(tr("You cannot change who sees this record: only its uploader and people "
                          "who manage the files of its team can."));
        return;
    }
    if (m_mode == kUsers && m_selected.isEmpty()) {
        setErrorString(tr("Choose at least one person to share with, or choose Private."));
        return;
    }
    QStringList userIds;
    if (m_mode == kUsers) {
        userIds = QStringList(m_selected.begin(), m_selected.end());
        userIds.sort();
    }
    const QString recordId = m_recordId;
    track(client->setSharing(recordId, m_mode, userIds), "changing a record's sharing",
          tr("change who sees this record"), [this, recordId](const QJsonValue& result) {
              if (recordId != m_recordId)
                  return;
              applyRecord(result.toObject());
              qCInfo(lcUiAccess) << "sharing of record" << recordId << "set to" << m_mode;
              setStatus(tr("Sharing saved."));
              emit saved(recordId);
              refreshEntries();
          });
}

void RecordSharing::applyRecord(const QJsonObject& record)
{
    const QString mode = record.value(QStringLiteral("sharing")).toString(m_mode);
    const QStringList sharedWith =
        AccessText::stringsOf(record.value(QStringLiteral("shared_with")));
    m_savedMode = mode;
    m_mode = mode;
    m_savedSelection = QSet<QString>(sharedWith.begin(), sharedWith.end());
    if (mode == kUsers)
        m_selected = m_savedSelection;
    if (record.contains(QStringLiteral("can_share")))
        m_canShare = record.value(QStringLiteral("can_share")).toBool();
    emit recordChanged();
    emit modeChanged();
    emit usersChanged();
    emit modifiedChanged();
}

void RecordSharing::reset()
{
    m_users.clear();
    m_selected.clear();
    m_savedSelection.clear();
    m_entries.clear();
    m_recordId.clear();
    m_fileName.clear();
    m_teamName.clear();
    m_ownerId.clear();
    m_mode.clear();
    m_savedMode.clear();
    m_canShare = false;
    emit recordChanged();
    emit modeChanged();
    emit usersChanged();
    emit entriesChanged();
    emit modifiedChanged();
}

} // namespace chartinsight::ui
