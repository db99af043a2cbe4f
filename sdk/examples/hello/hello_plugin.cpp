// The example plugin: one route, one table, one event and one subscriber —
// everything a third-party plugin touches in the SDK, in one small file.
//
//   GET  /api/v1/hello?name=Ada        {"message":"Hello, Ada!"}
//   POST /api/v1/hello/greetings       {"name":"Ada"} -> 201, stores it, publishes hello.greeted
//   GET  /api/v1/hello/greetings/{name}  how many greetings that name got (kept by the subscriber)
#include <tasklane/sdk/sdk.hpp>

#include <chrono>

// Generated from schema/ by tasklane_embed_migrations (see CMakeLists.txt).
std::vector<tasklane::sdk::Migration> hello_migrations(tasklane::sdk::Dialect dialect);

namespace hello {

using namespace tasklane::sdk;

namespace {

std::string validated_name(const nlohmann::json& body) {
    if (!body.is_object() || !body.contains("name") || !body["name"].is_string()) {
        throw ApiError::validation({{"name", "required, a string"}});
    }
    auto name = body["name"].get<std::string>();
    if (name.empty() || name.size() > 100) {
        throw ApiError::validation({{"name", "must be 1 to 100 characters"}});
    }
    return name;
}

}  // namespace

class HelloPlugin : public Plugin {
public:
    PluginInfo info() const override {
        return {.name = "hello", .version = "1.0.0", .description = "Example plugin: greetings", .requires_plugins = {}};
    }

    ConfigKey config_schema() const override {
        return ConfigKey::section("hello", "The example plugin.",
                                  {ConfigKey::value("greeting", ConfigType::String, "Hello", "Word used to greet")});
    }

    std::vector<Migration> migrations(Dialect dialect) const override { return hello_migrations(dialect); }

    void start(Host& host) override {
        greeting_ = host.config().value("greeting", "Hello");
        Database& db = host.database();

        host.routes().add({.method = "GET", .path = "/api/v1/hello", .summary = "Say hello", .tags = {"hello"}},
                          [this](const Request& req) {
                              const auto name = req.query_param("name").value_or("world");
                              return Response::json(200, {{"message", greeting_ + ", " + name + "!"}});
                          });

        host.routes().add(
            {.method = "POST", .path = "/api/v1/hello/greetings", .summary = "Record a greeting", .tags = {"hello"},
             .request_schema = {{"type", "object"}, {"required", {"name"}}, {"properties", {{"name", {{"type", "string"}}}}}},
             .success_status = 201},
            [&db](const Request& req) {
                std::string name = validated_name(req.json());
                long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
                auto tx = db.begin();
                tx->sql() << "INSERT INTO hello_greetings (name, created_at) VALUES (:name, :at)", soci::use(name),
                    soci::use(now);
                const auto event_id = tx->publish("hello.greeted", Actor::system(), {{"name", name}});
                tx->commit();
                return Response::json(201, {{"name", name}, {"event_id", event_id}});
            });

        host.routes().add({.method = "GET", .path = "/api/v1/hello/greetings/{name}",
                           .summary = "How many greetings a name got", .tags = {"hello"}},
                          [&db](const Request& req) {
                              std::string name = req.param("name");
                              int count = 0;
                              auto session = db.session();
                              session->sql() << "SELECT count FROM hello_greeting_counts WHERE name = :name",
                                  soci::use(name), soci::into(count);
                              if (!session->sql().got_data()) {
                                  throw ApiError::not_found("no greetings for '" + name + "'");
                              }
                              return Response::json(200, {{"name", name}, {"count", count}});
                          });

        host.events().subscribe({.name = "hello.counter",
                                 .types = {"hello.greeted"},
                                 .handler =
                                     [&db](const Event& event) {
                                         std::string name = event.data.at("name").get<std::string>();
                                         auto tx = db.begin();
                                         tx->sql() << "INSERT INTO hello_greeting_counts (name, count) VALUES (:n, 1) "
                                                      "ON CONFLICT (name) DO UPDATE SET count = hello_greeting_counts.count + 1",
                                             soci::use(name);
                                         tx->commit();
                                     },
                                 .durable = true});
    }

private:
    std::string greeting_;
};

}  // namespace hello

TASKLANE_PLUGIN(hello::HelloPlugin, "hello")
