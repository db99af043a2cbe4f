// The tasks plugin: config (workflow), migrations and routes. Logic lives in
// TaskService, SQL in TaskStore.
#include "share_routes.hpp"
#include "task_api.hpp"
#include "task_feed.hpp"
#include "task_routes.hpp"
#include "task_service.hpp"
#include "template_routes.hpp"
#include "transfer_routes.hpp"

#include <tasklane/sdk/sdk.hpp>

std::vector<tasklane::sdk::Migration> tasks_migrations(tasklane::sdk::Dialect dialect);

namespace tasklane::tasks {

using sdk::ConfigKey;
using sdk::ConfigType;

class TasksPlugin : public sdk::Plugin {
public:
    sdk::PluginInfo info() const override {
        return {.name = "tasks", .version = "0.1.0", .description = "Tasks, workflow, board, dependencies, templates, search, activity history, share links",
                .requires_plugins = {"auth"}};
    }

    ConfigKey config_schema() const override {
        return ConfigKey::section(
            "tasks", "Tasks (the tasks plugin).",
            {ConfigKey::section(
                "workflow", "Statuses and the transitions allowed between them.",
                {ConfigKey::value("statuses", ConfigType::StringList,
                                  nlohmann::json::array({"todo", "in_progress", "done", "cancelled"}), "Every status."),
                 ConfigKey::value("initial", ConfigType::String, "todo", "Status of a new task."),
                 ConfigKey::value("done", ConfigType::StringList, nlohmann::json::array({"done"}),
                                  "Statuses that count as done (the first is where /complete moves a task)."),
                 ConfigKey::map("transitions",
                                "status: [allowed next statuses]; empty: todo -> in_progress -> done, any -> "
                                "cancelled, done -> todo.",
                                ConfigKey::value("", ConfigType::StringList, nullptr, "Allowed next statuses."))})});
    }

    std::vector<sdk::Migration> migrations(sdk::Dialect dialect) const override { return tasks_migrations(dialect); }

    void start(sdk::Host& host) override {
        const Clock clock = [] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
        };
        service_ = std::make_unique<TaskService>(host.database(), Workflow::from_config(host.config()["workflow"]), clock);
        templates_ = std::make_unique<TemplateService>(host.database(), clock);
        register_task_routes(host.routes(), *service_);
        register_transfer_routes(host.routes(), *service_);
        register_template_routes(host.routes(), *templates_, *service_);
        shares_ = std::make_unique<ShareService>(host.database(), *service_, host.services().find<sdk::UserDirectory>(),
                                                 clock);
        register_share_routes(host.routes(), *shares_);
        host.set_meta("workflow", service_->workflow().to_json());
        host.services().provide(std::make_shared<TaskApi>(*service_));
        host.user_feed().add_channel(task_feed_channel());
    }

    void stop() override {
        shares_.reset();
        templates_.reset();
        service_.reset();
    }

private:
    std::unique_ptr<TaskService> service_;
    std::unique_ptr<TemplateService> templates_;
    std::unique_ptr<ShareService> shares_;
};

}  // namespace tasklane::tasks

TASKLANE_PLUGIN(tasklane::tasks::TasksPlugin, "tasks")
