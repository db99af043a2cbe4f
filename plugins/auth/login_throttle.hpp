#pragma once
// Failed-login throttling per client address and per account: a fixed number
// of failures inside a sliding window, then 429 until the oldest failure
// leaves the window. In memory, per node (a cluster of N nodes allows up to N
// times the limit; the numbers are small enough that this is acceptable).
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace tasklane::auth {

class LoginThrottle {
public:
    LoginThrottle(int max_failures, std::chrono::milliseconds window);
    // Seconds until `key` may try again, or nullopt when it may try now.
    std::optional<std::int64_t> retry_after(const std::string& key, std::int64_t now_ms);
    void record_failure(const std::string& key, std::int64_t now_ms);
    void reset(const std::string& key);

private:
    void forget_old(std::deque<std::int64_t>& failures, std::int64_t now_ms) const;
    void sweep(std::int64_t now_ms);

    int max_failures_;
    std::int64_t window_ms_;
    std::mutex mutex_;
    std::unordered_map<std::string, std::deque<std::int64_t>> failures_;
    std::int64_t next_sweep_ms_ = 0;
};

}  // namespace tasklane::auth
