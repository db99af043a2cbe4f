// The integrations plugin end to end on both dialects: a real server with
// auth, tasks, integrations and the probe plugin, and a real HTTP receiver
// on 127.0.0.1 (allowlisted). Webhook CRUD and its validation, signed
// deliveries the test verifies itself, retries with growing delays on 5xx,
// no retry on 4xx, redelivery with the same delivery id, the SSRF guard at
// creation and at delivery, named targets through the probe's
// WebhookTargets route, and signed inbound task creation.
#include "../../core/src/db/database_url.hpp"
#include "../support/api_assertions.hpp"
#include "../support/http_client.hpp"
#include "../support/test_env.hpp"
#include "tasks_fixture.hpp"
#include "webhook_receiver.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace tasklane::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kJobsYaml = "jobs:\n  poll_interval: 50ms\n  backoff_base: 200ms\n  lease: 2s\n";
constexpr const char* kSecret = "webhook-secret-0123456789";
constexpr const char* kTargetSecret = "target-secret-0123456789";

// Computed here with libsodium directly, not with the plugin's code: the test
// checks the signature the way a receiver would.
std::string hmac_hex(const std::string& key, const std::string& message) {
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    crypto_auth_hmacsha256_final(&state, mac);
    char hex[sizeof mac * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    return hex;
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t ms_between(const ReceivedRequest& a, const ReceivedRequest& b) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(b.at - a.at).count();
}

// The server with every plugin the integrations need, from a directory of
// links to the built plugins, on a fresh database of the test's dialect.
class IntegrationsTest : public ::testing::TestWithParam<sdk::Dialect> {
protected:
    void SetUp() override {
        ASSERT_GE(sodium_init(), 0);
        receiver_ = std::make_unique<WebhookReceiver>(script());
        db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
        const auto plugins = dir_.path() / "plugins";
        std::filesystem::create_directories(plugins);
        for (const char* name : {"auth.so", "tasks.so", "integrations.so"}) {
            std::filesystem::create_symlink(std::filesystem::path(plugin_dir()) / name, plugins / name);
        }
        std::filesystem::create_symlink(std::filesystem::path(test_plugin_dir()) / "probe.so", plugins / "probe.so");
        const std::string integrations = "integrations:\n  allowlist: [" + allowlist() +
                                         "]\n  timeout: 3s\n  connect_timeout: 1s\n  max_attempts: 4\n"
                                         "  targets:\n    ops-hook:\n      url: \"" +
                                         receiver_->url("/target") + "\"\n      secret: \"" + kTargetSecret + "\"\n";
        server_ = std::make_unique<TestServer>(write_config(dir_, db_->url(), plugins.string(),
                                                            "auth, tasks, integrations, probe",
                                                            tasks::auth_yaml() + kJobsYaml + integrations));
    }
    void TearDown() override {
        server_.reset();
        db_.reset();
        receiver_.reset();
    }

    // What the receiver answers, in order (then 200).
    virtual std::vector<int> script() { return {}; }
    virtual std::string allowlist() { return "\"127.0.0.1\""; }

    std::uint16_t port() const { return server_->port(); }

    HttpResult call(const std::string& token, const std::string& method, const std::string& target,
                    const json& body = nullptr) {
        std::map<std::string, std::string> headers;
        if (!token.empty()) {
            headers["Authorization"] = "Bearer " + token;
        }
        if (!body.is_null()) {
            headers["Content-Type"] = "application/json";
        }
        return http(port(), method, target, body.is_null() ? "" : body.dump(), headers);
    }
    std::string login(const std::string& username, const std::string& password) {
        const auto r = http(port(), "POST", "/api/v1/auth/login",
                            json{{"username", username}, {"password", password}}.dump());
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body, nullptr, false).value("access_token", "");
    }
    const std::string& admin() {
        if (admin_.empty()) {
            admin_ = login("root", tasks::kAdminPassword);
        }
        return admin_;
    }
    std::string member(const std::string& username) {
        const auto r = http(port(), "POST", "/api/v1/auth/register",
                            json{{"email", username + "@example.com"}, {"username", username},
                                 {"password", tasks::kPassword}}
                                .dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return login(username, tasks::kPassword);
    }

    // POST /api/v1/webhooks that must succeed.
    json create_webhook(const json& body) {
        const auto r = call(admin(), "POST", "/api/v1/webhooks", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return json::parse(r.body, nullptr, false);
    }
    json subscribe(const std::vector<std::string>& events, const std::string& url = "") {
        return create_webhook({{"url", url.empty() ? receiver_->url() : url}, {"events", events}, {"secret", kSecret}});
    }
    json create_task(const std::string& title) {
        const auto r = call(admin(), "POST", "/api/v1/tasks", json{{"title", title}});
        EXPECT_EQ(r.status, 201) << r.body;
        return json::parse(r.body, nullptr, false);
    }
    json deliveries(std::int64_t webhook_id) {
        const auto r = call(admin(), "GET", "/api/v1/webhooks/" + std::to_string(webhook_id) + "/deliveries");
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body, nullptr, false);
    }
    // Polls the delivery log until its newest delivery has `status`; that delivery.
    json wait_for_delivery_status(std::int64_t webhook_id, const std::string& status) {
        json found;
        const bool ok = eventually([&] {
            const auto list = deliveries(webhook_id);
            if (list.contains("items") && !list["items"].empty() && list["items"][0].value("status", "") == status) {
                found = list["items"][0];
                return true;
            }
            return false;
        });
        EXPECT_TRUE(ok) << "no delivery reached " << status << ": " << deliveries(webhook_id).dump();
        return found;
    }

    TempDir dir_;
    std::unique_ptr<WebhookReceiver> receiver_;
    std::unique_ptr<TestDatabase> db_;
    std::unique_ptr<TestServer> server_;
    std::string admin_;
};

TEST_P(IntegrationsTest, WebhookCrudIsAdminOnlyValidatedAndNeverShowsTheSecret) {
    const auto alice = member("alice");
    expect_error(call(alice, "GET", "/api/v1/webhooks"), 403, "forbidden");
    expect_error(call(alice, "POST", "/api/v1/webhooks", {{"url", receiver_->url()}, {"events", {"*"}}}), 403,
                 "forbidden");
    expect_error(call("", "GET", "/api/v1/webhooks"), 401, "unauthorized");

    // Bad fields: every one named, nothing created.
    const auto bad = call(admin(), "POST", "/api/v1/webhooks",
                          {{"url", "ftp://example.com/x"}, {"events", json::array()}, {"secret", "short"}});
    tasks::expect_invalid_fields(bad, {"url", "events", "secret"});
    for (const std::string url : {"/relative/path", "not a url", "http://10.0.0.1/hook", "http://169.254.169.254/x",
                                  "http://[::1]:8080/x", "http://user:pw@example.com/"}) {
        tasks::expect_invalid_fields(call(admin(), "POST", "/api/v1/webhooks", {{"url", url}, {"events", {"*"}}}),
                                     {"url"});
    }
    tasks::expect_invalid_fields(
        call(admin(), "POST", "/api/v1/webhooks", {{"url", receiver_->url()}, {"events", {"Task Created"}}}),
        {"events"});
    EXPECT_EQ(json::parse(call(admin(), "GET", "/api/v1/webhooks").body).value("total", -1), 0);

    // The secret is generated when omitted and returned once.
    const auto created = create_webhook({{"url", receiver_->url()}, {"events", {"task.created", "task.updated"}}});
    const std::string secret = created.value("secret", "");
    EXPECT_GE(secret.size(), 32u) << created.dump();
    EXPECT_TRUE(created.value("has_secret", false));
    EXPECT_TRUE(created.value("active", false));
    const auto id = created.value("id", std::int64_t{0});
    const auto path = "/api/v1/webhooks/" + std::to_string(id);

    const auto fetched = call(admin(), "GET", path);
    ASSERT_EQ(fetched.status, 200) << fetched.body;
    EXPECT_FALSE(fetched.json().contains("secret")) << fetched.body;
    EXPECT_EQ(fetched.body.find(secret), std::string::npos);
    EXPECT_TRUE(fetched.json().value("has_secret", false));
    const auto listed = call(admin(), "GET", "/api/v1/webhooks");
    EXPECT_EQ(listed.json().value("total", 0), 1) << listed.body;
    EXPECT_EQ(listed.body.find(secret), std::string::npos);

    // A bad change changes nothing; a good one applies.
    tasks::expect_invalid_fields(call(admin(), "PATCH", path, {{"url", "http://192.168.1.10/"}, {"active", false}}),
                                 {"url"});
    EXPECT_TRUE(call(admin(), "GET", path).json().value("active", false));
    const auto patched = call(admin(), "PATCH", path, {{"active", false}, {"events", {"*"}}});
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_FALSE(patched.json().value("active", true));
    EXPECT_EQ(patched.json()["events"], json::array({"*"}));
    EXPECT_FALSE(patched.json().contains("secret"));
    expect_error(call(alice, "DELETE", path), 403, "forbidden");

    EXPECT_EQ(call(admin(), "DELETE", path).status, 204);
    expect_error(call(admin(), "GET", path), 404, "not_found");
    expect_error(call(admin(), "DELETE", path), 404, "not_found");
}

TEST_P(IntegrationsTest, SubscribedEventIsDeliveredWithAVerifiableSignature) {
    const auto webhook = subscribe({"task.created"});
    const auto webhook_id = webhook.value("id", std::int64_t{0});
    const auto first = create_task("Ship the release");
    // Not subscribed: a task.updated between two task.created events.
    EXPECT_EQ(call(admin(), "PATCH", tasks::task_path(first), {{"description", "changed"}}).status, 200);
    create_task("Second");
    ASSERT_TRUE(receiver_->wait_for(2));
    EXPECT_TRUE(eventually([&] { return deliveries(webhook_id).value("total", 0) == 2; }))
        << deliveries(webhook_id).dump();

    const auto requests = receiver_->requests();
    std::set<std::string> titles;
    for (const auto& r : requests) {
        EXPECT_EQ(r.method, "POST");
        EXPECT_EQ(r.target, "/hook");
        EXPECT_EQ(r.header("content-type"), "application/json");
        EXPECT_EQ(r.header("user-agent"), "Tasklane-Webhooks/1");
        EXPECT_EQ(r.header("x-tasklane-event"), "task.created");
        EXPECT_EQ(r.header("x-tasklane-delivery").size(), 36u) << r.header("x-tasklane-delivery");
        const auto timestamp = r.header("x-tasklane-timestamp");
        ASSERT_FALSE(timestamp.empty());
        EXPECT_LE(std::abs(std::stoll(timestamp) - now_seconds()), 60);
        EXPECT_EQ(r.header("x-tasklane-signature"), "sha256=" + hmac_hex(kSecret, timestamp + "." + r.body));
        const auto body = json::parse(r.body, nullptr, false);
        ASSERT_TRUE(body.is_object()) << r.body;
        EXPECT_EQ(body.value("type", ""), "task.created");
        EXPECT_TRUE(body["id"].is_number_integer());
        EXPECT_EQ(body["actor"].value("type", ""), "user");
        titles.insert(body["data"]["task"].value("title", ""));
    }
    EXPECT_NE(requests[0].header("x-tasklane-delivery"), requests[1].header("x-tasklane-delivery"));
    EXPECT_EQ(titles, (std::set<std::string>{"Ship the release", "Second"}));

    const auto log = wait_for_delivery_status(webhook_id, "succeeded");
    ASSERT_EQ(log["attempts"].size(), 1u) << log.dump();
    EXPECT_EQ(log["attempts"][0].value("status_code", 0), 200);
    EXPECT_EQ(log.value("event_type", ""), "task.created");
}

class IntegrationsRetryTest : public IntegrationsTest {
protected:
    std::vector<int> script() override { return {500, 500, 200}; }
};

TEST_P(IntegrationsRetryTest, ServerErrorsAreRetriedWithGrowingDelaysUntilSuccess) {
    const auto webhook_id = subscribe({"task.created"}).value("id", std::int64_t{0});
    create_task("Flaky receiver");
    ASSERT_TRUE(receiver_->wait_for(3));
    const auto requests = receiver_->requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0].header("x-tasklane-delivery"), requests[1].header("x-tasklane-delivery"));
    EXPECT_EQ(requests[1].header("x-tasklane-delivery"), requests[2].header("x-tasklane-delivery"));
    // backoff_base 200ms: the first retry waits 100-200 ms, the second 200-400 ms.
    const auto gap1 = ms_between(requests[0], requests[1]);
    const auto gap2 = ms_between(requests[1], requests[2]);
    EXPECT_GE(gap1, 100);
    EXPECT_GE(gap2, 200);
    EXPECT_GT(gap2 + 60, gap1);

    const auto log = wait_for_delivery_status(webhook_id, "succeeded");
    EXPECT_EQ(deliveries(webhook_id).value("total", 0), 1);
    ASSERT_EQ(log["attempts"].size(), 3u) << log.dump();
    EXPECT_EQ(log["attempts"][0].value("status_code", 0), 500);
    EXPECT_EQ(log["attempts"][1].value("status_code", 0), 500);
    EXPECT_EQ(log["attempts"][2].value("status_code", 0), 200);
    EXPECT_EQ(log["attempts"][0].value("error", ""), "HTTP 500");
    EXPECT_TRUE(log["attempts"][2]["error"].is_null());
    for (const auto& a : log["attempts"]) {
        EXPECT_GE(a.value("duration_ms", -1), 0);
    }
}

