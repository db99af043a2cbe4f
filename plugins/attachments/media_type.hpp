#pragma once
// Content-Type values of uploaded files: what is stored, sent back on
// download, and checked against attachments.allowed_types.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tasklane::attachments {

inline constexpr const char* kDefaultContentType = "application/octet-stream";

// The media type alone, lower-cased: "Text/Plain; charset=UTF-8" -> "text/plain".
std::string media_type_of(std::string_view content_type);

// The value to store and send back as Content-Type, trimmed: `type/subtype`
// of token characters, optional parameters, printable ASCII only (nothing
// that could split a header), at most 255 bytes. Empty -> application/
// octet-stream; nullopt when it is not a media type.
std::optional<std::string> storable_content_type(std::string_view content_type);

// Whether `media_type` (lower-cased) matches an entry of `allowed`: the same
// type, "type/*" or "*/*". An empty list allows everything.
bool type_allowed(const std::string& media_type, const std::vector<std::string>& allowed);

}  // namespace tasklane::attachments
