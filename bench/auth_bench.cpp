// What authentication costs: JWT sign/verify on every request, argon2id on
// every login and registration (at the default INTERACTIVE cost).
#include "jwt_codec.hpp"
#include "password_hasher.hpp"
#include "secrets.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace tasklane::auth;

const std::string kSecret = "0123456789abcdef0123456789abcdef0123456789abcdef";

AccessClaims claims() {
    AccessClaims c;
    c.user_id = 42;
    c.role = "member";
    c.jti = tasklane::secrets::random_token(16);
    c.issued_at = 1795370400;
    c.expires_at = c.issued_at + 900;
    return c;
}

void BM_JwtEncode(benchmark::State& state) {
    JwtCodec codec(kSecret);
    const auto c = claims();
    for (auto _ : state) {
        benchmark::DoNotOptimize(codec.encode(c));
    }
}
BENCHMARK(BM_JwtEncode);

void BM_JwtDecodeAndVerify(benchmark::State& state) {
    JwtCodec codec(kSecret);
    const auto token = codec.encode(claims());
    for (auto _ : state) {
        benchmark::DoNotOptimize(codec.decode(token, 1795370500));
    }
}
BENCHMARK(BM_JwtDecodeAndVerify);

void BM_Argon2idHashInteractive(benchmark::State& state) {
    PasswordHasher hasher(PasswordCost{}, 1, 4);
    for (auto _ : state) {
        benchmark::DoNotOptimize(hasher.hash("correct horse battery staple"));
    }
}
BENCHMARK(BM_Argon2idHashInteractive)->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_Argon2idVerifyInteractive(benchmark::State& state) {
    PasswordHasher hasher(PasswordCost{}, 1, 4);
    const auto stored = hasher.hash("correct horse battery staple");
    for (auto _ : state) {
        benchmark::DoNotOptimize(hasher.verify(stored, "correct horse battery staple"));
    }
}
BENCHMARK(BM_Argon2idVerifyInteractive)->Unit(benchmark::kMillisecond)->Iterations(10);

}  // namespace
