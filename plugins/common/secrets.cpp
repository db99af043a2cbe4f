#include "secrets.hpp"

#include <sodium.h>

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

namespace tasklane::secrets {

void init_sodium() {
    static std::once_flag once;
    // A throw leaves the flag unset, so a later call retries instead of
    // running with an uninitialised CSPRNG.
    std::call_once(once, [] {
        if (sodium_init() < 0) {
            throw std::runtime_error("libsodium failed to initialise");
        }
    });
}

std::string random_token(std::size_t bytes) {
    if (bytes == 0) {
        throw std::invalid_argument("random_token needs at least one byte");
    }
    init_sodium();
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());

    constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    // The encoded length includes the terminating NUL that sodium writes.
    std::string encoded(sodium_base64_ENCODED_LEN(bytes, variant), '\0');
    sodium_bin2base64(encoded.data(), encoded.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                      variant);
    encoded.resize(std::strlen(encoded.c_str()));
    sodium_memzero(raw.data(), raw.size());
    return encoded;
}

std::string sha256_hex(std::string_view data) {
    init_sodium();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());

    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

bool constant_time_equals(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) {
        return false;
    }
    init_sodium();
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tasklane::secrets
