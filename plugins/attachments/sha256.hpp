#pragma once
// Blobs are named by the SHA-256 of their content (lower-case hex, also the
// ETag of a download; computed by secrets::sha256_hex).
#include "secrets.hpp"

#include <string_view>

namespace tasklane::attachments {

using secrets::sha256_hex;

// 64 lower-case hex digits: the only strings a blob store accepts as names.
bool is_sha256_hex(std::string_view text);

}  // namespace tasklane::attachments
