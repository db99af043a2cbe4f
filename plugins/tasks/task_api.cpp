#include "task_api.hpp"

#include "task_routes.hpp"

namespace tasklane::tasks {

nlohmann::json TaskApi::create(const sdk::Caller& caller, const nlohmann::json& body, const sdk::Actor& actor) {
    return to_json(service_.create(caller, body, actor));
}

nlohmann::json TaskApi::get(const sdk::Caller& caller, std::int64_t task_id) {
    return to_json(service_.get(caller, task_id));
}

nlohmann::json TaskApi::update(const sdk::Caller& caller, std::int64_t task_id, const nlohmann::json& body,
                               const sdk::Actor& actor) {
    return to_json(service_.update(caller, task_id, body, std::nullopt, actor));
}

nlohmann::json TaskApi::assign(const sdk::Caller& caller, std::int64_t task_id,
                               std::optional<std::int64_t> assignee_id, const sdk::Actor& actor) {
    return to_json(service_.assign(caller, task_id, assignee_id, actor));
}

nlohmann::json TaskApi::complete(const sdk::Caller& caller, std::int64_t task_id, const sdk::Actor& actor) {
    return to_json(service_.complete(caller, task_id, actor));
}

nlohmann::json TaskApi::comment(const sdk::Caller& caller, std::int64_t task_id, const std::string& body,
                                const sdk::Actor& actor) {
    return to_json(service_.add_comment(caller, task_id, {{"body", body}}, actor));
}

nlohmann::json TaskApi::query(const sdk::Caller& caller, const nlohmann::json& filter) {
    if (!filter.is_object()) {
        throw sdk::ApiError::bad_request("the filter must be an object");
    }
    // The same parameters and checks as GET /api/v1/tasks.
    sdk::Request as_request;
    for (const auto& [name, value] : filter.items()) {
        as_request.query.emplace(name, value.is_string() ? value.get<std::string>() : value.dump());
    }
    const auto f = filter_from(as_request, service_.workflow());
    return to_json(service_.list(caller, f), f);
}

bool TaskApi::visible_to(const sdk::Caller& caller, const nlohmann::json& task) {
    auto id_of = [&](const char* key) {
        const auto it = task.find(key);
        return it != task.end() && it->is_number_integer() ? it->get<std::int64_t>() : std::int64_t{0};
    };
    return viewer_of(caller).sees(id_of("creator_id"), id_of("assignee_id"));
}

}  // namespace tasklane::tasks
