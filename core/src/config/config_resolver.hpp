#pragma once
// The walk of a parsed YAML document against a closed schema. Private to
// core/src/config/: ConfigDocument::resolve is its only caller.
#include <tasklane/core/config.hpp>
#include <tasklane/sdk/config_schema.hpp>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tasklane::core::config_detail {

// Checks `document` against `root` (a Section), appending every violation to
// `problems` in document order, and returns the resolved JSON (meaningful
// only when no problem was added). A schema whose default does not match its
// own type is a programming error and throws std::logic_error.
nlohmann::json resolve_document(const YAML::Node& document, const sdk::ConfigKey& root, const std::string& file,
                                bool allow_unknown_top_level, std::vector<ConfigProblem>& problems);

}  // namespace tasklane::core::config_detail