class IntegrationsClientErrorTest : public IntegrationsTest {
protected:
    std::vector<int> script() override { return {400}; }
};

TEST_P(IntegrationsClientErrorTest, ClientErrorIsNotRetried) {
    const auto webhook_id = subscribe({"task.created"}).value("id", std::int64_t{0});
    create_task("Rejected");
    const auto log = wait_for_delivery_status(webhook_id, "failed");
    ASSERT_EQ(log["attempts"].size(), 1u) << log.dump();
    EXPECT_EQ(log["attempts"][0].value("status_code", 0), 400);
    // The job is dead at once: nothing can run it again.
    EXPECT_TRUE(eventually([&] {
        const auto jobs = call(admin(), "GET", "/api/v1/jobs?status=dead&kind=integrations.deliver");
        return jobs.status == 200 && jobs.json().value("total", 0) == 1;
    }));
    EXPECT_EQ(receiver_->requests().size(), 1u);
}

TEST_P(IntegrationsTest, RedeliveryKeepsTheDeliveryId) {
    const auto webhook_id = subscribe({"task.created"}).value("id", std::int64_t{0});
    create_task("Deliver me twice");
    ASSERT_TRUE(receiver_->wait_for(1));
    const auto first = wait_for_delivery_status(webhook_id, "succeeded");
    const std::string delivery_id = first.value("id", "");
    const auto base = "/api/v1/webhooks/" + std::to_string(webhook_id) + "/deliveries/";
    const auto r = call(admin(), "POST", base + delivery_id + "/redeliver");
    EXPECT_EQ(r.status, 202) << r.body;
    ASSERT_TRUE(receiver_->wait_for(2));
    const auto requests = receiver_->requests();
    EXPECT_EQ(requests[0].header("x-tasklane-delivery"), delivery_id);
    EXPECT_EQ(requests[1].header("x-tasklane-delivery"), delivery_id);
    EXPECT_EQ(requests[0].body, requests[1].body);
    EXPECT_TRUE(eventually([&] {
        const auto list = deliveries(webhook_id);
        return list.value("total", 0) == 1 && list["items"][0]["attempts"].size() == 2 &&
               list["items"][0].value("status", "") == "succeeded";
    })) << deliveries(webhook_id).dump();

    expect_error(call(admin(), "POST", base + "no-such-delivery/redeliver"), 404, "not_found");
    expect_error(call(member("bob"), "POST", base + delivery_id + "/redeliver"), 403, "forbidden");
}

