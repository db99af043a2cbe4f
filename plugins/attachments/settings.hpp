#pragma once
// The `attachments` config section: its schema and the validated values.
#include <tasklane/sdk/config_schema.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tasklane::attachments {

struct Settings {
    std::filesystem::path dir = "./data/attachments";
    std::uint64_t max_bytes = 10 * 1024 * 1024;
    std::vector<std::string> allowed_types;  // lower-cased; empty: any
    std::uint64_t quota_bytes = 1024ULL * 1024 * 1024;

    // Throws std::invalid_argument naming the key for a value the schema
    // cannot refuse (e.g. an allowed type that is not type/subtype).
    static Settings from_config(const nlohmann::json& section);

    // The routes' request body limit: the file plus multipart framing, with
    // slack so that a file somewhat over max_bytes still reaches the handler
    // and gets our 413 (the core answers a body over every route's limit
    // plus headers with Pistache's bare 413, before it is buffered).
    std::size_t request_body_limit() const;
};

sdk::ConfigKey config_schema();

}  // namespace tasklane::attachments
