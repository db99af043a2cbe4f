#pragma once
// The notifications.email job: reads the notification and the user's
// address, sends the mail, and marks the notification emailed. At least once:
// a job for a notification already emailed does nothing; a worker that dies
// between sending and marking sends once more (the Message-ID is the same).
#include "notification_store.hpp"
#include "smtp_mailer.hpp"

#include <tasklane/sdk/jobs.hpp>
#include <tasklane/sdk/users.hpp>

#include <spdlog/logger.h>

#include <memory>

namespace tasklane::notifications {

class EmailJob {
public:
    EmailJob(sdk::Database& db, NotificationStore& store, sdk::UserDirectory& users, const SmtpMailer& mailer,
             Clock clock, std::shared_ptr<spdlog::logger> log)
        : db_(db), store_(store), users_(users), mailer_(mailer), clock_(std::move(clock)), log_(std::move(log)) {}

    void run(const sdk::Job& job);

private:
    sdk::Database& db_;
    NotificationStore& store_;
    sdk::UserDirectory& users_;
    const SmtpMailer& mailer_;
    Clock clock_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tasklane::notifications
