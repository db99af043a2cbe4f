#include "settings.hpp"

#include <stdexcept>

namespace tasklane::integrations {

Settings Settings::from_config(const nlohmann::json& section) {
    Settings s;
    std::string problems;
    auto problem = [&problems](const std::string& sentence) {
        problems += (problems.empty() ? "" : "; ") + sentence;
    };
    try {
        s.allowlist = Allowlist::parse(section.value("allowlist", std::vector<std::string>{}));
    } catch (const std::invalid_argument& e) {
        problem(e.what());
    }
    // Named: items() of a temporary would dangle inside the loop.
    const auto targets = section.value("targets", nlohmann::json::object());
    for (const auto& [name, value] : targets.items()) {
        const std::string where = "integrations.targets." + name;
        Target t;
        t.url = value.value("url", "");
        t.secret = value.value("secret", "");
        std::string why;
        if (auto parsed = parse_webhook_url(t.url, why)) {
            t.parsed = *parsed;
        } else {
            problem(where + ".url '" + t.url + "' " + why);
        }
        if (t.secret.empty()) {
            problem(where + ".secret is required: receivers verify the X-Tasklane-Signature with it");
        }
        s.targets.emplace(name, std::move(t));
    }
    s.timeout = std::chrono::milliseconds(section.value("timeout", 10000));
    s.connect_timeout = std::chrono::milliseconds(section.value("connect_timeout", 5000));
    s.max_attempts = section.value("max_attempts", 0);
    if (s.timeout.count() <= 0 || s.connect_timeout.count() <= 0) {
        problem("integrations.timeout and integrations.connect_timeout must be positive");
    }
    if (s.max_attempts < 0) {
        problem("integrations.max_attempts must be >= 0 (0: jobs.max_attempts)");
    }
    if (!problems.empty()) {
        throw std::invalid_argument(problems);
    }
    return s;
}

}  // namespace tasklane::integrations
