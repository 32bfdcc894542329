#include "MailSchema.h"

namespace chartinsight::mail {

QStringList mailMigrations()
{
    return {
        // Mail queue, version 1. `message` contains the rendered mail with its codes and links,
        // so it lives only in this encrypted database and is emptied once the mail is sent or
        // abandoned. `claimed_until` is set while one worker delivers the row. `failed_at`
        // marks a mail the queue gave up on.
        QStringLiteral(R"sql(
CREATE TABLE mail_queue (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    message BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    last_error_code TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    failed_at BIGINT
);
CREATE INDEX mail_queue_next_attempt_at ON mail_queue (next_attempt_at);
)sql"),
    };
}

} // namespace chartinsight::mail
