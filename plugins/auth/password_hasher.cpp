#include "password_hasher.hpp"

#include "secrets.hpp"

#include <sodium.h>

#include <exception>
#include <future>
#include <string_view>
#include <utility>

namespace tasklane::auth {
namespace {

static_assert(PasswordCost{}.ops_limit == crypto_pwhash_OPSLIMIT_INTERACTIVE,
              "PasswordCost's default must stay libsodium's interactive cost");
static_assert(PasswordCost{}.mem_limit_bytes == crypto_pwhash_MEMLIMIT_INTERACTIVE,
              "PasswordCost's default must stay libsodium's interactive cost");

constexpr std::string_view argon2id_prefix = "$argon2id$";

std::string hash_now(std::string_view password, const PasswordCost& cost) {
    char encoded[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(encoded, password.data(), password.size(), cost.ops_limit, cost.mem_limit_bytes) != 0) {
        throw std::runtime_error("argon2id hashing failed (out of memory)");
    }
    return std::string(encoded);
}

// libsodium reads the stored hash as a C string: an embedded NUL would make it
// verify a prefix of what is stored, and nothing valid reaches STRBYTES.
bool plausible_encoding(const std::string& stored) {
    return !stored.empty() && stored.size() < crypto_pwhash_STRBYTES && stored.find('\0') == std::string::npos;
}

bool verify_now(const std::string& stored, std::string_view password) {
    return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

void check_cost(const PasswordCost& cost) {
    if (cost.ops_limit < crypto_pwhash_OPSLIMIT_MIN || cost.ops_limit > crypto_pwhash_OPSLIMIT_MAX) {
        throw std::invalid_argument("argon2id ops_limit is outside libsodium's limits");
    }
    if (cost.mem_limit_bytes < crypto_pwhash_MEMLIMIT_MIN || cost.mem_limit_bytes > crypto_pwhash_MEMLIMIT_MAX) {
        throw std::invalid_argument("argon2id mem_limit_bytes is outside libsodium's limits");
    }
}

}  // namespace

PasswordHasher::PasswordHasher(PasswordCost cost, std::size_t threads, std::size_t max_waiting,
                               JobStartHook on_job_start)
    : cost_(cost), max_waiting_(max_waiting), on_job_start_(std::move(on_job_start)) {
    check_cost(cost_);
    if (threads == 0) {
        throw std::invalid_argument("PasswordHasher needs at least one thread");
    }
    secrets::init_sodium();

    // Warms the dummy hash so the first unknown-user login costs one verify,
    // not a hash and a verify. A failure here is retried by verify_dummy().
    queue_.push_back(Job{[this] {
                             try {
                                 (void)dummy_hash();
                             } catch (...) {
                             }
                         },
                         {}});

    workers_.reserve(threads);
    try {
        for (std::size_t i = 0; i < threads; ++i) {
            workers_.emplace_back([this] { work_loop(); });
        }
    } catch (...) {
        shut_down();
        throw;
    }
}

PasswordHasher::~PasswordHasher() { shut_down(); }

void PasswordHasher::shut_down() noexcept {
    std::deque<Job> abandoned;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        abandoned.swap(queue_);
    }
    job_ready_.notify_all();
    for (Job& job : abandoned) {
        job.done.set_exception(std::make_exception_ptr(HasherBusy("password hasher is shutting down")));
    }
    for (std::thread& worker : workers_) {
        if (worker.joinable()) {
            worker.join();
        }
    }
}

std::string PasswordHasher::hash(const std::string& password) {
    std::string result;
    run_on_pool([&] { result = hash_now(password, cost_); });
    return result;
}

bool PasswordHasher::verify(const std::string& stored, const std::string& password) {
    if (!plausible_encoding(stored)) {
        return false;
    }
    bool matches = false;
    run_on_pool([&] { matches = verify_now(stored, password); });
    return matches;
}

void PasswordHasher::verify_dummy(const std::string& password) {
    run_on_pool([&] { (void)verify_now(dummy_hash(), password); });
}

bool PasswordHasher::needs_rehash(const std::string& stored) const {
    // crypto_pwhash_str_needs_rehash accepts an argon2i hash of the same cost;
    // only argon2id is current.
    if (!plausible_encoding(stored) || stored.compare(0, argon2id_prefix.size(), argon2id_prefix) != 0) {
        return true;
    }
    return crypto_pwhash_str_needs_rehash(stored.c_str(), cost_.ops_limit, cost_.mem_limit_bytes) != 0;
}

std::size_t PasswordHasher::waiting() const {
    std::lock_guard lock(mutex_);
    return waiting_locked();
}

std::size_t PasswordHasher::waiting_locked() const { return queue_.size() > idle_ ? queue_.size() - idle_ : 0; }

std::string PasswordHasher::dummy_hash() {
    std::lock_guard lock(dummy_mutex_);
    if (dummy_hash_.empty()) {
        // A random password: nobody can match the dummy, though its result is discarded anyway.
        std::string password(32, '\0');
        randombytes_buf(password.data(), password.size());
        dummy_hash_ = hash_now(password, cost_);
    }
    return dummy_hash_;
}

void PasswordHasher::run_on_pool(const std::function<void()>& work) {
    // `work` is captured by reference: this frame waits for `finished`, which
    // is set only after work() has returned.
    Job job{[&work] { work(); }, {}};
    std::future<void> finished = job.done.get_future();
    submit(std::move(job));
    finished.get();
}

void PasswordHasher::submit(Job job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            throw HasherBusy("password hasher is shutting down");
        }
        // The new job would wait only when no idle worker is left to take it.
        if (queue_.size() >= idle_ && queue_.size() - idle_ >= max_waiting_) {
            throw HasherBusy("password hashing queue is full");
        }
        queue_.push_back(std::move(job));
    }
    job_ready_.notify_one();
}

void PasswordHasher::work_loop() {
    std::unique_lock lock(mutex_);
    // Counted idle whenever the next queued job would be this worker's, so
    // submit() knows that job starts at once rather than waits.
    ++idle_;
    for (;;) {
        job_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) {
            return;
        }
        --idle_;
        Job job = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();

        if (on_job_start_) {
            on_job_start_();
        }
        std::exception_ptr failure;
        try {
            job.work();
        } catch (...) {
            failure = std::current_exception();
        }

        lock.lock();
        ++idle_;
        lock.unlock();
        // Completed only once counted idle: a caller that submits again as soon
        // as it sees its result must find this worker free, not be refused.
        if (failure) {
            job.done.set_exception(failure);
        } else {
            job.done.set_value();
        }
        lock.lock();
    }
}

}  // namespace tasklane::auth
