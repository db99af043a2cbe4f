#pragma once
// multipart/form-data (RFC 7578) as browsers and `curl -F file=@x` send it:
// the one part that carries a file. Views point into the request body, so a
// 10 MiB file is not copied.
#include <optional>
#include <string>
#include <string_view>

namespace tasklane::attachments {

struct FilePart {
    std::string filename;      // as sent (filename*=UTF-8'' decoded), not yet checked
    std::string content_type;  // the part's Content-Type, empty when it has none
    std::string_view content;
};

// The boundary parameter of a multipart Content-Type (quoted or not); nullopt
// when there is none or it is not 1-70 characters.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// The part with a filename parameter in its Content-Disposition (other
// fields are ignored). Throws sdk::ApiError: 400 for a body that is not
// multipart with this boundary, 422 (field "file") when no part or more than
// one part carries a file.
FilePart file_part(std::string_view body, const std::string& boundary);

}  // namespace tasklane::attachments
