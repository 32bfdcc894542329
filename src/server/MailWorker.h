#pragma once

#include "mail/MailQueue.h"
#include "mail/MailTransport.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace chartinsight::server {

// A thread that delivers the mail queue through one transport: it runs MailQueue::deliverDue
// whenever wake() is called and at least every kPollInterval, so mail queued by another server
// sharing the database and retries that come due are sent too.
class MailWorker
{
public:
    static constexpr std::chrono::seconds kPollInterval{1};

    MailWorker(mail::MailQueue& queue, std::unique_ptr<mail::MailTransport> transport);
    ~MailWorker(); // stops and joins the thread

    void start();
    void stop();
    void wake();

private:
    void run();

    mail::MailQueue& m_queue;
    std::unique_ptr<mail::MailTransport> m_transport;
    std::mutex m_mutex;
    std::condition_variable m_condition;
    bool m_stopping = false;
    bool m_woken = false;
    std::thread m_thread;
};

} // namespace chartinsight::server
