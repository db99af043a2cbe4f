#pragma once
// Random tokens, token digests and constant-time comparison for every
// first-party plugin (auth's refresh tokens, integrations' inbound tokens,
// tasks' share links), all on libsodium so every secret comes from the same
// vetted CSPRNG.
#include <cstddef>
#include <string>
#include <string_view>

namespace tasklane::secrets {

// Initialises libsodium once per process; safe from any thread. Throws
// std::runtime_error when libsodium cannot initialise (no entropy source), in
// which case no secret may be generated.
void init_sodium();

// `bytes` random bytes (at least 1) as base64url without padding, so the token
// travels unescaped in URLs, headers and JSON. Throws std::invalid_argument for 0.
std::string random_token(std::size_t bytes = 32);

// Lowercase hex SHA-256. Tokens are stored only as this digest, so a leaked
// table yields no usable token; an unsalted fast hash suffices because the
// tokens carry 256 random bits and cannot be guessed.
std::string sha256_hex(std::string_view data);

// Equal lengths are compared without an early exit on content. Unequal lengths
// return false at once: only the length leaks, and the values compared here
// (digests, tokens) have fixed, public lengths.
bool constant_time_equals(const std::string& a, const std::string& b);

}  // namespace tasklane::secrets
