#include "config_resolver.hpp"

#include "config_scalars.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace tasklane::core::config_detail {
namespace {

using json = nlohmann::json;
using sdk::ConfigKey;
using sdk::ConfigType;

// Config errors end up in logs, so the value of anything that looks like a
// credential is never quoted back, whatever its type error.
bool is_sensitive_name(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("secret") != std::string::npos || lower.find("password") != std::string::npos ||
           lower.find("token") != std::string::npos;
}

std::string join_path(const std::string& parent, const std::string& name) {
    return parent.empty() ? name : parent + "." + name;
}

// Keeps a quoted value on one short line of the message.
std::string shorten(std::string_view text) {
    constexpr std::size_t limit = 60;
    std::string out;
    for (const char c : text.substr(0, limit)) {
        out += (c == '\n') ? std::string("\\n") : std::string(1, c);
    }
    if (text.size() > limit) {
        out += "...";
    }
    return out;
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) {
        out += (out.empty() ? "" : ", ") + word;
    }
    return out;
}

std::string known_keys(const ConfigKey& section) {
    std::vector<std::string> names;
    for (const auto& child : section.children) {
        names.push_back(child.name);
    }
    return names.empty() ? "this section takes no keys" : "known: " + join(names);
}

std::string unknown_key_message(const ConfigKey& section, const std::string& path, const std::string& name) {
    std::string message = path + " is not a known key (" + known_keys(section) + ")";
    const ConfigKey* closest = nullptr;
    std::size_t best = 3;  // suggest only within an edit distance of 2
    for (const auto& child : section.children) {
        const std::size_t distance = edit_distance(name, child.name);
        if (distance < best) {
            best = distance;
            closest = &child;
        }
    }
    if (closest != nullptr) {
        message += ". Did you mean '" + closest->name + "'?";
    }
    return message;
}

// A YAML null's mark points past the empty value (often to the next line);
// the key's mark is where the reader should look.
YAML::Mark mark_of(const YAML::Node& node, const YAML::Mark& fallback) {
    return node.IsNull() ? fallback : node.Mark();
}

class Walker {
public:
    Walker(const std::string& file, bool allow_unknown_top_level, std::vector<ConfigProblem>& problems)
        : file_(file), allow_unknown_top_level_(allow_unknown_top_level), problems_(problems) {}

    json root(const YAML::Node& document, const ConfigKey& schema) {
        if (schema.type != ConfigType::Section) {
            throw std::logic_error("config schema: the root must be a Section");
        }
        if (!document.IsNull() && !document.IsMap()) {
            problems_.push_back(ConfigProblem{file_, 1, 1,
                                              "the document must be a mapping of sections (" + known_keys(schema) +
                                                  "), found " + describe(document, false)});
            return json::object();
        }
        return section(document, schema, "", false, true);
    }

private:
    void report(const YAML::Mark& mark, std::string message) {
        problems_.push_back(ConfigProblem{file_, mark.line + 1, mark.column + 1, std::move(message)});
    }

    // "string 'abc'", "number 3.5", "sequence", ... for "found ..." clauses.
    // `text` is the scalar after ${ENV} substitution.
    static std::string describe(const YAML::Node& node, const std::string& text, bool hidden) {
        if (node.IsNull()) {
            return "null";
        }
        if (node.IsSequence()) {
            return "sequence";
        }
        if (node.IsMap()) {
            return "mapping";
        }
        if (hidden) {
            return "string (hidden)";
        }
        const bool quoted = node.Tag() == "!";
        std::string found;
        if (!quoted && parse_bool(text)) {
            found = "boolean " + text;
        } else if (!quoted && parse_number(text)) {
            found = "number " + text;
        } else {
            found = "string '" + shorten(text) + "'";
        }
        return found + substitution_note(node, text);
    }

    // The same for a value as written, before any ${ENV} substitution.
    static std::string describe(const YAML::Node& node, bool hidden) {
        return describe(node, node.IsScalar() ? node.Scalar() : std::string(), hidden);
    }

    static std::string substitution_note(const YAML::Node& node, const std::string& text) {
        return text == node.Scalar() ? "" : " (from '" + shorten(node.Scalar()) + "')";
    }

    std::optional<std::string> substituted(const YAML::Node& scalar, const std::string& path) {
        Substitution result = substitute_env(scalar.Scalar());
        for (const auto& error : result.errors) {
            report(scalar.Mark(), path + ": " + error);
        }
        if (!result.errors.empty()) {
            return std::nullopt;
        }
        return std::move(result.value);
    }

    // Checks a mapping's key and records it; false when the entry must be skipped.
    bool accept_key(const YAML::Node& key, const std::string& path, std::map<std::string, YAML::Mark>& seen) {
        if (!key.IsScalar()) {
            report(key.Mark(),
                   (path.empty() ? std::string("the document") : path) + " has a key that is not a plain name");
            return false;
        }
        const auto [previous, inserted] = seen.emplace(key.Scalar(), key.Mark());
        if (!inserted) {
            report(key.Mark(), join_path(path, key.Scalar()) + " is given more than once (first at line " +
                                   std::to_string(previous->second.line + 1) + ", column " +
                                   std::to_string(previous->second.column + 1) + ")");
            return false;
        }
        return true;
    }

