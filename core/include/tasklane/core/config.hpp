#pragma once
// The one YAML configuration file: parsing, ${ENV} substitution and validation
// against closed schemas (the core's and every plugin's), reporting every
// violation with file:line:column in one pass.
#include <tasklane/sdk/config_schema.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace tasklane::core {

struct ConfigProblem {
    std::string file;
    int line = 0;    // 1-based; 0 when unknown
    int column = 0;  // 1-based; 0 when unknown
    std::string message;  // "server.port must be an integer, found string 'abc'"
    std::string to_string() const;  // "file:line:column: message"
};

class ConfigInvalid : public std::runtime_error {
public:
    explicit ConfigInvalid(std::vector<ConfigProblem> problems);
    const std::vector<ConfigProblem>& problems() const noexcept { return problems_; }

private:
    std::vector<ConfigProblem> problems_;
};

// A parsed YAML document with its file name, before validation.
class ConfigDocument {
public:
    // Throws ConfigInvalid (one problem with line/column) on unreadable files and YAML syntax errors.
    static ConfigDocument from_file(const std::string& path);
    static ConfigDocument from_text(const std::string& text, const std::string& display_name);

    ConfigDocument(ConfigDocument&&) noexcept;
    ConfigDocument& operator=(ConfigDocument&&) noexcept;
    ~ConfigDocument();

    // Substitutes ${VAR} and ${VAR:-fallback} in every scalar from the process
    // environment (an unset VAR without fallback is a problem), checks the
    // document against `root` (a Section) and returns the resolved JSON with
    // every default filled in. Durations become integer milliseconds, byte
    // sizes integer bytes. With allow_unknown_top_level, top-level keys not in
    // `root` are ignored (used to read the plugins section before the plugins'
    // own schemas are known). Throws ConfigInvalid with every problem found.
    nlohmann::json resolve(const sdk::ConfigKey& root, bool allow_unknown_top_level = false) const;

    const std::string& file() const noexcept;

private:
    struct Impl;
    explicit ConfigDocument(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The schema of the sections the core itself reads: server, realtime,
// database, plugins, events, logging, security.
sdk::ConfigKey core_config_schema();

// Adds each plugin section to a copy of the core schema; a plugin section
// whose name is already taken is refused (std::invalid_argument naming it).
sdk::ConfigKey combined_schema(const sdk::ConfigKey& core, const std::vector<sdk::ConfigKey>& plugin_sections);

// The config reference as Markdown tables, one per section (`tasklane config-reference`).
std::string config_reference_markdown(const sdk::ConfigKey& root);

// The embedded default config (config/tasklane.yaml compiled into the binary).
const std::string& embedded_default_config();

}  // namespace tasklane::core
