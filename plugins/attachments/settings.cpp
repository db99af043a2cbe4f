#include "settings.hpp"

#include "media_type.hpp"

#include <stdexcept>

namespace tasklane::attachments {

using sdk::ConfigKey;
using sdk::ConfigType;

sdk::ConfigKey config_schema() {
    return ConfigKey::section(
        "attachments", "Files attached to tasks (the attachments plugin).",
        {ConfigKey::value("dir", ConfigType::String, "./data/attachments",
                          "Directory of the file contents (named by SHA-256; tmp/ holds unfinished uploads). "
                          "One node owns it."),
         ConfigKey::value("max_bytes", ConfigType::ByteSize, "10MiB",
                          "Largest file (at most 64MiB); bigger ones get 413. Downloads are held in memory."),
         ConfigKey::value("allowed_types", ConfigType::StringList, nlohmann::json::array(),
                          "Media types accepted (\"image/png\", \"image/*\"); empty: any. Others get 415."),
         ConfigKey::value("quota_bytes", ConfigType::ByteSize, "1GiB",
                          "Total size of the files one user may have uploaded; beyond it 413.")});
}

Settings Settings::from_config(const nlohmann::json& section) {
    Settings s;
    s.dir = section.value("dir", std::string("./data/attachments"));
    if (s.dir.empty()) {
        throw std::invalid_argument("attachments.dir must not be empty");
    }
    s.max_bytes = section.value("max_bytes", s.max_bytes);
    // Downloads are whole responses in memory, and the core caps a response
    // at 64 MiB (Pistache's maxResponseSize): a bigger file could be stored
    // but never downloaded.
    constexpr std::uint64_t kLargestDownload = 64ULL * 1024 * 1024;
    if (s.max_bytes == 0 || s.max_bytes > kLargestDownload) {
        throw std::invalid_argument(
            "attachments.max_bytes must be from 1 byte to 64MiB (downloads are sent from memory)");
    }
    s.quota_bytes = section.value("quota_bytes", s.quota_bytes);
    for (const auto& entry : section.value("allowed_types", std::vector<std::string>{})) {
        const auto type = media_type_of(entry);
        const auto slash = type.find('/');
        if (slash == std::string::npos || slash == 0 || slash + 1 == type.size()) {
            throw std::invalid_argument("attachments.allowed_types: '" + entry +
                                        "' is not a media type (type/subtype or type/*)");
        }
        s.allowed_types.push_back(type);
    }
    return s;
}

std::size_t Settings::request_body_limit() const {
    constexpr std::size_t kMultipartOverhead = 64 * 1024;
    return static_cast<std::size_t>(max_bytes + max_bytes / 8) + kMultipartOverhead;
}

}  // namespace tasklane::attachments
