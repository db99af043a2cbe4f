#pragma once
// The notifications.email job: reads the notification and the user's
// address, sends the mail, and marks the notification emailed. At least once:
// a job for a notification already emailed does nothing; a worker that dies
// between sending and marking sends once more (the Message-ID is the same).
#include "notification_store.hpp"
#include "smtp_mailer.hpp"

#include <tasklane/sdk/jobs.hpp>
#include <tasklane/sdk/services.hpp>
#include <tasklane/sdk/users.hpp>

#include <spdlog/logger.h>

#include <memory>

namespace tasklane::notifications {

class EmailJob {
public:
    // `attachment_bytes`: how much of a task's images a mail may carry (0:
    // none); they come from the attachments plugin's service when it runs.
    EmailJob(sdk::Database& db, NotificationStore& store, sdk::UserDirectory& users, sdk::Services& services,
             const SmtpMailer& mailer, std::size_t attachment_bytes, Clock clock, std::shared_ptr<spdlog::logger> log)
        : db_(db), store_(store), users_(users), services_(services), mailer_(mailer),
          attachment_bytes_(attachment_bytes), clock_(std::move(clock)), log_(std::move(log)) {}

    void run(const sdk::Job& job);

private:
    sdk::Database& db_;
    NotificationStore& store_;
    sdk::UserDirectory& users_;
    sdk::Services& services_;
    const SmtpMailer& mailer_;
    std::size_t attachment_bytes_;
    Clock clock_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tasklane::notifications
