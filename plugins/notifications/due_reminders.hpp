#pragma once
// Due-date reminders: a self-rescheduling job (notifications.due_scan) that
// every `interval` reminds the assignee (or the creator of an unassigned
// task) of each task due within `before`, once per task and due date.
#include "notification_service.hpp"

#include <spdlog/logger.h>

#include <chrono>
#include <memory>

namespace tasklane::notifications {

inline constexpr const char* kDueScanJob = "notifications.due_scan";

struct ReminderConfig {
    std::chrono::milliseconds interval{5 * 60 * 1000};
    std::chrono::milliseconds before{24 * 60 * 60 * 1000};
};

class DueReminders {
public:
    DueReminders(sdk::Database& db, NotificationStore& store, NotificationService& service, sdk::JobQueue& jobs,
                 ReminderConfig config, std::shared_ptr<spdlog::logger> log)
        : db_(db), store_(store), service_(service), jobs_(jobs), config_(config), log_(std::move(log)) {}

    // Starts the job chain unless a live one exists (from start()).
    void ensure_chain();
    // The job: scan, remind, schedule the next run.
    void run(const sdk::Job& job);

private:
    void remind(sdk::Transaction& tx, std::int64_t now);

    sdk::Database& db_;
    NotificationStore& store_;
    NotificationService& service_;
    sdk::JobQueue& jobs_;
    ReminderConfig config_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tasklane::notifications
