#include "MailWorker.h"

#include "ServerLog.h"

namespace chartinsight::server {

MailWorker::MailWorker(mail::MailQueue& queue, std::unique_ptr<mail::MailTransport> transport)
    : m_queue(queue), m_transport(std::move(transport))
{
}

MailWorker::~MailWorker()
{
    stop();
}

void MailWorker::start()
{
    m_thread = std::thread([this] { run(); });
}

void MailWorker::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_condition.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void MailWorker::wake()
{
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_condition.notify_all();
}

void MailWorker::run()
{
    for (;;) {
        auto report = m_queue.deliverDue(*m_transport);
        if (!report) {
            qCWarning(lcServer).noquote()
                << "mail delivery failed:" << report.error().code << "-" << report.error().message;
        } else if (report->sent + report->deferred + report->abandoned > 0) {
            qCInfo(lcServer) << "mail queue: sent" << report->sent << "deferred" << report->deferred
                             << "abandoned" << report->abandoned;
        }
        std::unique_lock lock(m_mutex);
        m_condition.wait_for(lock, kPollInterval, [this] { return m_stopping || m_woken; });
        if (m_stopping)
            return;
        m_woken = false;
    }
}

} // namespace chartinsight::server
