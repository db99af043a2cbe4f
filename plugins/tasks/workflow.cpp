#include "workflow.hpp"

#include <algorithm>
#include <stdexcept>

namespace tasklane::tasks {

Workflow Workflow::from_config(const nlohmann::json& section) {
    Workflow w;
    w.statuses_ = section.at("statuses").get<std::vector<std::string>>();
    w.initial_ = section.at("initial").get<std::string>();
    const auto done = section.at("done").get<std::vector<std::string>>();
    auto transitions = section.at("transitions");
    if (transitions.empty()) {
        // DESIGN.md's default: todo -> in_progress -> done, any -> cancelled, done -> todo.
        transitions = {{"todo", {"in_progress", "cancelled"}},
                       {"in_progress", {"done", "todo", "cancelled"}},
                       {"done", {"todo", "cancelled"}},
                       {"cancelled", {"todo"}}};
    }
    for (const auto& s : w.statuses_) {
        w.transitions_[s];
    }
    auto known = [&](const std::string& s, const std::string& where) {
        if (!w.has(s)) {
            throw std::invalid_argument("tasks.workflow." + where + " names '" + s +
                                        "', which is not in tasks.workflow.statuses");
        }
    };
    known(w.initial_, "initial");
    if (done.empty()) {
        throw std::invalid_argument("tasks.workflow.done must name at least one status");
    }
    for (const auto& s : done) {
        known(s, "done");
        w.done_.insert(s);
    }
    w.completed_ = done.front();
    for (const auto& [from, targets] : transitions.items()) {
        known(from, "transitions");
        for (const auto& to : targets) {
            known(to.get<std::string>(), "transitions." + from);
            w.transitions_[from].push_back(to.get<std::string>());
        }
    }
    return w;
}

bool Workflow::allows(const std::string& from, const std::string& to) const {
    const auto& n = next(from);
    return std::find(n.begin(), n.end(), to) != n.end();
}

const std::vector<std::string>& Workflow::next(const std::string& from) const {
    static const std::vector<std::string> none;
    auto it = transitions_.find(from);
    return it == transitions_.end() ? none : it->second;
}

nlohmann::json Workflow::to_json() const {
    return {{"statuses", statuses_}, {"transitions", transitions_}, {"initial", initial_},
            {"done", std::vector<std::string>(done_.begin(), done_.end())}};
}

}  // namespace tasklane::tasks
