#include "login_throttle.hpp"

namespace tasklane::auth {

LoginThrottle::LoginThrottle(int max_failures, std::chrono::milliseconds window)
    : max_failures_(max_failures), window_ms_(window.count()) {}

void LoginThrottle::forget_old(std::deque<std::int64_t>& failures, std::int64_t now_ms) const {
    while (!failures.empty() && failures.front() <= now_ms - window_ms_) {
        failures.pop_front();
    }
}

std::optional<std::int64_t> LoginThrottle::retry_after(const std::string& key, std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(key);
    if (it == failures_.end()) {
        return std::nullopt;
    }
    forget_old(it->second, now_ms);
    if (static_cast<int>(it->second.size()) < max_failures_) {
        return std::nullopt;
    }
    const std::int64_t wait_ms = it->second.front() + window_ms_ - now_ms;
    return std::max<std::int64_t>(1, (wait_ms + 999) / 1000);
}

void LoginThrottle::record_failure(const std::string& key, std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    auto& failures = failures_[key];
    forget_old(failures, now_ms);
    failures.push_back(now_ms);
    // Never keep more than the limit: memory per key stays bounded.
    while (static_cast<int>(failures.size()) > max_failures_) {
        failures.pop_front();
    }
    sweep(now_ms);
}

void LoginThrottle::reset(const std::string& key) {
    std::lock_guard lock(mutex_);
    failures_.erase(key);
}

void LoginThrottle::sweep(std::int64_t now_ms) {
    // Drop keys whose failures all left the window, at most once per window.
    if (now_ms < next_sweep_ms_) {
        return;
    }
    next_sweep_ms_ = now_ms + window_ms_;
    for (auto it = failures_.begin(); it != failures_.end();) {
        forget_old(it->second, now_ms);
        it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
}

}  // namespace tasklane::auth
