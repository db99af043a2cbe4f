#include "download.hpp"

#include "file_name.hpp"

#include <tasklane/sdk/text.hpp>

namespace tasklane::attachments {

namespace {

// Headers both answers carry: caches must revalidate with the ETag, and only
// the user's own cache may keep a copy (the download needs a token).
void add_validators(sdk::Response& response, const Attachment& attachment) {
    response.headers["ETag"] = etag_of(attachment);
    response.headers["Cache-Control"] = "private, no-cache";
}

}  // namespace

std::string etag_of(const Attachment& attachment) { return "\"" + attachment.sha256 + "\""; }

bool if_none_match_hits(const std::string& if_none_match, const std::string& etag) {
    std::size_t start = 0;
    while (start <= if_none_match.size()) {
        auto end = if_none_match.find(',', start);
        if (end == std::string::npos) {
            end = if_none_match.size();
        }
        auto tag = sdk::trim(std::string_view(if_none_match).substr(start, end - start));
        if (tag == "*") {
            return true;
        }
        if (tag.rfind("W/", 0) == 0) {
            tag = tag.substr(2);
        }
        if (tag == etag) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

sdk::Response download_response(const Attachment& attachment, std::string content) {
    sdk::Response response;
    response.status = 200;
    response.body = std::move(content);
    response.headers["Content-Type"] = attachment.content_type;
    response.headers["Content-Disposition"] = content_disposition(attachment.filename);
    response.headers["X-Content-Type-Options"] = "nosniff";
    // Should a browser render it anyway (an old one, a misconfigured proxy),
    // an uploaded HTML or SVG file runs no script on our origin.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox";
    add_validators(response, attachment);
    return response;
}

sdk::Response not_modified_response(const Attachment& attachment) {
    sdk::Response response;
    response.status = 304;
    add_validators(response, attachment);
    return response;
}

}  // namespace tasklane::attachments
