#pragma once
// What an upload request carries, whichever way it was sent:
//   - multipart/form-data with one file part (browsers, curl -F file=@x);
//   - anything else: the raw body is the file, its Content-Type the file's
//     type, the name in the `filename` query parameter.
#include <tasklane/sdk/http.hpp>

#include <string>
#include <string_view>

namespace tasklane::attachments {

struct UploadBody {
    std::string filename;      // as sent; checked by checked_file_name()
    std::string content_type;  // as sent; may be empty
    std::string_view content;  // points into the request body
};

// Throws sdk::ApiError 400 for a malformed multipart body, 422 when the file
// or (raw) the filename parameter is missing.
UploadBody upload_body(const sdk::Request& request);

}  // namespace tasklane::attachments
