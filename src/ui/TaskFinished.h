#pragma once

#include "client/ClientTask.h"

#include <QObject>

#include <functional>

namespace chartinsight::ui {

// Calls `handler` once `task` has finished, also when it failed before it was returned (some
// operations fail at once, for example without a session token). The call is dropped when
// `context` is destroyed first. The task deletes itself after finished(), so `handler` copies
// what it needs and keeps no pointer.
inline void whenFinished(client::ClientTask* task, QObject* context,
                         std::function<void(const client::ClientTask&)> handler)
{
    if (task->isFinished()) {
        handler(*task);
        return;
    }
    QObject::connect(task, &client::ClientTask::finished, context,
                     [task, handler = std::move(handler)] { handler(*task); });
}

} // namespace chartinsight::ui
