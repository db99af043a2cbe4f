#include "signing.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace tasklane::integrations {

namespace {

std::string hex(const unsigned char* data, std::size_t size) {
    std::string out(size * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), data, size);
    out.pop_back();
    return out;
}

}  // namespace

std::string hmac_sha256_hex(const std::string& key, const std::string& message) {
    crypto_auth_hmacsha256_state state;
    std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    crypto_auth_hmacsha256_final(&state, mac.data());
    sodium_memzero(&state, sizeof state);
    return hex(mac.data(), mac.size());
}

std::string signature_header(const std::string& secret, const std::string& timestamp, const std::string& body) {
    return "sha256=" + hmac_sha256_hex(secret, timestamp + "." + body);
}

bool signature_matches(const std::string& secret, const std::string& timestamp, const std::string& body,
                       const std::string& header) {
    const std::string expected = signature_header(secret, timestamp, body);
    // The expected length is public (always 71); only a wrong length returns early.
    if (header.size() != expected.size()) {
        return false;
    }
    return sodium_memcmp(header.data(), expected.data(), expected.size()) == 0;
}

std::string random_uuid() {
    std::array<unsigned char, 16> b{};
    randombytes_buf(b.data(), b.size());
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
    const auto h = hex(b.data(), b.size());
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace tasklane::integrations
