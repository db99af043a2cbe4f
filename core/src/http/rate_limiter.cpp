#include "rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

namespace tasklane::core {

RateLimiter::RateLimiter(std::vector<RateGroup> groups) : groups_(std::move(groups)) {
    const auto it = std::find_if(groups_.begin(), groups_.end(), [](const auto& g) { return g.path_prefixes.empty(); });
    if (it == groups_.end()) {
        throw std::invalid_argument("rate limits need a default group (one without path prefixes)");
    }
    default_group_ = static_cast<std::size_t>(it - groups_.begin());
}

const RateGroup& RateLimiter::group_for(const std::string& path) const {
    for (const auto& g : groups_) {
        for (const auto& prefix : g.path_prefixes) {
            if (path.compare(0, prefix.size(), prefix) == 0) {
                return g;
            }
        }
    }
    return groups_[default_group_];
}

RateVerdict RateLimiter::take(const RateGroup& group, const RateLimit& limit, const std::string& client,
                              Clock::time_point now) {
    const double capacity = std::max(1.0, limit.burst);
    const double per_second = limit.requests * 1000.0 / static_cast<double>(std::max<long long>(1, limit.per.count()));
    const std::string key = group.name + "|" + client;
    auto& shard = shards_[std::hash<std::string>{}(key) % kShards];
    std::lock_guard lock(shard.mutex);
    // Now and then, forget buckets that have refilled completely: they hold nothing.
    if (++shard.takes % 4096 == 0) {
        std::erase_if(shard.buckets, [&](const auto& entry) {
            const double idle = std::chrono::duration<double>(now - entry.second.updated).count();
            return entry.second.tokens + idle * per_second >= capacity;
        });
    }
    auto [it, inserted] = shard.buckets.try_emplace(key, Bucket{capacity, now});
    auto& bucket = it->second;
    if (!inserted) {
        const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
        bucket.tokens = std::min(capacity, bucket.tokens + std::max(0.0, elapsed) * per_second);
        bucket.updated = now;
    }
    RateVerdict v;
    v.limit = static_cast<long>(capacity);
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        v.allowed = true;
    } else {
        v.allowed = false;
        v.retry_after = std::max(1L, static_cast<long>(std::ceil((1.0 - bucket.tokens) / per_second)));
    }
    v.remaining = static_cast<long>(std::floor(bucket.tokens));
    v.reset_seconds = static_cast<long>(std::ceil((capacity - bucket.tokens) / per_second));
    return v;
}

std::size_t RateLimiter::buckets() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        n += s.buckets.size();
    }
    return n;
}

}  // namespace tasklane::core
