#pragma once
// Service: in-app notifications (provided by the notifications plugin), for
// other plugins and the rule engine's api.notify. The notification is written
// in the caller's transaction and shows in the user's list, their live feed
// and, when their preferences say so, an email job, all only if it commits.
#include "database.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace tasklane::sdk {

struct Notice {
    std::int64_t user_id = 0;
    std::string type = "message";  // the preference key, e.g. "task.assigned", "rule", "message"
    std::string title;             // one line; required
    std::string body;              // plain text, may be empty
    nlohmann::json data = nlohmann::json::object();  // e.g. {"task_id": 7}
};

class TASKLANE_SDK_VISIBLE Notifier {
public:
    static constexpr const char* kServiceName = "notifier";
    virtual ~Notifier() = default;
    // Returns the notification id. ApiError 422 for an empty title or an
    // unknown or inactive user.
    virtual std::int64_t notify(Transaction& tx, const Notice& notice) = 0;
};

}  // namespace tasklane::sdk
