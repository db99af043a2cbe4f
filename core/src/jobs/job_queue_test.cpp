// backoff_delay: base * 2^(attempt-1) capped at max, with "equal jitter"
// (the delay lies in [full/2, full]), growing with the attempt and never
// overflowing however many attempts a job has had.
#include "job_queue.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace tasklane::core {
namespace {

using std::chrono::milliseconds;

const std::vector<double> kRandoms = {0.0, 0.001, 0.25, 0.5, 0.75, 0.999, 1.0};

TEST(BackoffDelay, FirstRetryWaitsBetweenHalfTheBaseAndTheBase) {
    EXPECT_EQ(backoff_delay(1, milliseconds(2000), milliseconds(3600000), 0.0), milliseconds(1000));
    EXPECT_EQ(backoff_delay(1, milliseconds(2000), milliseconds(3600000), 1.0), milliseconds(2000));
    EXPECT_EQ(backoff_delay(1, milliseconds(2000), milliseconds(3600000), 0.5), milliseconds(1500));
}

TEST(BackoffDelay, StaysWithinHalfAndFullOfTheExponentialDelay) {
    const milliseconds base(200);
    const milliseconds max(3600 * 1000);
    for (int attempt = 1; attempt <= 14; ++attempt) {
        const long long full = 200LL << (attempt - 1);  // below max for these attempts
        ASSERT_LT(full, max.count());
        for (double r : kRandoms) {
            const auto d = backoff_delay(attempt, base, max, r).count();
            EXPECT_GE(d, full / 2) << "attempt " << attempt << " random " << r;
            EXPECT_LE(d, full) << "attempt " << attempt << " random " << r;
        }
    }
}

TEST(BackoffDelay, GrowsWithTheAttempt) {
    const milliseconds base(200);
    const milliseconds max(3600 * 1000);
    for (int attempt = 1; attempt < 14; ++attempt) {
        for (double r : kRandoms) {
            // Same random draw: strictly longer.
            EXPECT_LT(backoff_delay(attempt, base, max, r), backoff_delay(attempt + 1, base, max, r))
                << "attempt " << attempt << " random " << r;
        }
        // Any draws: the shortest next delay is at least the longest current one
        // (equal jitter keeps half fixed: next/2 = full >= this delay).
        EXPECT_LE(backoff_delay(attempt, base, max, 1.0), backoff_delay(attempt + 1, base, max, 0.0))
            << "attempt " << attempt;
    }
}

TEST(BackoffDelay, IsCappedByMax) {
    const milliseconds base(2000);
    const milliseconds max(60000);
    // 2000 * 2^5 = 64000 > 60000: capped from attempt 6 on.
    for (int attempt = 6; attempt <= 60; ++attempt) {
        for (double r : kRandoms) {
            const auto d = backoff_delay(attempt, base, max, r);
            EXPECT_GE(d, milliseconds(30000)) << "attempt " << attempt << " random " << r;
            EXPECT_LE(d, max) << "attempt " << attempt << " random " << r;
        }
        EXPECT_EQ(backoff_delay(attempt, base, max, 1.0), max);
        EXPECT_EQ(backoff_delay(attempt, base, max, 0.0), max / 2);
    }
    // A base above the max is capped too.
    EXPECT_EQ(backoff_delay(1, milliseconds(10000), milliseconds(4000), 1.0), milliseconds(4000));
}

TEST(BackoffDelay, NeverOverflowsForHugeAttempts) {
    const milliseconds base(2000);
    const milliseconds max(3600 * 1000);
    for (int attempt : {40, 41, 62, 63, 64, 65, 100, 1000, 100000, 2147483647}) {
        for (double r : kRandoms) {
            const auto d = backoff_delay(attempt, base, max, r);
            EXPECT_GE(d, max / 2) << "attempt " << attempt << " random " << r;
            EXPECT_LE(d, max) << "attempt " << attempt << " random " << r;
        }
    }
    // Even with a max as large as a week, attempt 1000 stays within [max/2, max].
    const milliseconds week(7LL * 24 * 3600 * 1000);
    EXPECT_EQ(backoff_delay(1000, base, week, 1.0), week);
    EXPECT_EQ(backoff_delay(1000, base, week, 0.0), week / 2);
}

TEST(BackoffDelay, AttemptZeroOrNegativeIsTreatedAsTheFirst) {
    const milliseconds base(200);
    const milliseconds max(10000);
    EXPECT_EQ(backoff_delay(0, base, max, 1.0), base);
    EXPECT_EQ(backoff_delay(-5, base, max, 0.0), base / 2);
}

}  // namespace
}  // namespace tasklane::core
