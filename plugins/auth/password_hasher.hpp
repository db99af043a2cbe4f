#pragma once
// Argon2id password hashing (libsodium) on a small pool of its own threads.
// One hash costs ~64 MiB and ~130 ms at the interactive cost, so the pool
// bounds how many run at once and refuses work when its queue is full (the
// caller answers 503) rather than letting logins pile up memory. Callers (HTTP
// worker threads) block until their job is done; the work never runs on them.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tasklane::auth {

// The defaults equal crypto_pwhash_OPSLIMIT_INTERACTIVE and
// crypto_pwhash_MEMLIMIT_INTERACTIVE (checked at compile time in the .cpp);
// they are spelled out so this header does not pull in <sodium.h>.
struct PasswordCost {
    unsigned long long ops_limit = 2;
    std::size_t mem_limit_bytes = std::size_t{64} * 1024 * 1024;
};

// The queue is full or the hasher is shutting down: answer 503 with Retry-After.
class HasherBusy : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class PasswordHasher {
public:
    // Runs on a pool thread before every job, the constructor's warm-up of the
    // dummy hash included. A test seam only: holding a worker in it makes the
    // queue's state deterministic. Must not throw.
    using JobStartHook = std::function<void()>;

    // Peak memory is threads x mem_limit_bytes, hence at most 2 threads is the
    // intent. At most `max_waiting` jobs may wait for a worker (0: refuse
    // whenever no worker is idle). Throws std::invalid_argument for zero
    // threads or a cost outside libsodium's limits.
    PasswordHasher(PasswordCost cost, std::size_t threads = 2, std::size_t max_waiting = 32,
                   JobStartHook on_job_start = {});
    // Jobs still waiting fail with HasherBusy; running jobs finish first.
    ~PasswordHasher();
    PasswordHasher(const PasswordHasher&) = delete;
    PasswordHasher& operator=(const PasswordHasher&) = delete;

    // Blocks until done. Throws HasherBusy when the queue is full and
    // std::runtime_error when libsodium fails (out of memory).
    std::string hash(const std::string& password);
    // False for a wrong password or a malformed stored hash. Hashes of any cost
    // (and legacy argon2i) verify, so needs_rehash() can upgrade them after a
    // successful login. Throws HasherBusy like hash().
    bool verify(const std::string& stored, const std::string& password);
    // Costs what verify() costs against a hash of this policy. Call it when the
    // user does not exist, so response time does not reveal existence.
    void verify_dummy(const std::string& password);
    // True unless `stored` is an argon2id hash of exactly this cost; a
    // malformed hash counts as needing a rehash.
    bool needs_rehash(const std::string& stored) const;

    const PasswordCost& cost() const { return cost_; }
    // Jobs accepted but not started, not counting those an idle worker is
    // about to take; for metrics and tests.
    std::size_t waiting() const;

private:
    struct Job {
        std::function<void()> work;
        // Completed by the worker, or failed with HasherBusy if the job never runs.
        std::promise<void> done;
    };

    void run_on_pool(const std::function<void()>& work);
    void submit(Job job);
    void work_loop();
    void shut_down() noexcept;
    std::size_t waiting_locked() const;
    // Runs on a pool thread only: the dummy costs a full hash.
    std::string dummy_hash();

    const PasswordCost cost_;
    const std::size_t max_waiting_;
    const JobStartHook on_job_start_;

    mutable std::mutex mutex_;
    std::condition_variable job_ready_;
    std::deque<Job> queue_;
    std::size_t idle_ = 0;
    bool stopping_ = false;

    std::mutex dummy_mutex_;
    std::string dummy_hash_;

    // Last: the workers use every member above from their first instruction.
    std::vector<std::thread> workers_;
};

}  // namespace tasklane::auth
