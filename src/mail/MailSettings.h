#pragma once

#include "core/Result.h"

#include <QString>

namespace chartinsight::mail {

// Sender identity of every mail the server sends.
struct MailSettings
{
    // Envelope sender (SMTP MAIL FROM) and the address of the From header, for example
    // "no-reply@clinic.example". ASCII only.
    QString fromAddress;
    // Optional display name of the From header, for example "ChartInsight". Any Unicode text.
    QString fromName;
    // Domain on the right of every Message-ID, for example "clinic.example".
    QString messageIdDomain;

    // Checks every field. An error names the field and how to fix it.
    Result<void> validate() const;
};

} // namespace chartinsight::mail
