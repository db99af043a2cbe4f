#pragma once
// A closed configuration schema: every key a component reads is declared here
// with its type, default and one-line description. Unknown keys are errors.
// The host validates the YAML file against the core's schema and the schema of
// every plugin, reports every violation with file:line:column in one pass, and
// hands each plugin its section as JSON with defaults filled in.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tasklane::sdk {

enum class ConfigType {
    String,
    Integer,
    Number,
    Boolean,
    Duration,    // "250ms", "15s", "15m", "2h", "30d" or an integer of seconds; resolved to integer milliseconds
    ByteSize,    // "512", "64KiB", "1MiB", "2GiB"; resolved to integer bytes
    StringList,  // a YAML sequence of strings
    Section,     // a mapping with the fixed keys in `children`
    Map,         // a mapping from free names to values shaped like children[0]
};

struct ConfigKey {
    std::string name;
    ConfigType type = ConfigType::String;
    nlohmann::json default_value;  // null: no default (absent key stays absent)
    std::string description;
    std::vector<ConfigKey> children;  // Section: its keys; Map: exactly one entry, the value's shape
    std::vector<std::string> allowed;  // String: if not empty, the only accepted values

    static ConfigKey section(std::string name, std::string description, std::vector<ConfigKey> keys) {
        ConfigKey k;
        k.name = std::move(name);
        k.type = ConfigType::Section;
        k.description = std::move(description);
        k.children = std::move(keys);
        return k;
    }
    static ConfigKey value(std::string name, ConfigType type, nlohmann::json default_value,
                           std::string description, std::vector<std::string> allowed = {}) {
        ConfigKey k;
        k.name = std::move(name);
        k.type = type;
        k.default_value = std::move(default_value);
        k.description = std::move(description);
        k.allowed = std::move(allowed);
        return k;
    }
    static ConfigKey map(std::string name, std::string description, ConfigKey value_shape) {
        ConfigKey k;
        k.name = std::move(name);
        k.type = ConfigType::Map;
        k.description = std::move(description);
        k.children.push_back(std::move(value_shape));
        return k;
    }
};

}  // namespace tasklane::sdk
