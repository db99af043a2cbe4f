#pragma once
// The durable job queue: work that leaves the process (an email, a webhook)
// is enqueued in the transaction that decided it, survives a crash, and is
// retried with exponential backoff and jitter until it succeeds or reaches
// its max_attempts (then it is "dead", visible and retryable through
// GET /api/v1/jobs and POST /api/v1/jobs/{id}/retry).
//
// Delivery is at least once: a worker killed after the work but before the
// job is marked done runs it again once its lease expires, so handlers must
// be idempotent (webhooks send a delivery id that stays the same).
#include "database.hpp"
#include "export.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace tasklane::sdk {

struct Job {
    std::int64_t id = 0;
    std::string kind;
    nlohmann::json payload;
    int attempt = 1;  // this run, from 1
    int max_attempts = 1;
    std::int64_t created_at = 0;  // epoch ms
};

// Thrown by a handler for a failure that retrying cannot fix (a 4xx answer,
// a malformed payload): the job goes dead at once, with this message.
class TASKLANE_SDK_VISIBLE PermanentJobFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct JobOptions {
    std::chrono::milliseconds delay{0};  // run no earlier than this from now
    int max_attempts = 0;                // 0: the host's jobs.max_attempts
};

// Returns when the work is done; any exception means "failed": retried later
// (PermanentJobFailure: never). Runs on the host's job worker threads and
// must finish well within jobs.lease.
using JobHandler = std::function<void(const Job&)>;

class TASKLANE_SDK_VISIBLE JobQueue {
public:
    virtual ~JobQueue() = default;
    // Writes the job in `tx`: it exists exactly when the transaction commits.
    virtual std::int64_t enqueue(Transaction& tx, const std::string& kind, const nlohmann::json& payload,
                                 const JobOptions& options) = 0;
    std::int64_t enqueue(Transaction& tx, const std::string& kind, const nlohmann::json& payload) {
        return enqueue(tx, kind, payload, JobOptions{});
    }
    // From Plugin::start(): jobs of `kind` (prefix it with the plugin's name,
    // "notifications.email") run through `handler`. One handler per kind.
    virtual void handle(const std::string& kind, JobHandler handler) = 0;
};

}  // namespace tasklane::sdk
