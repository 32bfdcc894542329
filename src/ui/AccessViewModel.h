#pragma once

#include "SessionController.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <functional>

namespace chartinsight::ui {

// Common part of the view models of the access screens (sharing, teams, roles): the
// controller, a busy flag counting the requests in flight, a status line and an error line.
// Results of requests sent before sign-out or a new session are dropped.
class AccessViewModel : public QObject
{
    Q_OBJECT
    QML_ANONYMOUS

    Q_PROPERTY(chartinsight::ui::SessionController* controller READ controller WRITE setController
                   NOTIFY controllerChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    explicit AccessViewModel(QObject* parent = nullptr);

    SessionController* controller() const { return m_controller; }
    void setController(SessionController* controller);
    bool isBusy() const { return m_pending > 0; }
    QString status() const { return m_status; }
    QString errorString() const { return m_errorString; }

    Q_INVOKABLE void clearMessages();

signals:
    void controllerChanged();
    void busyChanged();
    void statusChanged();
    void errorStringChanged();

protected:
    // The session, or null when signed out.
    client::ClientSession* session() const;
    // Runs `onSuccess` with the task's result when `task` succeeds. A failure sets errorString
    // to AccessText::errorText(error, action); `onFailure`, when given, runs after that.
    // `operation` names the request in the log.
    void track(client::ClientTask* task, const char* operation, const QString& action,
               std::function<void(const QJsonValue&)> onSuccess,
               std::function<void(const Error&)> onFailure = {});
    void setStatus(const QString& status);
    void setErrorString(const QString& errorString);
    // Called after sign-out and when a new session replaces the old one.
    virtual void reset() = 0;

private:
    void setPending(int pending);

    QPointer<SessionController> m_controller;
    QString m_status;
    QString m_errorString;
    quint64 m_generation = 0;
    int m_pending = 0;
};

} // namespace chartinsight::ui
