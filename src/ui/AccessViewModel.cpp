#include "AccessViewModel.h"

#include "AccessText.h"
#include "TaskFinished.h"
#include "UiLogging.h"

namespace chartinsight::ui {

using client::ClientTask;

AccessViewModel::AccessViewModel(QObject* parent) : QObject(parent) {}

void AccessViewModel::setController(SessionController* controller)
{
    if (controller == m_controller)
        return;
    if (m_controller)
        m_controller->disconnect(this);
    m_controller = controller;
    if (m_controller) {
        const auto restart = [this] {
            ++m_generation;
            setPending(0);
            clearMessages();
            reset();
        };
        connect(m_controller, &SessionController::signedInChanged, this, [this, restart] {
            if (!m_controller->isSignedIn())
                restart();
        });
        connect(m_controller, &SessionController::sessionReplaced, this, restart);
    }
    emit controllerChanged();
}

void AccessViewModel::clearMessages()
{
    setStatus({});
    setErrorString({});
}

client::ClientSession* AccessViewModel::session() const
{
    if (!m_controller || !m_controller->isSignedIn())
        return nullptr;
    return m_controller->session();
}

void AccessViewModel::track(ClientTask* task, const char* operation, const QString& action,
                            std::function<void(const QJsonValue&)> onSuccess,
                            std::function<void(const Error&)> onFailure)
{
    setPending(m_pending + 1);
    const quint64 generation = m_generation;
    whenFinished(task, this,
                 [this, generation, operation, action, onSuccess = std::move(onSuccess),
                  onFailure = std::move(onFailure)](const ClientTask& finished) {
                     if (generation != m_generation)
                         return;
                     setPending(m_pending - 1);
                     if (finished.succeeded()) {
                         onSuccess(finished.result());
                         return;
                     }
                     qCInfo(lcUiAccess) << operation << "failed:" << finished.error().code;
                     if (!m_controller ||
                         !m_controller->handleCertificateFailure(finished.error(), {}))
                         setErrorString(AccessText::errorText(finished.error(), action));
                     if (onFailure)
                         onFailure(finished.error());
                 });
}

void AccessViewModel::setPending(int pending)
{
    const bool wasBusy = isBusy();
    m_pending = qMax(0, pending);
    if (wasBusy != isBusy())
        emit busyChanged();
}

void AccessViewModel::setStatus(const QString& status)
{
    if (status == m_status)
        return;
    m_status = status;
    emit statusChanged();
}

void AccessViewModel::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

} // namespace chartinsight::ui
