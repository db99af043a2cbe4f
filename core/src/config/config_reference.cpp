// Renders the config reference in the README from the schemas themselves, so
// the documentation cannot drift from what the validator accepts.
#include <tasklane/core/config.hpp>

namespace tasklane::core {

namespace {

const char* type_name(sdk::ConfigType type) {
    switch (type) {
        case sdk::ConfigType::String: return "string";
        case sdk::ConfigType::Integer: return "integer";
        case sdk::ConfigType::Number: return "number";
        case sdk::ConfigType::Boolean: return "boolean";
        case sdk::ConfigType::Duration: return "duration";
        case sdk::ConfigType::ByteSize: return "size";
        case sdk::ConfigType::StringList: return "list of strings";
        case sdk::ConfigType::Section: return "section";
        case sdk::ConfigType::Map: return "map";
    }
    return "?";
}

std::string default_text(const sdk::ConfigKey& key) {
    if (key.default_value.is_null()) {
        return "";
    }
    if (key.default_value.is_string()) {
        return "`" + key.default_value.get<std::string>() + "`";
    }
    return "`" + key.default_value.dump() + "`";
}

void render(const sdk::ConfigKey& key, const std::string& prefix, std::string& out) {
    const std::string path = prefix.empty() ? key.name : prefix + "." + key.name;
    if (key.type == sdk::ConfigType::Section) {
        for (const auto& child : key.children) {
            render(child, path, out);
        }
        return;
    }
    if (key.type == sdk::ConfigType::Map) {
        out += "| `" + path + ".<name>` | map | | " + key.description + " |\n";
        for (const auto& child : key.children.front().children) {
            render(child, path + ".<name>", out);
        }
        return;
    }
    std::string description = key.description;
    if (!key.allowed.empty()) {
        description += " One of:";
        for (const auto& a : key.allowed) {
            description += " `" + a + "`";
        }
        description += ".";
    }
    out += "| `" + path + "` | " + type_name(key.type) + " | " + default_text(key) + " | " + description + " |\n";
}

}  // namespace

std::string config_reference_markdown(const sdk::ConfigKey& root) {
    std::string out;
    for (const auto& section : root.children) {
        out += "\n#### `" + section.name + "`\n\n" + section.description + "\n\n";
        out += "| key | type | default | meaning |\n|---|---|---|---|\n";
        render(section, "", out);
    }
    return out;
}

}  // namespace tasklane::core
