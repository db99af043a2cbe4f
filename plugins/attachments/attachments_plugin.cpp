// The attachments plugin: config, migrations and wiring. Use cases live in
// AttachmentService, SQL in AttachmentStore, content in a BlobStore
// (LocalBlobStore: attachments.dir).
#include "attachment_files.hpp"
#include "attachment_routes.hpp"
#include "attachment_service.hpp"
#include "local_blob_store.hpp"
#include "secrets.hpp"
#include "settings.hpp"

#include <tasklane/sdk/sdk.hpp>

#include <chrono>

std::vector<tasklane::sdk::Migration> attachments_migrations(tasklane::sdk::Dialect dialect);

namespace tasklane::attachments {

class AttachmentsPlugin : public sdk::Plugin {
public:
    sdk::PluginInfo info() const override {
        return {.name = "attachments",
                .version = "0.1.0",
                .description = "Files attached to tasks: metadata in the database, content in a local directory",
                // auth: callers; tasks: visibility (TaskApi, kept for the
                // plugin's lifetime) and the task.deleted events.
                .requires_plugins = {"auth", "tasks"}};
    }

    sdk::ConfigKey config_schema() const override { return attachments::config_schema(); }

    std::vector<sdk::Migration> migrations(sdk::Dialect dialect) const override {
        return attachments_migrations(dialect);
    }

    void start(sdk::Host& host) override {
        secrets::init_sodium();  // the content hash needs it
        Settings settings;
        try {
            settings = Settings::from_config(host.config());
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(std::string("invalid attachments config: ") + e.what());
        }
        auto tasks = host.services().find<sdk::TaskApi>();
        if (!tasks) {
            throw std::runtime_error("attachments needs the TaskApi service (the tasks plugin)");
        }
        log_ = host.logger();
        auto& db = host.database();
        blobs_ = std::make_unique<LocalBlobStore>(settings.dir);
        store_ = std::make_unique<AttachmentStore>(db);
        const Clock clock = [] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
        };
        service_ = std::make_unique<AttachmentService>(db, *store_, *blobs_, std::move(tasks), settings, clock, log_);

        // Before any request: what a crash left behind goes now (see sweep()).
        const auto swept = service_->sweep();
        log_->info("attachments in {}: {} stored file(s), {} unreferenced removed", settings.dir.string(), swept.kept,
                   swept.removed);

        register_attachment_routes(host.routes(), *service_);
        host.services().provide<sdk::AttachmentFiles>(std::make_shared<AttachmentFilesService>(*service_));
        host.events().subscribe({.name = "attachments.task_deleted",
                                 .types = {"task.deleted"},
                                 .handler = [this](const sdk::Event& e) { service_->on_task_deleted(e); },
                                 .durable = true});
    }

    void stop() override {
        service_.reset();
        store_.reset();
        blobs_.reset();
    }

private:
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<LocalBlobStore> blobs_;
    std::unique_ptr<AttachmentStore> store_;
    std::unique_ptr<AttachmentService> service_;
};

}  // namespace tasklane::attachments

TASKLANE_PLUGIN(tasklane::attachments::AttachmentsPlugin, "attachments")
