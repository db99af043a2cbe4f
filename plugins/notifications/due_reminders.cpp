#include "due_reminders.hpp"

#include <tasklane/sdk/events.hpp>

namespace tasklane::notifications {

// One chain, whatever the number of nodes and restarts. The schedule row
// holds a token; a due_scan job carries the token it was enqueued with and
// runs only if it can advance the token by a compare-and-set UPDATE in its
// own transaction (which also enqueues the successor with token + 1). A job
// whose token is stale (a second chain started by a racing node) finds the
// UPDATE touching no row and ends without a successor, so duplicates die out
// after one run. A node starts a new chain only when the row says nobody has
// advanced it for two intervals plus a minute (the chain died: its job went
// dead, or the database was restored); an administrator may instead retry
// the dead job through /api/v1/jobs, whose token is then still current.
// Chosen over a unique "one queued due_scan job" index because the job
// table belongs to the core.
namespace {
constexpr const char* kChain = "due_scan";
}

void DueReminders::ensure_chain() {
    const std::int64_t now = service_.now();
    const std::int64_t stale_after = 2 * config_.interval.count() + 60'000;
    auto tx = db_.begin();
    store_.ensure_schedule(tx->sql(), kChain);
    const auto schedule = store_.schedule(tx->sql(), kChain);
    // Otherwise a live chain exists.
    if (schedule && schedule->next_run_at + stale_after <= now &&
        store_.advance_schedule(tx->sql(), kChain, schedule->token, now)) {
        jobs_.enqueue(*tx, kDueScanJob, {{"token", schedule->token + 1}});
        log_->info("started the due-date reminder chain (token {})", schedule->token + 1);
    }
    tx->commit();
}

void DueReminders::run(const sdk::Job& job) {
    const std::int64_t token = job.payload.value("token", std::int64_t{-1});
    const std::int64_t now = service_.now();
    auto tx = db_.begin();
    if (!store_.advance_schedule(tx->sql(), kChain, token, now + config_.interval.count())) {
        log_->info("due_scan job {} has the stale token {}: another chain is live, this one ends", job.id, token);
        return;
    }
    remind(*tx, now);
    sdk::JobOptions next;
    next.delay = config_.interval;
    jobs_.enqueue(*tx, kDueScanJob, {{"token", token + 1}}, next);
    tx->commit();
}

void DueReminders::remind(sdk::Transaction& tx, std::int64_t now) {
    // Tasks that fell due since the last scans still get their reminder (a
    // scan runs every interval); one long overdue is not "due soon".
    const std::int64_t from = now - 2 * config_.interval.count();
    const std::int64_t to = now + config_.before.count();
    for (const auto& due : store_.due_between(tx.sql(), from, to)) {
        // The claim is a conditional UPDATE: concurrent scans (a stale chain's
        // last run) cannot both send one; the notification's source_key is a
        // second guard.
        if (!store_.claim_reminder(tx.sql(), due.task_id, due.due_at)) {
            continue;
        }
        const std::string when = sdk::iso8601_utc(due.due_at);
        sdk::Notice notice{due.user_id, "task.due_soon", "Due soon: " + due.title,
                           "The task \"" + due.title + "\" is due " + when + ".",
                           {{"task_id", due.task_id}, {"due_date", when}}};
        try {
            service_.notify(tx, notice,
                            "due:" + std::to_string(due.task_id) + ":" + std::to_string(due.due_at));
        } catch (const sdk::ApiError& e) {
            // The user was deactivated: nobody to remind; the claim stays.
            log_->info("no reminder for task {}: {}", due.task_id, e.what());
        }
    }
}

}  // namespace tasklane::notifications
