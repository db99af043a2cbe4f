#pragma once
// Webhook signatures and webhook ids, on libsodium (tokens and digests are in
// plugins/common/secrets.hpp):
// X-Tasklane-Signature is "sha256=" + hex HMAC-SHA256(secret, "<timestamp>.<body>"),
// the same scheme for outbound deliveries and inbound requests.
#include <cstddef>
#include <cstdint>
#include <string>

namespace tasklane::integrations {

std::string hmac_sha256_hex(const std::string& key, const std::string& message);

// "sha256=<hex>" over "<timestamp>.<body>".
std::string signature_header(const std::string& secret, const std::string& timestamp, const std::string& body);

// Whether `header` is the signature of "<timestamp>.<body>" under `secret`,
// compared in constant time (sodium_memcmp) so a forger learns nothing from
// how long a wrong guess took.
bool signature_matches(const std::string& secret, const std::string& timestamp, const std::string& body,
                       const std::string& header);

// A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string random_uuid();

}  // namespace tasklane::integrations
