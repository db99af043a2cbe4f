#pragma once
// An attachment's metadata and its JSON body.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace tasklane::attachments {

struct Attachment {
    std::int64_t id = 0;
    std::int64_t task_id = 0;
    std::string filename;
    std::string content_type;
    std::int64_t size = 0;
    std::string sha256;
    std::int64_t uploader_id = 0;
    std::int64_t created_at = 0;  // epoch ms
};

// {id, task_id, filename, content_type, size, sha256, uploader_id, created_at (ISO 8601)}
nlohmann::json to_json(const Attachment& attachment);
const nlohmann::json& attachment_schema();

}  // namespace tasklane::attachments
