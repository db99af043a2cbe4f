#include "attachment.hpp"

#include <tasklane/sdk/events.hpp>

namespace tasklane::attachments {

nlohmann::json to_json(const Attachment& a) {
    return {{"id", a.id},
            {"task_id", a.task_id},
            {"filename", a.filename},
            {"content_type", a.content_type},
            {"size", a.size},
            {"sha256", a.sha256},
            {"uploader_id", a.uploader_id},
            {"created_at", sdk::iso8601_utc(a.created_at)}};
}

const nlohmann::json& attachment_schema() {
    static const nlohmann::json schema = {
        {"type", "object"},
        {"properties",
         {{"id", {{"type", "integer"}}},
          {"task_id", {{"type", "integer"}}},
          {"filename", {{"type", "string"}, {"description", "as uploaded; metadata only, never a path"}}},
          {"content_type", {{"type", "string"}}},
          {"size", {{"type", "integer"}, {"description", "bytes"}}},
          {"sha256", {{"type", "string"}, {"description", "hex SHA-256 of the content; the download's ETag"}}},
          {"uploader_id", {{"type", "integer"}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}};
    return schema;
}

}  // namespace tasklane::attachments
