#include "password_hasher.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using tasklane::auth::HasherBusy;
using tasklane::auth::PasswordCost;
using tasklane::auth::PasswordHasher;

// libsodium's minimum: keeps the suite fast; the policy itself is not under test.
PasswordCost fast_cost() { return PasswordCost{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

bool is_argon2id(const std::string& stored) { return stored.rfind("$argon2id$", 0) == 0; }

// Holds the first job the pool starts until released, so a test knows the
// pool's state without relying on timing.
class FirstJobGate {
public:
    PasswordHasher::JobStartHook hook() {
        return [this] {
            if (held_.exchange(true)) {
                return;
            }
            entered_.set_value();
            released_.wait();
        };
    }
    void wait_until_held() { entered_future_.wait(); }
    void release() {
        std::call_once(release_once_, [this] { release_.set_value(); });
    }

private:
    std::atomic<bool> held_{false};
    std::promise<void> entered_;
    std::future<void> entered_future_ = entered_.get_future();
    std::promise<void> release_;
    std::shared_future<void> released_ = release_.get_future().share();
    std::once_flag release_once_;
};

// Declared after the hasher so a failed assertion cannot leave a worker held
// while the hasher's destructor joins it.
struct ReleaseOnExit {
    FirstJobGate& gate;
    ~ReleaseOnExit() { gate.release(); }
};

// Polls a condition the test does not time; the suite's timeout catches a hang.
void wait_until_waiting(const PasswordHasher& hasher, std::size_t jobs) {
    while (hasher.waiting() < jobs) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

TEST(PasswordHasher, HashIsArgon2idAndVerifies) {
    PasswordHasher hasher(fast_cost());
    const std::string stored = hasher.hash("correct horse battery staple");
    EXPECT_TRUE(is_argon2id(stored)) << stored;
    EXPECT_TRUE(hasher.verify(stored, "correct horse battery staple"));
}

TEST(PasswordHasher, WrongPasswordDoesNotVerify) {
    PasswordHasher hasher(fast_cost());
    const std::string stored = hasher.hash("correct horse battery staple");
    EXPECT_FALSE(hasher.verify(stored, "correct horse battery stapl"));
    EXPECT_FALSE(hasher.verify(stored, ""));
    EXPECT_FALSE(hasher.verify(stored, std::string("correct horse battery staple\0", 29)));
}

TEST(PasswordHasher, SamePasswordGetsDifferentSalts) {
    PasswordHasher hasher(fast_cost());
    const std::string first = hasher.hash("same password");
    const std::string second = hasher.hash("same password");
    EXPECT_NE(first, second);
    EXPECT_TRUE(hasher.verify(first, "same password"));
    EXPECT_TRUE(hasher.verify(second, "same password"));
}

TEST(PasswordHasher, MalformedStoredHashDoesNotVerify) {
    PasswordHasher hasher(fast_cost());
    const std::string real = hasher.hash("pw");
    const std::vector<std::string> malformed = {
        "",
        "pw",
        "$argon2id$",
        "$argon2id$v=19$m=8,t=1,p=1$garbage$garbage",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        real.substr(0, real.size() - 4),
        real + "AAAA",
        real + std::string(1, '\0'),
        std::string(200, 'a'),
    };
    for (const std::string& stored : malformed) {
        EXPECT_FALSE(hasher.verify(stored, "pw")) << stored;
    }
}

TEST(PasswordHasher, NeedsRehashWhenCostChanges) {
    PasswordHasher current(fast_cost());
    const std::string stored = current.hash("pw");
    EXPECT_FALSE(current.needs_rehash(stored));

    PasswordHasher more_ops(PasswordCost{crypto_pwhash_OPSLIMIT_MIN + 1, crypto_pwhash_MEMLIMIT_MIN});
    EXPECT_TRUE(more_ops.needs_rehash(stored));
    PasswordHasher more_memory(PasswordCost{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN * 2});
    EXPECT_TRUE(more_memory.needs_rehash(stored));
    // An old-cost hash still verifies, so a login can upgrade it.
    EXPECT_TRUE(more_ops.verify(stored, "pw"));
}

TEST(PasswordHasher, MalformedOrForeignHashNeedsRehash) {
    PasswordHasher hasher(fast_cost());
    EXPECT_TRUE(hasher.needs_rehash(""));
    EXPECT_TRUE(hasher.needs_rehash("not a hash"));
    EXPECT_TRUE(hasher.needs_rehash("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"));

    char argon2i[crypto_pwhash_argon2i_STRBYTES];
    ASSERT_EQ(crypto_pwhash_argon2i_str(argon2i, "pw", 2, crypto_pwhash_argon2i_OPSLIMIT_MIN,
                                        crypto_pwhash_argon2i_MEMLIMIT_MIN),
              0);
    EXPECT_TRUE(hasher.needs_rehash(argon2i));
}

TEST(PasswordHasher, VerifyDummyRunsConcurrently) {
    PasswordHasher hasher(fast_cost(), 2, 32);
    std::vector<std::future<void>> calls;
    for (int i = 0; i < 8; ++i) {
        calls.push_back(std::async(std::launch::async, [&hasher] { hasher.verify_dummy("nobody's password"); }));
    }
    for (std::future<void>& call : calls) {
        EXPECT_NO_THROW(call.get());
    }
}

TEST(PasswordHasher, ConcurrentCallersAllGetTheirOwnResult) {
    PasswordHasher hasher(fast_cost(), 2, 32);
    std::vector<std::future<bool>> calls;
    for (int i = 0; i < 8; ++i) {
        calls.push_back(std::async(std::launch::async, [&hasher, i] {
            const std::string password = "password-" + std::to_string(i);
            const std::string stored = hasher.hash(password);
            return hasher.verify(stored, password) && !hasher.verify(stored, password + "x");
        }));
    }
    for (std::future<bool>& call : calls) {
        EXPECT_TRUE(call.get());
    }
}

TEST(PasswordHasher, RefusesWorkBeyondMaxWaiting) {
    FirstJobGate gate;
    PasswordHasher hasher(fast_cost(), 1, 1, gate.hook());
    std::future<std::string> queued;
    ReleaseOnExit release_at_exit{gate};

    gate.wait_until_held();  // the only worker is busy, nothing waits
    queued = std::async(std::launch::async, [&hasher] { return hasher.hash("queued"); });
    wait_until_waiting(hasher, 1);  // the one allowed waiting slot is taken

    EXPECT_THROW(hasher.hash("overflow"), HasherBusy);
    EXPECT_THROW(hasher.verify("$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$aGFzaA", "pw"), HasherBusy);
    EXPECT_THROW(hasher.verify_dummy("pw"), HasherBusy);

    gate.release();
    const std::string stored = queued.get();
    EXPECT_TRUE(is_argon2id(stored));
    EXPECT_TRUE(hasher.verify(stored, "queued"));
}

TEST(PasswordHasher, ZeroWaitingRefusesOnlyWhenNoWorkerIsIdle) {
    FirstJobGate gate;
    PasswordHasher hasher(fast_cost(), 1, 0, gate.hook());
    ReleaseOnExit release_at_exit{gate};

    gate.wait_until_held();
    EXPECT_THROW(hasher.hash("pw"), HasherBusy);
    gate.release();
    // Nobody waits on the held job, so nothing says when the worker is free
    // again; until then a call may still be refused.
    std::string stored;
    while (stored.empty()) {
        try {
            stored = hasher.hash("pw");
        } catch (const HasherBusy&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    // A caller's result arrives only once the worker is free again, so
    // back-to-back calls from one thread are never refused.
    for (int i = 0; i < 20; ++i) {
        EXPECT_TRUE(hasher.verify(stored, "pw"));
    }
}

TEST(PasswordHasher, DestructorFailsWaitingJobs) {
    FirstJobGate gate;
    auto hasher = std::make_unique<PasswordHasher>(fast_cost(), 1, 4, gate.hook());
    std::future<std::string> queued;
    std::future<void> destroyed;
    ReleaseOnExit release_at_exit{gate};

    gate.wait_until_held();
    queued = std::async(std::launch::async, [&hasher] { return hasher->hash("queued"); });
    wait_until_waiting(*hasher, 1);
    destroyed = std::async(std::launch::async, [&hasher] { hasher.reset(); });

    // Fails while the worker is still held: the waiting job is dropped, not run.
    EXPECT_THROW(queued.get(), HasherBusy);
    gate.release();
    destroyed.get();
    EXPECT_FALSE(hasher);
}

TEST(PasswordHasher, RefusesInvalidConfiguration) {
    EXPECT_THROW(PasswordHasher(fast_cost(), 0), std::invalid_argument);
    EXPECT_THROW(PasswordHasher(PasswordCost{0, crypto_pwhash_MEMLIMIT_MIN}), std::invalid_argument);
    EXPECT_THROW(PasswordHasher(PasswordCost{crypto_pwhash_OPSLIMIT_MIN, 1024}), std::invalid_argument);
}

TEST(PasswordHasher, DefaultCostIsInteractive) {
    const PasswordCost cost;
    EXPECT_EQ(cost.ops_limit, crypto_pwhash_OPSLIMIT_INTERACTIVE);
    EXPECT_EQ(cost.mem_limit_bytes, crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

}  // namespace
