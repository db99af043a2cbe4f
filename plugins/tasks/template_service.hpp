#pragma once
// Templates as the team sees them: everyone may read and instantiate every
// template; its creator or an administrator may change or delete it.
#include "task_service.hpp"
#include "template_store.hpp"

namespace tasklane::tasks {

class TemplateService {
public:
    TemplateService(sdk::Database& database, Clock clock) : database_(database), clock_(std::move(clock)) {}

    TaskTemplate create(const sdk::Caller& caller, const nlohmann::json& body);
    TaskTemplate get(std::int64_t id);
    std::pair<std::vector<TaskTemplate>, std::int64_t> list(int page, int per_page);
    TaskTemplate update(const sdk::Caller& caller, std::int64_t id, const nlohmann::json& body);
    void remove(const sdk::Caller& caller, std::int64_t id);

private:
    TaskTemplate editable(soci::session& sql, const sdk::Caller& caller, std::int64_t id);

    sdk::Database& database_;
    Clock clock_;
    TemplateStore store_;
};

}  // namespace tasklane::tasks
