#include <tasklane/core/config.hpp>

#include "config_resolver.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

namespace tasklane::core {
namespace {

std::string join_lines(const std::vector<ConfigProblem>& problems) {
    std::string out;
    for (const auto& problem : problems) {
        out += (out.empty() ? "" : "\n") + problem.to_string();
    }
    return out;
}

ConfigProblem problem_at(const std::string& file, const YAML::Mark& mark, std::string message) {
    return ConfigProblem{file, mark.line + 1, mark.column + 1, std::move(message)};
}

}  // namespace

std::string ConfigProblem::to_string() const {
    // Unknown positions are left out rather than printed as 0, the way
    // compilers do, so editors still parse "file: message".
    std::string out = file;
    if (line > 0) {
        out += ":" + std::to_string(line);
        if (column > 0) {
            out += ":" + std::to_string(column);
        }
    }
    return out + ": " + message;
}

ConfigInvalid::ConfigInvalid(std::vector<ConfigProblem> problems)
    : std::runtime_error(join_lines(problems)), problems_(std::move(problems)) {}

struct ConfigDocument::Impl {
    YAML::Node root;
    std::string file;
    // yaml-cpp would silently ignore every document after the first; a closed
    // config refuses them instead (reported by resolve with the others).
    std::optional<YAML::Mark> extra_document;
};

ConfigDocument::ConfigDocument(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ConfigDocument::ConfigDocument(ConfigDocument&&) noexcept = default;
ConfigDocument& ConfigDocument::operator=(ConfigDocument&&) noexcept = default;
ConfigDocument::~ConfigDocument() = default;

ConfigDocument ConfigDocument::from_file(const std::string& path) {
    auto unreadable = [&path](const std::string& reason) {
        return ConfigInvalid({ConfigProblem{path, 0, 0, "cannot read file: " + reason}});
    };
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw unreadable("it is a directory");
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw unreadable(errno != 0 ? std::strerror(errno) : "cannot open it");
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw unreadable(errno != 0 ? std::strerror(errno) : "read error");
    }
    return from_text(text.str(), path);
}

ConfigDocument ConfigDocument::from_text(const std::string& text, const std::string& display_name) {
    auto impl = std::make_unique<Impl>();
    impl->file = display_name;
    try {
        std::vector<YAML::Node> documents = YAML::LoadAll(text);
        if (!documents.empty()) {
            impl->root = documents.front();
        }
        for (std::size_t i = 1; i < documents.size(); ++i) {
            if (!documents[i].IsNull()) {
                impl->extra_document = documents[i].Mark();
                break;
            }
        }
    } catch (const YAML::Exception& e) {
        throw ConfigInvalid({problem_at(display_name, e.mark, "invalid YAML: " + e.msg)});
    }
    return ConfigDocument(std::move(impl));
}

nlohmann::json ConfigDocument::resolve(const sdk::ConfigKey& root, bool allow_unknown_top_level) const {
    std::vector<ConfigProblem> problems;
    nlohmann::json resolved =
        config_detail::resolve_document(impl_->root, root, impl_->file, allow_unknown_top_level, problems);
    if (impl_->extra_document) {
        problems.push_back(problem_at(impl_->file, *impl_->extra_document,
                                      "a config file holds one YAML document; remove the second one (after '---')"));
    }
    if (!problems.empty()) {
        throw ConfigInvalid(std::move(problems));
    }
    return resolved;
}

const std::string& ConfigDocument::file() const noexcept {
    return impl_->file;
}

}  // namespace tasklane::core
