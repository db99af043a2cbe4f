#pragma once
// Shared by tasks_test.cpp and tasks_events_test.cpp: the real server with the
// auth and tasks plugins on a fresh database of the test's dialect, users with
// access tokens, request helpers, and a direct reader of the event outbox.
#include "../../core/src/db/database_url.hpp"
#include "../support/api_assertions.hpp"
#include "../support/http_client.hpp"
#include "../support/test_env.hpp"

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace tasklane::test::tasks {

inline constexpr const char* kJwtSecret = "tasks-test-secret-0123456789-abcdefghijklmnop";
inline constexpr const char* kAdminPassword = "root-password";
inline constexpr const char* kPassword = "correct-horse-42";

// The auth section: a bootstrap administrator and libsodium's cheapest
// argon2id cost, so registering and logging in take milliseconds.
inline std::string auth_yaml() {
    return std::string("auth:\n  jwt_secret: \"") + kJwtSecret +
           "\"\n  password:\n    ops_limit: 1\n    mem_limit: 8MiB\n"
           "  bootstrap_admin:\n    username: root\n    email: root@example.com\n    password: " +
           kAdminPassword + "\n";
}

struct User {
    std::int64_t id = 0;
    std::string username;
    std::string token;
};

// One row of the events table.
struct StoredEvent {
    std::int64_t id = 0;
    std::string type;
    std::string actor_type;
    nlohmann::json actor_id;
    nlohmann::json data;
};

inline std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// 422 validation_failed whose details name exactly `fields`, each with a message.
inline void expect_invalid_fields(const HttpResult& r, const std::set<std::string>& fields) {
    expect_error(r, 422, "validation_failed");
    std::set<std::string> named;
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.contains("error")) {
        return;  // expect_error has reported it
    }
    for (const auto& d : body["error"]["details"]) {
        named.insert(d.value("field", ""));
        EXPECT_FALSE(d.value("message", "").empty()) << r.body;
    }
    EXPECT_EQ(named, fields) << r.body;
}

inline std::string error_message(const HttpResult& r) {
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].value("message", "") : "";
}

inline std::string task_path(std::int64_t id) { return "/api/v1/tasks/" + std::to_string(id); }
inline std::string task_path(const nlohmann::json& task) { return task_path(task.at("id").get<std::int64_t>()); }

// The ids of a list body's items, in order.
inline std::vector<std::int64_t> item_ids(const nlohmann::json& body) {
    std::vector<std::int64_t> ids;
    if (body.is_object() && body.contains("items")) {
        for (const auto& item : body["items"]) {
            ids.push_back(item.at("id").get<std::int64_t>());
        }
    }
    return ids;
}
inline std::vector<std::int64_t> item_ids(const HttpResult& r) {
    return item_ids(nlohmann::json::parse(r.body, nullptr, false));
}

inline std::int64_t id_of(const nlohmann::json& task) { return task.at("id").get<std::int64_t>(); }

class TasksFixture : public ::testing::TestWithParam<sdk::Dialect> {
protected:
    void SetUp() override {
        db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
        start_server();
    }
    void start_server() {
        std::string dir = plugin_dir();
        std::string enabled = "auth, tasks";
        if (!extra_plugins().empty()) {
            // A directory of links: the core plugins next to test-only ones.
            const auto links = dir_.path() / "plugins";
            std::filesystem::create_directories(links);
            for (const auto& name : extra_plugins()) {
                enabled += ", " + name;
            }
            for (const std::string name : {"auth", "tasks"}) {
                link_plugin(links, name);
            }
            for (const auto& name : extra_plugins()) {
                link_plugin(links, name);
            }
            dir = links.string();
        }
        server_ = std::make_unique<TestServer>(write_config(dir_, db_->url(), dir, enabled, auth_yaml() + extra_yaml()));
    }
    void TearDown() override {
        server_.reset();
        db_.reset();
    }
    // Stops the server and starts it again on an empty database.
    void restart_on_fresh_database() {
        server_.reset();
        db_.reset();
        std::filesystem::remove_all(dir_.path() / "data");
        db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
        admin_ = {};
        start_server();
    }

    // More YAML for the config (a top-level section replaces the default one).
    virtual std::string extra_yaml() { return ""; }
    // Plugins loaded after auth and tasks: core ones or test-only ones (probe).
    virtual std::vector<std::string> extra_plugins() { return {}; }

    std::uint16_t port() const { return server_->port(); }

    static void link_plugin(const std::filesystem::path& links, const std::string& name) {
        const auto file = name + ".so";
        const auto core = std::filesystem::path(plugin_dir()) / file;
        const auto target = std::filesystem::exists(core) ? core : std::filesystem::path(test_plugin_dir()) / file;
        if (!std::filesystem::exists(links / file)) {
            std::filesystem::create_symlink(target, links / file);
        }
    }

