#pragma once
// The status workflow from tasks.workflow: statuses, allowed transitions,
// the initial status and the statuses that count as done.
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace tasklane::tasks {

class Workflow {
public:
    // From the resolved config section; throws std::invalid_argument naming
    // the problem (an unknown status in a transition, no done status, ...).
    static Workflow from_config(const nlohmann::json& section);

    bool has(const std::string& status) const { return transitions_.count(status) > 0; }
    bool allows(const std::string& from, const std::string& to) const;
    const std::vector<std::string>& next(const std::string& from) const;
    bool is_done(const std::string& status) const { return done_.count(status) > 0; }
    const std::string& initial() const { return initial_; }
    const std::string& completed_status() const { return completed_; }
    const std::vector<std::string>& statuses() const { return statuses_; }
    nlohmann::json to_json() const;  // for /api/v1/meta

private:
    std::vector<std::string> statuses_;
    std::map<std::string, std::vector<std::string>> transitions_;
    std::set<std::string> done_;
    std::string initial_;
    std::string completed_;  // what POST /complete moves to: the first done status
};

}  // namespace tasklane::tasks