TEST_P(IntegrationsTest, NamedTargetIsSignedWithItsOwnSecret) {
    const json payload = {{"text", "build failed"}, {"n", 3}};
    const auto r = http(port(), "POST", "/api/v1/probe/webhook", json{{"target", "ops-hook"}, {"payload", payload}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string delivery_id = r.json().value("delivery_id", "");
    ASSERT_TRUE(receiver_->wait_for(1));
    const auto got = receiver_->requests()[0];
    EXPECT_EQ(got.target, "/target");
    EXPECT_EQ(json::parse(got.body, nullptr, false), payload);
    EXPECT_EQ(got.header("x-tasklane-delivery"), delivery_id);
    EXPECT_EQ(got.header("x-tasklane-event"), "webhook.target");
    EXPECT_EQ(got.header("x-tasklane-signature"),
              "sha256=" + hmac_hex(kTargetSecret, got.header("x-tasklane-timestamp") + "." + got.body));

    const auto unknown =
        http(port(), "POST", "/api/v1/probe/webhook", json{{"target", "nope"}, {"payload", payload}}.dump());
    expect_error(unknown, 422, "validation_failed");
}

TEST_P(IntegrationsTest, SignedInboundRequestCreatesATaskAndEverythingElseIsTheSame401) {
    const auto alice = member("alice");
    expect_error(call(alice, "POST", "/api/v1/integrations/inbound-tokens", {{"name", "ci"}}), 403, "forbidden");
    const auto created = call(admin(), "POST", "/api/v1/integrations/inbound-tokens",
                              {{"name", "ci"}, {"defaults", {{"tags", {"inbound"}}, {"priority", "high"}}}});
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string token = created.json().value("token", "");
    const std::string secret = created.json().value("secret", "");
    ASSERT_FALSE(token.empty());
    ASSERT_FALSE(secret.empty());
    tasks::expect_invalid_fields(call(admin(), "POST", "/api/v1/integrations/inbound-tokens", {{"name", ""}}), {"name"});
    const auto listed = call(admin(), "GET", "/api/v1/integrations/inbound-tokens");
    ASSERT_EQ(listed.status, 200);
    EXPECT_EQ(listed.json().value("total", 0), 1);
    EXPECT_EQ(listed.body.find(token), std::string::npos);
    EXPECT_EQ(listed.body.find(secret), std::string::npos);

    auto send = [&](const std::string& path_token, const std::string& body, const std::string& key,
                    std::int64_t timestamp) {
        const auto ts = std::to_string(timestamp);
        return http(port(), "POST", "/api/v1/integrations/inbound/" + path_token, body,
                    {{"Content-Type", "application/json"},
                     {"X-Tasklane-Timestamp", ts},
                     {"X-Tasklane-Signature", "sha256=" + hmac_hex(key, ts + "." + body)}});
    };
    const std::string body = json{{"title", "From CI"}, {"description", "pipeline 42 failed"}}.dump();
    const auto ok = send(token, body, secret, now_seconds());
    ASSERT_EQ(ok.status, 201) << ok.body;
    const auto task = ok.json();
    EXPECT_EQ(task.value("title", ""), "From CI");
    EXPECT_EQ(task.value("priority", ""), "high");
    EXPECT_EQ(task["tags"], json::array({"inbound"}));
    const auto visible = call(admin(), "GET", tasks::task_path(task));
    EXPECT_EQ(visible.status, 200) << visible.body;
    EXPECT_EQ(task.value("creator_id", std::int64_t{0}), visible.json().value("creator_id", std::int64_t{-1}));
    // Attributed to the token, not to the admin who made it.
    const auto activity = call(admin(), "GET", tasks::task_path(task) + "/activity");
    ASSERT_EQ(activity.status, 200) << activity.body;
    const auto via = activity.json()["items"][0]["via"];
    EXPECT_EQ(via.value("type", ""), "system") << activity.body;
    EXPECT_EQ(via["id"], "inbound:ci") << activity.body;

    // Bad signature, unknown token, stale or missing timestamp: one answer.
    std::vector<HttpResult> refused = {
        send(token, body, "wrong-secret", now_seconds()),
        send("unknown-token-0000000000000000000000000000", body, secret, now_seconds()),
        send(token, body, secret, now_seconds() - 600),
        http(port(), "POST", "/api/v1/integrations/inbound/" + token, body, {{"Content-Type", "application/json"}}),
    };
    auto without_request_id = [](const HttpResult& r) {
        auto j = json::parse(r.body, nullptr, false);
        if (j.is_object() && j.contains("error")) {
            j["error"].erase("request_id");
        }
        return j;
    };
    for (const auto& r : refused) {
        expect_error(r, 401, "unauthorized");
        EXPECT_EQ(without_request_id(r), without_request_id(refused[0])) << r.body;
    }

    // Validation belongs to the tasks service.
    tasks::expect_invalid_fields(send(token, json{{"title", ""}}.dump(), secret, now_seconds()), {"title"});

    // A revoked token is just unknown.
    const auto id = created.json().value("id", std::int64_t{0});
    EXPECT_EQ(call(admin(), "DELETE", "/api/v1/integrations/inbound-tokens/" + std::to_string(id)).status, 204);
    expect_error(send(token, body, secret, now_seconds()), 401, "unauthorized");
}

// No allowlist: loopback is refused, by literal at creation and by name at delivery.
class IntegrationsGuardTest : public IntegrationsTest {
protected:
    std::string allowlist() override { return ""; }
};

TEST_P(IntegrationsGuardTest, RestrictedAddressesAreRefusedUnlessAllowlisted) {
    for (const std::string& url : std::vector<std::string>{"http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data",
                                                           receiver_->url(), "http://[::ffff:127.0.0.1]/x"}) {
        const auto r = call(admin(), "POST", "/api/v1/webhooks", {{"url", url}, {"events", {"*"}}});
        tasks::expect_invalid_fields(r, {"url"});
        EXPECT_NE(tasks::error_message(r).size(), 0u);
        EXPECT_NE(r.body.find("address not allowed"), std::string::npos) << r.body;
    }
    // A name is judged by what it resolves to, at delivery.
    const auto webhook_id = subscribe({"task.created"}, "http://localhost:" + std::to_string(receiver_->port()) + "/hook")
                                .value("id", std::int64_t{0});
    create_task("Must not leave");
    const auto log = wait_for_delivery_status(webhook_id, "failed");
    ASSERT_EQ(log["attempts"].size(), 1u) << log.dump();
    EXPECT_TRUE(log["attempts"][0]["status_code"].is_null());
    EXPECT_EQ(log["attempts"][0].value("error", "").rfind("address not allowed", 0), 0u) << log.dump();
    EXPECT_TRUE(receiver_->requests().empty());
}

// A bad allowlist entry or target stops the start with a message naming each.
TEST(IntegrationsConfig, BadAllowlistAndTargetsStopTheStartNamingEveryProblem) {
    TempDir dir;
    TestDatabase db(sdk::Dialect::Sqlite, dir);
    const auto plugins = dir.path() / "plugins";
    std::filesystem::create_directories(plugins);
    for (const char* name : {"auth.so", "tasks.so", "integrations.so"}) {
        std::filesystem::create_symlink(std::filesystem::path(plugin_dir()) / name, plugins / name);
    }
    const std::string yaml = tasks::auth_yaml() +
                             "integrations:\n  allowlist: [\"127.0.0.1\", \"10.0.0.1/8\", \"localhost\"]\n"
                             "  targets:\n    broken:\n      url: \"ftp://example.com/x\"\n";
    const auto config = write_config(dir, db.url(), plugins.string(), "auth, tasks, integrations", yaml);
    try {
        TestServer server(config);
        ADD_FAILURE() << "the server started with a bad integrations config";
    } catch (const std::exception& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("integrations.allowlist[1] '10.0.0.1/8'"), std::string::npos) << message;
        EXPECT_NE(message.find("did you mean 10.0.0.0/8"), std::string::npos) << message;
        EXPECT_NE(message.find("integrations.allowlist[2] 'localhost'"), std::string::npos) << message;
        EXPECT_NE(message.find("integrations.targets.broken.url"), std::string::npos) << message;
        EXPECT_NE(message.find("integrations.targets.broken.secret is required"), std::string::npos) << message;
    }
}

std::string name_of(const ::testing::TestParamInfo<sdk::Dialect>& info) { return dialect_name(info.param); }
const auto kDialects = ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql);
INSTANTIATE_TEST_SUITE_P(Dialects, IntegrationsTest, kDialects, name_of);
INSTANTIATE_TEST_SUITE_P(Dialects, IntegrationsRetryTest, kDialects, name_of);
INSTANTIATE_TEST_SUITE_P(Dialects, IntegrationsClientErrorTest, kDialects, name_of);
INSTANTIATE_TEST_SUITE_P(Dialects, IntegrationsGuardTest, kDialects, name_of);

}  // namespace
}  // namespace tasklane::test
