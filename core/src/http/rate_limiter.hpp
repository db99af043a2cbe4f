#pragma once
// Token buckets per client (IP address or user) and route group: a bucket
// holds up to `burst` requests and refills at requests/per. Thread-safe,
// sharded so concurrent workers rarely meet on one lock; idle buckets are
// dropped so memory follows the active clients, not every address ever seen.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tasklane::core {

struct RateLimit {
    double requests = 0;  // per `per`; 0: unlimited
    std::chrono::milliseconds per{1000};
    double burst = 0;     // bucket size (at least 1)
    bool enabled() const { return requests > 0; }
};

// The routes a group covers are path prefixes; the group without prefixes
// is the default for every other path.
struct RateGroup {
    std::string name;
    std::vector<std::string> path_prefixes;
    RateLimit per_ip;
    RateLimit per_user;
};

struct RateVerdict {
    bool allowed = true;
    long limit = 0;          // the bucket size
    long remaining = 0;      // whole requests left now
    long reset_seconds = 0;  // until the bucket is full again
    long retry_after = 0;    // seconds until one request is allowed (when refused)
};

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    explicit RateLimiter(std::vector<RateGroup> groups);

    const RateGroup& group_for(const std::string& path) const;
    // Takes one request from the bucket of `client` ("ip:10.0.0.1", "user:7") in `group`.
    RateVerdict take(const RateGroup& group, const RateLimit& limit, const std::string& client,
                     Clock::time_point now = Clock::now());
    std::size_t buckets() const;

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point updated;
    };
    struct Shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, Bucket> buckets;
        std::uint64_t takes = 0;
    };
    static constexpr std::size_t kShards = 16;

    std::vector<RateGroup> groups_;
    std::size_t default_group_ = 0;
    std::vector<Shard> shards_ = std::vector<Shard>(kShards);
};

}  // namespace tasklane::core
