#pragma once
// Webhook signatures and the random values of this plugin, all on libsodium:
// X-Tasklane-Signature is "sha256=" + hex HMAC-SHA256(secret, "<timestamp>.<body>"),
// the same scheme for outbound deliveries and inbound requests.
#include <cstddef>
#include <cstdint>
#include <string>

namespace tasklane::integrations {

// Initialises libsodium once per process; throws std::runtime_error if it cannot.
void init_sodium();

std::string hmac_sha256_hex(const std::string& key, const std::string& message);

// "sha256=<hex>" over "<timestamp>.<body>".
std::string signature_header(const std::string& secret, const std::string& timestamp, const std::string& body);

// Whether `header` is the signature of "<timestamp>.<body>" under `secret`,
// compared in constant time (sodium_memcmp) so a forger learns nothing from
// how long a wrong guess took.
bool signature_matches(const std::string& secret, const std::string& timestamp, const std::string& body,
                       const std::string& header);

// Lowercase hex SHA-256 (inbound tokens are stored only as this digest).
std::string sha256_hex(const std::string& data);

// `bytes` random bytes as base64url without padding: safe in URLs and headers.
std::string random_token(std::size_t bytes = 32);

// A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string random_uuid();

}  // namespace tasklane::integrations
