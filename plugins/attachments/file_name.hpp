#pragma once
// The user-supplied file name is metadata only: it never becomes part of a
// file-system path (blobs are named by their hash). It is kept as given,
// except for control characters, and made safe where it is echoed into a
// header (Content-Disposition).
#include <cstddef>
#include <string>

namespace tasklane::attachments {

inline constexpr std::size_t kMaxFileNameBytes = 255;

// The name to store: C0/C1 control characters and DEL removed; then it must
// be valid UTF-8 and 1-255 bytes, or sdk::ApiError 422 on field "filename".
// "../../etc/passwd" stays "../../etc/passwd": it is only ever text.
std::string checked_file_name(const std::string& raw);

// `attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>` for a
// stored name: path separators become '_', bidirectional overrides go, the
// quoted fallback has '_' for every non-ASCII character, quote, backslash and
// percent sign (RFC 6266, RFC 8187).
std::string content_disposition(const std::string& file_name);

}  // namespace tasklane::attachments
