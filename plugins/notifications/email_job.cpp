#include "email_job.hpp"

#include <tasklane/sdk/attachments.hpp>

namespace tasklane::notifications {

void EmailJob::run(const sdk::Job& job) {
    if (!job.payload.is_object() || !job.payload.contains("notification_id") ||
        !job.payload["notification_id"].is_number_integer()) {
        throw sdk::PermanentJobFailure("payload without an integer notification_id");
    }
    const std::int64_t id = job.payload["notification_id"].get<std::int64_t>();
    std::optional<Notification> n;
    {
        auto session = db_.session();  // returned before the slow part: the send
        n = store_.find(session->sql(), id);
    }
    if (!n || n->emailed_at) {
        return;  // deleted with its user, or sent by an earlier run of this job
    }
    if (!mailer_.config().enabled()) {
        throw sdk::PermanentJobFailure("notifications.smtp.host is not set: email is off");
    }
    const auto user = users_.get(n->user_id);
    if (!user || !user->active || user->email.empty()) {
        log_->info("notification {} not emailed: user {} is gone, inactive or has no address", id, n->user_id);
        return;
    }
    auto message = compose_email(*n, mailer_.config().from, user->email,
                                 user->full_name.empty() ? user->username : user->full_name, clock_());
    const auto task_id = n->data.value("task_id", nlohmann::json());
    if (attachment_bytes_ > 0 && task_id.is_number_integer()) {
        if (const auto files = services_.find<sdk::AttachmentFiles>()) {
            // As the recipient: a mail never carries what its reader may not open.
            message.attachments = files->images_of(user->as_caller(), task_id.get<std::int64_t>(), attachment_bytes_);
        }
    }
    try {
        mailer_.send(message);
    } catch (const PermanentSmtpFailure& e) {
        throw sdk::PermanentJobFailure(e.what());
    }
    auto tx = db_.begin();
    store_.mark_emailed(tx->sql(), id, clock_());
    tx->commit();
    log_->debug("notification {} emailed to user {} (job {}, attempt {})", id, n->user_id, job.id, job.attempt);
}

}  // namespace tasklane::notifications