    HttpResult call(const User& user, const std::string& method, const std::string& target,
                    const nlohmann::json& body = nullptr, std::map<std::string, std::string> headers = {}) {
        if (!user.token.empty()) {
            headers["Authorization"] = "Bearer " + user.token;
        }
        return http(port(), method, target, body.is_null() ? "" : body.dump(), headers);
    }
    HttpResult get(const User& user, const std::string& target) { return call(user, "GET", target); }
    HttpResult post(const User& user, const std::string& target, const nlohmann::json& body = nullptr) {
        return call(user, "POST", target, body);
    }
    HttpResult patch(const User& user, const std::string& target, const nlohmann::json& body,
                     std::map<std::string, std::string> headers = {}) {
        return call(user, "PATCH", target, body, std::move(headers));
    }
    HttpResult put(const User& user, const std::string& target, const nlohmann::json& body) {
        return call(user, "PUT", target, body);
    }
    HttpResult del(const User& user, const std::string& target) { return call(user, "DELETE", target); }

    // Logged in; the id is left 0.
    User login_token(const std::string& username, const std::string& password) {
        const auto r = http(port(), "POST", "/api/v1/auth/login",
                            nlohmann::json{{"username", username}, {"password", password}}.dump());
        EXPECT_EQ(r.status, 200) << r.body;
        return {0, username, nlohmann::json::parse(r.body, nullptr, false).value("access_token", "")};
    }
    User login(const std::string& username, const std::string& password) {
        auto user = login_token(username, password);
        const auto me = get(user, "/api/v1/auth/me");
        EXPECT_EQ(me.status, 200) << me.body;
        user.id = nlohmann::json::parse(me.body, nullptr, false).value("id", std::int64_t{0});
        return user;
    }
    // The bootstrap administrator, logged in on first use.
    const User& admin() {
        if (admin_.token.empty()) {
            admin_ = login("root", kAdminPassword);
        }
        return admin_;
    }
    // A new member, logged in.
    User member(const std::string& username) {
        const auto r = http(port(), "POST", "/api/v1/auth/register",
                            nlohmann::json{{"email", username + "@example.com"},
                                           {"username", username},
                                           {"password", kPassword}}
                                .dump());
        EXPECT_EQ(r.status, 201) << r.body;
        auto user = login_token(username, kPassword);
        user.id = nlohmann::json::parse(r.body, nullptr, false).value("id", std::int64_t{0});
        return user;
    }

    // POST /api/v1/tasks that must succeed; the created task.
    nlohmann::json create(const User& user, const nlohmann::json& body) {
        const auto r = post(user, "/api/v1/tasks", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    nlohmann::json create_titled(const User& user, const std::string& title) {
        return create(user, nlohmann::json{{"title", title}});
    }
    // GET /api/v1/tasks/{id} that must succeed; the task.
    nlohmann::json fetch(const User& user, std::int64_t id) {
        const auto r = get(user, task_path(id));
        EXPECT_EQ(r.status, 200) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    // A list endpoint that must succeed; its body.
    nlohmann::json list(const User& user, const std::string& target) {
        const auto r = get(user, target);
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    std::vector<std::int64_t> list_ids(const User& user, const std::string& target) {
        const auto r = get(user, target);
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        return item_ids(r);
    }

    // A direct connection to the test's database, as an operator's psql/sqlite3 would open it.
    std::unique_ptr<soci::session> open_database() {
        const auto url = core::DatabaseUrl::parse(db_->url());
        if (url.dialect == sdk::Dialect::Sqlite) {
            return std::make_unique<soci::session>(soci::sqlite3, "db=" + url.sqlite_path + " timeout=10");
        }
        return std::make_unique<soci::session>(soci::postgresql, url.postgresql_conninfo);
    }

    // Events with an id above `after`, in id order, read from the outbox table.
    std::vector<StoredEvent> events_after(std::int64_t after) {
        auto sql = open_database();
        std::vector<StoredEvent> out;
        long long from = after;
        long long id = 0;
        std::string type, actor_type, actor_id, data;
        soci::statement st = (sql->prepare << "SELECT id, type, actor_type, actor_id, CAST(data AS TEXT) FROM events "
                                              "WHERE id > :after ORDER BY id",
                              soci::into(id), soci::into(type), soci::into(actor_type), soci::into(actor_id),
                              soci::into(data), soci::use(from));
        st.execute();
        while (st.fetch()) {
            out.push_back({id, type, actor_type, nlohmann::json::parse(actor_id, nullptr, false),
                           nlohmann::json::parse(data, nullptr, false)});
        }
        return out;
    }
    std::int64_t last_event_id() {
        auto sql = open_database();
        long long id = 0;
        soci::indicator ind = soci::i_null;
        *sql << "SELECT MAX(id) FROM events", soci::into(id, ind);
        return ind == soci::i_ok ? id : 0;
    }

    TempDir dir_;
    std::unique_ptr<TestDatabase> db_;
    std::unique_ptr<TestServer> server_;
    User admin_;
};

}  // namespace tasklane::test::tasks
