#pragma once
// The integrations.deliver job: one signed POST of a delivery's body to its
// webhook or named target, behind the SSRF guard, with every attempt logged
// in its own transaction. 2xx succeeds; 408, 429, 5xx, timeouts and
// connection errors are retried by the queue (backoff, then dead); any other
// answer and a refused address fail at once (PermanentJobFailure).
#include "integration_store.hpp"
#include "settings.hpp"

#include <tasklane/sdk/jobs.hpp>

#include <spdlog/logger.h>

#include <functional>
#include <memory>

namespace tasklane::integrations {

class DeliveryJob {
public:
    DeliveryJob(sdk::Database& db, IntegrationStore& store, const Settings& settings,
                std::shared_ptr<spdlog::logger> log, std::function<std::int64_t()> clock)
        : db_(db), store_(store), settings_(settings), log_(std::move(log)), clock_(std::move(clock)) {}

    void run(const sdk::Job& job);

private:
    struct Destination {
        std::string url;
        std::string secret;
    };

    // Logs the attempt and the delivery's new status in one transaction of
    // its own, so the log survives whatever the queue does with the job.
    void record(const std::string& delivery_id, const std::string& status, std::optional<long> status_code,
                std::chrono::milliseconds duration, const std::string& error);
    // Records a failed attempt, then throws what tells the queue whether to
    // retry (std::runtime_error) or not (PermanentJobFailure).
    [[noreturn]] void fail(const sdk::Job& job, const std::string& delivery_id, bool retry,
                           std::optional<long> status_code, std::chrono::milliseconds duration,
                           const std::string& error);

    sdk::Database& db_;
    IntegrationStore& store_;
    const Settings& settings_;
    std::shared_ptr<spdlog::logger> log_;
    std::function<std::int64_t()> clock_;
};

}  // namespace tasklane::integrations
