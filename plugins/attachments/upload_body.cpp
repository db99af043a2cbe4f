#include "upload_body.hpp"

#include "media_type.hpp"
#include "multipart.hpp"

namespace tasklane::attachments {

UploadBody upload_body(const sdk::Request& request) {
    const auto content_type = request.header("Content-Type").value_or("");
    if (media_type_of(content_type) == "multipart/form-data") {
        const auto boundary = multipart_boundary(content_type);
        if (!boundary) {
            throw sdk::ApiError::bad_request("multipart/form-data needs a boundary parameter of 1-70 characters");
        }
        auto part = file_part(request.body, *boundary);
        return {std::move(part.filename), std::move(part.content_type), part.content};
    }
    const auto filename = request.query_param("filename");
    if (!filename) {
        throw sdk::ApiError::validation(
            {{"filename", "required: send the file's name as ?filename=, or upload as multipart/form-data"}});
    }
    return {*filename, content_type, request.body};
}

}  // namespace tasklane::attachments
