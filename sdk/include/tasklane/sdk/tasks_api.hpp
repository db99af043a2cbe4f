#pragma once
// Service: the tasks plugin's operations for other plugins and the rule
// engine. The same service as REST: validation, workflow, visibility and
// permissions of `caller` apply, failures are ApiError, every change is one
// event attributed to `actor`. Tasks go in and out as the REST JSON bodies.
#include "events.hpp"
#include "http.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>

namespace tasklane::sdk {

class TASKLANE_SDK_VISIBLE TaskApi {
public:
    static constexpr const char* kServiceName = "tasks";
    virtual ~TaskApi() = default;

    virtual nlohmann::json create(const Caller& caller, const nlohmann::json& body, const Actor& actor) = 0;
    virtual nlohmann::json get(const Caller& caller, std::int64_t task_id) = 0;
    virtual nlohmann::json update(const Caller& caller, std::int64_t task_id, const nlohmann::json& body,
                                  const Actor& actor) = 0;
    virtual nlohmann::json assign(const Caller& caller, std::int64_t task_id, std::optional<std::int64_t> assignee_id,
                                  const Actor& actor) = 0;
    virtual nlohmann::json complete(const Caller& caller, std::int64_t task_id, const Actor& actor) = 0;
    virtual nlohmann::json comment(const Caller& caller, std::int64_t task_id, const std::string& body,
                                   const Actor& actor) = 0;
    // `filter` uses the names of GET /api/v1/tasks' query parameters (status,
    // assignee_id, tag, q, sort, page, per_page, ...); the REST list body back.
    virtual nlohmann::json query(const Caller& caller, const nlohmann::json& filter) = 0;
    // Whether `caller` may see `task` (a task JSON body, as events carry it).
    virtual bool visible_to(const Caller& caller, const nlohmann::json& task) = 0;
};

}  // namespace tasklane::sdk
