// The notifications plugin: config, migrations and wiring. In-app
// notifications (NotificationService), task events into notifications
// (TaskEventSubscriber), email jobs (EmailJob over SmtpMailer), due-date
// reminders (DueReminders), the Notifier service and the live feed hook.
#include "due_reminders.hpp"
#include "email_job.hpp"
#include "notification_routes.hpp"
#include "notification_service.hpp"
#include "task_event_notices.hpp"
#include "task_event_subscriber.hpp"

#include <tasklane/sdk/sdk.hpp>

#include <curl/curl.h>

std::vector<tasklane::sdk::Migration> notifications_migrations(tasklane::sdk::Dialect dialect);

namespace tasklane::notifications {

using sdk::ConfigKey;
using sdk::ConfigType;

class NotificationsPlugin : public sdk::Plugin {
public:
    sdk::PluginInfo info() const override {
        return {.name = "notifications",
                .version = "0.1.0",
                .description = "In-app notifications, email over SMTP, due-date reminders",
                // auth: the UserDirectory kept for the plugin's lifetime;
                // tasks: its events are what notifications are made of.
                .requires_plugins = {"auth", "tasks"}};
    }

    ConfigKey config_schema() const override {
        return ConfigKey::section(
            "notifications", "In-app notifications, email and reminders (the notifications plugin).",
            {ConfigKey::section(
                 "smtp", "The mail server notifications are sent through.",
                 {ConfigKey::value("host", ConfigType::String, "", "SMTP server host; empty: no email is sent."),
                  ConfigKey::value("port", ConfigType::Integer, 25, "SMTP server port (587 submission, 465 tls)."),
                  ConfigKey::value("from", ConfigType::String, "tasklane@example.com", "Sender address."),
                  ConfigKey::value("username", ConfigType::String, "", "Login; empty: no authentication."),
                  ConfigKey::value("password", ConfigType::String, "", "Password of the login (never logged)."),
                  ConfigKey::value("security", ConfigType::String, "none",
                                   "none, starttls (required upgrade) or tls (implicit TLS, smtps).",
                                   {"none", "starttls", "tls"}),
                  ConfigKey::value("timeout", ConfigType::Duration, "10s",
                                   "Connect and whole-send timeout; a timeout is retried."),
                  ConfigKey::value("attachment_bytes", ConfigType::ByteSize, "2MiB",
                                   "How much of a task's images (attachments plugin) a mail carries; 0: none.")}),
             ConfigKey::section(
                 "reminders", "Due-date reminders (task.due_soon notifications).",
                 {ConfigKey::value("interval", ConfigType::Duration, "5m", "How often due dates are scanned."),
                  ConfigKey::value("before", ConfigType::Duration, "24h",
                                   "A task due within this time from a scan is reminded (once per due date).")})});
    }

    std::vector<sdk::Migration> migrations(sdk::Dialect dialect) const override {
        return notifications_migrations(dialect);
    }

    void start(sdk::Host& host) override {
        // Thread-safe since curl 7.84 and reference-counted: the
        // integrations plugin may call it too.
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw std::runtime_error("curl_global_init failed");
        }
        curl_initialised_ = true;
        log_ = host.logger();
        users_ = host.services().find<sdk::UserDirectory>();
        if (!users_) {
            throw std::runtime_error("the auth plugin provides no UserDirectory service");
        }
        const auto& config = host.config();
        mailer_ = std::make_unique<SmtpMailer>(SmtpConfig::from_json(config.value("smtp", nlohmann::json::object())));
        const auto& reminders = config.value("reminders", nlohmann::json::object());
        ReminderConfig reminder_config{std::chrono::milliseconds(reminders.value("interval", 300000)),
                                       std::chrono::milliseconds(reminders.value("before", 86400000))};

        auto& db = host.database();
        store_ = std::make_unique<NotificationStore>(db);
        service_ = std::make_unique<NotificationService>(db, *store_, *users_, host.jobs(), system_now_ms,
                                                         mailer_->config().enabled());
        subscriber_ = std::make_unique<TaskEventSubscriber>(db, *store_, *service_, log_);
        const auto attachment_bytes = config.value("smtp", nlohmann::json::object()).value("attachment_bytes", 2 << 20);
        email_ = std::make_unique<EmailJob>(db, *store_, *users_, host.services(), *mailer_,
                                            static_cast<std::size_t>(attachment_bytes), system_now_ms, log_);
        reminders_ = std::make_unique<DueReminders>(db, *store_, *service_, host.jobs(), reminder_config, log_);

        register_notification_routes(host.routes(), *service_);
        host.services().provide<sdk::Notifier>(std::make_shared<NotifierService>(*service_));
        host.jobs().handle(kEmailJob, [this](const sdk::Job& job) { email_->run(job); });
        host.jobs().handle(kDueScanJob, [this](const sdk::Job& job) { reminders_->run(job); });
        host.events().subscribe({.name = "notifications",
                                 .types = task_event_types(),
                                 .handler = [this](const sdk::Event& e) { subscriber_->handle(e); },
                                 .durable = true});
        // /ws/notifications: each user's own notifications, live on every node
        // and replayed after a reconnect (since=), from the outbox.
        host.user_feed().add_channel(
            {.name = "notifications",
             .event_types = {kCreatedEvent},
             .message = [](const sdk::Event& e) -> std::optional<sdk::FeedMessage> {
                 return sdk::FeedMessage{.type = "notification",
                                         .data = e.data.value("notification", nlohmann::json::object())};
             },
             .visible = [](const sdk::Caller& caller, const sdk::Event& e) {
                 return e.data.value("user_id", std::int64_t{0}) == caller.user_id;
             }});
        reminders_->ensure_chain();
        if (!mailer_->config().enabled()) {
            log_->info("notifications.smtp.host is empty: notifications are not emailed");
        }
    }

    void stop() override {
        reminders_.reset();
        email_.reset();
        subscriber_.reset();
        service_.reset();
        store_.reset();
        mailer_.reset();
        users_.reset();
        if (curl_initialised_) {
            curl_global_cleanup();
            curl_initialised_ = false;
        }
    }

private:
    bool curl_initialised_ = false;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<sdk::UserDirectory> users_;
    std::unique_ptr<SmtpMailer> mailer_;
    std::unique_ptr<NotificationStore> store_;
    std::unique_ptr<NotificationService> service_;
    std::unique_ptr<TaskEventSubscriber> subscriber_;
    std::unique_ptr<EmailJob> email_;
    std::unique_ptr<DueReminders> reminders_;
};

}  // namespace tasklane::notifications

TASKLANE_PLUGIN(tasklane::notifications::NotificationsPlugin, "notifications")
