#include "service_actions.hpp"

#include <tasklane/sdk/notifier.hpp>
#include <tasklane/sdk/tasks_api.hpp>
#include <tasklane/sdk/users.hpp>
#include <tasklane/sdk/webhooks.hpp>

#include <stdexcept>

namespace tasklane::rules {

namespace {

template <class Service>
std::shared_ptr<Service> require(sdk::Services& services, const char* plugin) {
    auto service = services.find<Service>();
    if (!service) {
        throw std::runtime_error(std::string("needs the ") + plugin + " plugin, which is not enabled");
    }
    return service;
}

std::int64_t id_arg(const nlohmann::json& args, std::size_t index, const char* what) {
    if (index >= args.size() || !args[index].is_number_integer()) {
        throw std::invalid_argument(std::string("argument ") + std::to_string(index + 1) + " must be " + what);
    }
    return args[index].get<std::int64_t>();
}

const nlohmann::json& object_arg(const nlohmann::json& args, std::size_t index, const char* what) {
    static const nlohmann::json empty = nlohmann::json::object();
    if (index >= args.size() || args[index].is_null()) {
        return empty;
    }
    if (!args[index].is_object() && !(args[index].is_array() && args[index].empty())) {
        throw std::invalid_argument(std::string("argument ") + std::to_string(index + 1) + " must be " + what);
    }
    return args[index].is_object() ? args[index] : empty;
}

std::string string_arg(const nlohmann::json& args, std::size_t index, const char* what) {
    if (index >= args.size() || !args[index].is_string()) {
        throw std::invalid_argument(std::string("argument ") + std::to_string(index + 1) + " must be " + what);
    }
    return args[index].get<std::string>();
}

nlohmann::json user_json(const std::optional<sdk::UserInfo>& user) {
    if (!user) {
        return nullptr;
    }
    return {{"id", user->id},     {"username", user->username}, {"email", user->email},
            {"full_name", user->full_name}, {"role", user->role}, {"active", user->active}};
}

// api.notify(user_id, "title") or api.notify(user_id, {title, body, type, data})
sdk::Notice notice_of(const nlohmann::json& args) {
    sdk::Notice notice;
    notice.user_id = id_arg(args, 0, "a user id");
    notice.type = "rule";
    if (args.size() > 1 && args[1].is_string()) {
        notice.title = args[1].get<std::string>();
    } else {
        const auto& options = object_arg(args, 1, "a message or {title, body, type, data}");
        notice.title = options.value("title", "");
        notice.body = options.value("body", "");
        notice.type = options.value("type", "rule");
        if (options.contains("data")) {
            notice.data = options["data"];
        }
    }
    return notice;
}

}  // namespace

const sdk::Caller& ServiceActions::caller() {
    if (caller_) {
        return *caller_;
    }
    auto users = require<sdk::UserDirectory>(services_, "auth");
    std::optional<sdk::UserInfo> user;
    if (run_as_.user_id) {
        user = users->get(*run_as_.user_id);
    } else if (!run_as_.username.empty()) {
        user = users->find(run_as_.username);
    } else {
        throw std::runtime_error("file rules act as rules.run_as: set it to an administrator's username");
    }
    if (!user || !user->active || user->role != "admin") {
        throw std::runtime_error("the rule acts as a user who is not an active administrator (" +
                                 (run_as_.user_id ? "user " + std::to_string(*run_as_.user_id) : run_as_.username) +
                                 ")");
    }
    caller_ = user->as_caller();
    return *caller_;
}

nlohmann::json ServiceActions::call(const std::string& action, const nlohmann::json& args) {
    if (is_write_action(action)) {
        return dry_run_ ? stand_in(action, args) : write(action, args);
    }
    if (action == "users.get") {
        return user_json(require<sdk::UserDirectory>(services_, "auth")->get(id_arg(args, 0, "a user id")));
    }
    if (action == "users.find") {
        return user_json(require<sdk::UserDirectory>(services_, "auth")->find(string_arg(args, 0, "a username or email")));
    }
    auto tasks = require<sdk::TaskApi>(services_, "tasks");
    if (action == "tasks.get") {
        try {
            return tasks->get(caller(), id_arg(args, 0, "a task id"));
        } catch (const sdk::ApiError& e) {
            if (e.status() == 404) {
                return nullptr;  // a missing task is nil, as in a table lookup
            }
            throw;
        }
    }
    if (action == "tasks.query") {
        return tasks->query(caller(), object_arg(args, 0, "a filter table"));
    }
    throw std::invalid_argument("unknown action " + action);
}

nlohmann::json ServiceActions::write(const std::string& action, const nlohmann::json& args) {
    const auto actor = sdk::Actor::rule(rule_name_, depth_);
    if (action == "notify" || action == "webhook") {
        auto tx = database_.begin();
        nlohmann::json result;
        if (action == "notify") {
            result = require<sdk::Notifier>(services_, "notifications")->notify(*tx, notice_of(args));
        } else {
            const auto payload = args.size() > 1 ? args[1] : nlohmann::json::object();
            result = require<sdk::WebhookTargets>(services_, "integrations")
                         ->send(*tx, string_arg(args, 0, "a webhook target name"), payload, actor);
        }
        tx->commit();
        return result;
    }
    auto tasks = require<sdk::TaskApi>(services_, "tasks");
    if (action == "tasks.create") {
        return tasks->create(caller(), object_arg(args, 0, "a task table"), actor);
    }
    const auto id = id_arg(args, 0, "a task id");
    if (action == "tasks.update") {
        return tasks->update(caller(), id, object_arg(args, 1, "a table of changes"), actor);
    }
    if (action == "tasks.assign") {
        std::optional<std::int64_t> assignee;
        if (args.size() > 1 && !args[1].is_null()) {
            assignee = id_arg(args, 1, "a user id or nil");
        }
        return tasks->assign(caller(), id, assignee, actor);
    }
    if (action == "tasks.complete") {
        return tasks->complete(caller(), id, actor);
    }
    return tasks->comment(caller(), id, string_arg(args, 1, "the comment text"), actor);  // tasks.comment
}

// What a dry run's write returns: what the rule would most likely get back,
// built from the current state without changing it.
nlohmann::json ServiceActions::stand_in(const std::string& action, const nlohmann::json& args) {
    if (action == "notify") {
        (void)notice_of(args);
        return 0;
    }
    if (action == "webhook") {
        auto targets = require<sdk::WebhookTargets>(services_, "integrations");
        const auto name = string_arg(args, 0, "a webhook target name");
        if (!targets->has(name)) {
            throw sdk::ApiError::validation({{"target", "no webhook target named '" + name + "' in the config"}});
        }
        return "dry-run";
    }
    if (action == "tasks.create") {
        auto task = object_arg(args, 0, "a task table");
        task["id"] = nullptr;
        task["dry_run"] = true;
        return task;
    }
    const auto id = id_arg(args, 0, "a task id");
    auto task = require<sdk::TaskApi>(services_, "tasks")->get(caller(), id);
    if (action == "tasks.update") {
        for (const auto& [key, value] : object_arg(args, 1, "a table of changes").items()) {
            task[key] = value;
        }
    } else if (action == "tasks.assign") {
        task["assignee_id"] = args.size() > 1 ? args[1] : nullptr;
    } else if (action == "tasks.comment") {
        return {{"id", nullptr}, {"task_id", id}, {"body", string_arg(args, 1, "the comment text")}, {"dry_run", true}};
    }
    task["dry_run"] = true;
    return task;
}

}  // namespace tasklane::rules