    // `node` is a mapping, or null for an absent or empty section.
    json section(const YAML::Node& node, const ConfigKey& schema, const std::string& path, bool hidden,
                 bool top_level) {
        json out = json::object();
        std::map<std::string, YAML::Mark> seen;
        if (node.IsMap()) {
            for (const auto& entry : node) {
                if (!accept_key(entry.first, path, seen)) {
                    continue;
                }
                const std::string& name = entry.first.Scalar();
                const auto child = std::find_if(schema.children.begin(), schema.children.end(),
                                                [&name](const ConfigKey& key) { return key.name == name; });
                if (child == schema.children.end()) {
                    if (!(top_level && allow_unknown_top_level_)) {
                        report(entry.first.Mark(), unknown_key_message(schema, join_path(path, name), name));
                    }
                    continue;
                }
                if (auto resolved = value(entry.second, entry.first.Mark(), *child, join_path(path, name),
                                          hidden || is_sensitive_name(name))) {
                    out[name] = std::move(*resolved);
                }
            }
        }
        for (const auto& child : schema.children) {
            if (seen.count(child.name) == 0) {
                if (auto resolved = absent(child, join_path(path, child.name))) {
                    out[child.name] = std::move(*resolved);
                }
            }
        }
        return out;
    }

    // `node` is a mapping, or null for an absent or empty map.
    json map(const YAML::Node& node, const ConfigKey& schema, const std::string& path, bool hidden) {
        if (schema.children.size() != 1) {
            throw std::logic_error("config schema: map " + path + " must declare exactly one value shape");
        }
        json out = json::object();
        std::map<std::string, YAML::Mark> seen;
        if (node.IsMap()) {
            for (const auto& entry : node) {
                if (!accept_key(entry.first, path, seen)) {
                    continue;
                }
                const std::string& name = entry.first.Scalar();
                if (auto resolved = value(entry.second, entry.first.Mark(), schema.children.front(),
                                          join_path(path, name), hidden || is_sensitive_name(name))) {
                    out[name] = std::move(*resolved);
                }
            }
        }
        return out;
    }

    std::optional<json> string_list(const YAML::Node& node, const YAML::Mark& where, const std::string& path,
                                    bool hidden) {
        if (!node.IsSequence()) {
            report(where, path + " must be a list of strings, found " + describe(node, hidden));
            return std::nullopt;
        }
        json list = json::array();
        bool valid = true;
        for (std::size_t i = 0; i < node.size(); ++i) {
            const YAML::Node item = node[i];
            const std::string item_path = path + "[" + std::to_string(i) + "]";
            std::optional<std::string> text;
            if (!item.IsScalar()) {
                // A sequence item has no key to point at; an empty item's mark
                // may be the next line's, which is still close to the mistake.
                report(item.Mark().is_null() ? node.Mark() : item.Mark(),
                       item_path + " must be a string, found " + describe(item, hidden));
            } else {
                text = substituted(item, item_path);
            }
            if (text) {
                list.push_back(std::move(*text));
            } else {
                valid = false;
            }
        }
        return valid ? std::optional<json>(std::move(list)) : std::nullopt;
    }

    std::optional<json> scalar(const YAML::Node& node, const YAML::Mark& where, const ConfigKey& key,
                               const std::string& path, bool hidden) {
        if (!node.IsScalar()) {
            report(where, path + " must be " + expected_phrase(key.type) + ", found " + describe(node, hidden));
            return std::nullopt;
        }
        const auto text = substituted(node, path);
        if (!text) {
            return std::nullopt;
        }
        if (auto converted = convert_scalar(key, *text)) {
            return converted;
        }
        if (key.type == ConfigType::String) {  // only `allowed` can refuse a string
            const std::string found =
                hidden ? "string (hidden)" : "'" + shorten(*text) + "'" + substitution_note(node, *text);
            report(where, path + " must be one of: " + join(key.allowed) + "; found " + found);
        } else {
            report(where, path + " must be " + expected_phrase(key.type) + ", found " + describe(node, *text, hidden));
        }
        return std::nullopt;
    }

    std::optional<json> value(const YAML::Node& node, const YAML::Mark& key_mark, const ConfigKey& key,
                              const std::string& path, bool hidden) {
        const YAML::Mark where = mark_of(node, key_mark);
        switch (key.type) {
            case ConfigType::Section:
                if (node.IsNull() || node.IsMap()) {
                    return section(node, key, path, hidden, false);
                }
                report(where,
                       path + " must be a mapping of keys (" + known_keys(key) + "), found " + describe(node, hidden));
                return std::nullopt;
            case ConfigType::Map:
                if (node.IsNull() || node.IsMap()) {
                    return map(node, key, path, hidden);
                }
                report(where, path + " must be " + expected_phrase(key.type) + ", found " + describe(node, hidden));
                return std::nullopt;
            case ConfigType::StringList:
                return string_list(node, where, path, hidden);
            default:
                return scalar(node, where, key, path, hidden);
        }
    }

    // The value of a key the document leaves out: its default, with sections
    // expanded so that every declared default reaches the JSON.
    std::optional<json> absent(const ConfigKey& key, const std::string& path) {
        switch (key.type) {
            case ConfigType::Section:
                return section(YAML::Node(), key, path, false, false);
            case ConfigType::Map:
                return json::object();
            default:
                break;
        }
        if (key.default_value.is_null()) {
            return std::nullopt;
        }
        auto converted = convert_default(key);
        if (!converted) {
            throw std::logic_error("config schema: the default of " + path + " is not " + expected_phrase(key.type) +
                                   ": " + key.default_value.dump());
        }
        return converted;
    }

    const std::string& file_;
    bool allow_unknown_top_level_;
    std::vector<ConfigProblem>& problems_;
};

}  // namespace

nlohmann::json resolve_document(const YAML::Node& document, const sdk::ConfigKey& root, const std::string& file,
                                bool allow_unknown_top_level, std::vector<ConfigProblem>& problems) {
    return Walker(file, allow_unknown_top_level, problems).root(document, root);
}

}  // namespace tasklane::core::config_detail
