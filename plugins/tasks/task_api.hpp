#pragma once
// sdk::TaskApi over TaskService: what other plugins and the rule engine call.
#include "task_service.hpp"

#include <tasklane/sdk/tasks_api.hpp>

namespace tasklane::tasks {

class TaskApi : public sdk::TaskApi {
public:
    explicit TaskApi(TaskService& service) : service_(service) {}

    nlohmann::json create(const sdk::Caller& caller, const nlohmann::json& body, const sdk::Actor& actor) override;
    nlohmann::json get(const sdk::Caller& caller, std::int64_t task_id) override;
    nlohmann::json update(const sdk::Caller& caller, std::int64_t task_id, const nlohmann::json& body,
                          const sdk::Actor& actor) override;
    nlohmann::json assign(const sdk::Caller& caller, std::int64_t task_id, std::optional<std::int64_t> assignee_id,
                          const sdk::Actor& actor) override;
    nlohmann::json complete(const sdk::Caller& caller, std::int64_t task_id, const sdk::Actor& actor) override;
    nlohmann::json comment(const sdk::Caller& caller, std::int64_t task_id, const std::string& body,
                           const sdk::Actor& actor) override;
    nlohmann::json query(const sdk::Caller& caller, const nlohmann::json& filter) override;
    bool visible_to(const sdk::Caller& caller, const nlohmann::json& task) override;

private:
    TaskService& service_;
};

}  // namespace tasklane::tasks
