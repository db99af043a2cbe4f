// The WebSocket feeds (DESIGN.md section 6) through the running server with a
// real Beast client: who receives which task events, resume with since=, the
// protocol's control messages, refusals, caps, slow and abusive clients.
#include "../support/ws_client.hpp"
#include "tasks_fixture.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace tasklane::test::tasks {
namespace {

using namespace std::chrono_literals;

class WebSocketTest : public TasksFixture {
protected:
    std::vector<std::string> extra_plugins() override { return {"notifications", "probe"}; }
    std::string extra_yaml() override {
        return "realtime:\n  host: 127.0.0.1\n  port: 0\n  max_connections_per_user: 4\n  send_queue: 64\n"
               "  reauth_interval: 500ms\n";
    }

    std::uint16_t ws_port() const { return server_->realtime_port(); }

    // An open connection whose connection_established frame has been read.
    std::unique_ptr<WsClient> open(const User& user, const std::string& feed = "tasks", const std::string& query = "",
                                   WsOptions options = {}) {
        auto client = std::make_unique<WsClient>(
            ws_port(), "/ws/" + feed + "?token=" + user.token + (query.empty() ? "" : "&" + query), std::move(options));
        EXPECT_EQ(client->handshake_status(), 101) << client->refusal_body();
        if (client->handshake_status() == 101) {
            const auto hello = client->next_json();
            EXPECT_TRUE(hello.has_value());
            if (hello) {
                EXPECT_EQ((*hello)["type"], "connection_established") << *hello;
                EXPECT_EQ((*hello)["data"]["user_id"], user.id) << *hello;
                EXPECT_EQ((*hello)["data"]["feed"], feed) << *hello;
                EXPECT_TRUE((*hello)["data"]["timestamp"].is_string()) << *hello;
            }
        }
        return client;
    }

    // The next frame of `type`, which must concern task `task_id`.
    static nlohmann::json expect_event(WsClient& client, const std::string& type, std::int64_t task_id) {
        const auto frame = client.next_of_type(type);
        EXPECT_FALSE(frame.is_null()) << "no " << type << " for task " << task_id;
        if (!frame.is_null()) {
            EXPECT_EQ(frame["data"]["task"]["id"], task_id) << frame;
            EXPECT_GT(frame["event_id"].get<std::int64_t>(), 0) << frame;
            EXPECT_TRUE(frame["timestamp"].is_string()) << frame;
        }
        return frame;
    }

    // Event frames (those with an event_id) that arrive within `window`.
    static std::vector<nlohmann::json> events_within(WsClient& client, std::chrono::milliseconds window) {
        std::vector<nlohmann::json> events;
        for (auto& frame : client.collect(window)) {
            if (frame.contains("event_id")) {
                events.push_back(std::move(frame));
            }
        }
        return events;
    }

    std::int64_t metric(const std::string& name) {
        const auto text = http(port(), "GET", "/metrics").body;
        const auto at = text.find("\n" + name + " ");
        return at == std::string::npos ? -1 : std::stoll(text.substr(at + name.size() + 2));
    }
};

TEST_P(WebSocketTest, EveryTaskChangeReachesTheCreatorAndTheAssigneeAndNobodyElse) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto carol = member("carol");
    auto alice_ws = open(alice);
    auto alice_second_tab = open(alice);
    auto bob_ws = open(bob);
    auto carol_ws = open(carol);
    auto admin_ws = open(admin());

    const auto task = create(alice, {{"title", "Ship the feed"}, {"assignee_id", bob.id}});
    const auto id = id_of(task);
    for (auto* ws : {alice_ws.get(), alice_second_tab.get(), bob_ws.get(), admin_ws.get()}) {
        const auto created = expect_event(*ws, "task_created", id);
        EXPECT_EQ(created["data"]["task"]["title"], "Ship the feed");
        EXPECT_EQ(created["actor"]["type"], "user");
        EXPECT_EQ(created["actor"]["id"], alice.id);
    }

    ASSERT_EQ(patch(alice, task_path(id), {{"title", "Ship the feed today"}}).status, 200);
    for (auto* ws : {alice_ws.get(), bob_ws.get()}) {
        const auto updated = expect_event(*ws, "task_updated", id);
        EXPECT_EQ(updated["data"]["changes"]["title"][1], "Ship the feed today") << updated;
    }
    ASSERT_EQ(post(alice, task_path(id) + "/comments", {{"body", "on it?"}}).status, 201);
    for (auto* ws : {alice_ws.get(), bob_ws.get()}) {
        const auto comment = expect_event(*ws, "comment_created", id);
        EXPECT_EQ(comment["data"]["comment"]["body"], "on it?") << comment;
    }
    ASSERT_EQ(post(alice, task_path(id) + "/assign", {{"assignee_id", alice.id}}).status, 200);
    // Bob loses the task, and hears so once; after that he sees nothing of it.
    for (auto* ws : {alice_ws.get(), bob_ws.get()}) {
        const auto assigned = expect_event(*ws, "task_assigned", id);
        EXPECT_EQ(assigned["data"]["task"]["assignee_id"], alice.id) << assigned;
    }
    ASSERT_EQ(post(alice, task_path(id) + "/assign", {{"assignee_id", bob.id}}).status, 200);
    expect_event(*alice_ws, "task_assigned", id);
    expect_event(*bob_ws, "task_assigned", id);
    ASSERT_EQ(post(bob, task_path(id) + "/complete").status, 200);
    for (auto* ws : {alice_ws.get(), bob_ws.get()}) {
        const auto completed = expect_event(*ws, "task_completed", id);
        EXPECT_EQ(completed["actor"]["id"], bob.id) << completed;
    }
    ASSERT_EQ(del(alice, task_path(id)).status, 204);
    for (auto* ws : {alice_ws.get(), bob_ws.get(), admin_ws.get()}) {
        expect_event(*ws, "task_deleted", id);
    }

    EXPECT_TRUE(events_within(*carol_ws, 300ms).empty()) << "an unrelated user saw a task event";
    EXPECT_TRUE(carol_ws->is_open());
}

TEST_P(WebSocketTest, AReassignedTaskStopsReachingItsFormerAssignee) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto dave = member("dave");
    const auto id = id_of(create(alice, {{"title", "Hand over"}, {"assignee_id", bob.id}}));
    auto bob_ws = open(bob);
    ASSERT_EQ(post(alice, task_path(id) + "/assign", {{"assignee_id", dave.id}}).status, 200);
    expect_event(*bob_ws, "task_assigned", id);
    ASSERT_EQ(patch(alice, task_path(id), {{"title", "Handed over"}}).status, 200);
    EXPECT_TRUE(events_within(*bob_ws, 300ms).empty());
}

TEST_P(WebSocketTest, AReconnectWithSinceGetsExactlyTheMissedEventsInOrderThenLiveOnes) {
    const auto alice = member("alice");
    const auto other = member("other");
    auto ws = open(alice);
    const auto first = create_titled(alice, "before the drop");
    const auto seen = expect_event(*ws, "task_created", id_of(first))["event_id"].get<std::int64_t>();
    ws->close();

    // Five changes alice may see while she is away, and some she may not.
    const auto a = id_of(create_titled(alice, "missed one"));
    create_titled(other, "not alice's");
    ASSERT_EQ(patch(alice, task_path(a), {{"title", "missed two"}}).status, 200);
    ASSERT_EQ(post(alice, task_path(a) + "/comments", {{"body", "missed three"}}).status, 201);
    ASSERT_EQ(post(alice, task_path(id_of(first)) + "/complete").status, 200);
    create_titled(other, "still not alice's");
    ASSERT_EQ(del(alice, task_path(a)).status, 204);

    auto back = open(alice, "tasks", "since=" + std::to_string(seen));
    std::vector<nlohmann::json> replayed;
    for (int i = 0; i < 5; ++i) {
        auto frame = back->next_json();
        ASSERT_TRUE(frame.has_value()) << "only " << i << " of 5 replayed";
        replayed.push_back(*frame);
    }
    std::vector<std::string> types;
    for (const auto& f : replayed) {
        types.push_back(f["type"]);
    }
    EXPECT_EQ(types, (std::vector<std::string>{"task_created", "task_updated", "comment_created", "task_completed",
                                               "task_deleted"}));
    EXPECT_TRUE(std::is_sorted(replayed.begin(), replayed.end(),
                               [](const auto& l, const auto& r) { return l["event_id"] < r["event_id"]; }));
    EXPECT_GT(replayed.front()["event_id"].get<std::int64_t>(), seen);
    EXPECT_EQ(replayed[0]["data"]["task"]["title"], "missed one");

    const auto live = id_of(create_titled(alice, "live again"));
    const auto next = back->next_json();
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ((*next)["type"], "task_created");
    EXPECT_EQ((*next)["data"]["task"]["id"], live) << "a duplicate or a gap after the replay";
    EXPECT_TRUE(events_within(*back, 300ms).empty());
}

TEST_P(WebSocketTest, ResumeUnderConcurrentWritesNeitherLosesNorRepeatsAnEvent) {
    const auto alice = member("alice");
    const auto seed = id_of(create_titled(alice, "seed"));
    std::atomic<bool> writing{true};
    std::thread writer([&] {
        for (int i = 0; i < 40 && writing; ++i) {
            patch(alice, task_path(seed), {{"title", "rev " + std::to_string(i)}});
        }
    });
    std::this_thread::sleep_for(50ms);
    auto ws = open(alice, "tasks", "since=0");
    writer.join();
    const auto expected = events_after(0);
    std::vector<std::int64_t> want;
    for (const auto& e : expected) {
        if (e.type.rfind("task.", 0) == 0) {
            want.push_back(e.id);
        }
    }
    std::vector<std::int64_t> got;
    while (got.size() < want.size()) {
        const auto frame = ws->next_json(5s);
        if (!frame) {
            break;
        }
        if (frame->contains("event_id")) {
            got.push_back((*frame)["event_id"].get<std::int64_t>());
        }
    }
    EXPECT_EQ(got, want);
}

TEST_P(WebSocketTest, ControlMessagesFollowTheProtocolAndErrorsKeepTheConnectionOpen) {
    const auto alice = member("alice");
    auto ws = open(alice);
    ws->send_text("ping");
    EXPECT_EQ(ws->next(), "pong");
    ws->send_json({{"type", "ping"}});
    EXPECT_EQ(ws->next_json(), (nlohmann::json{{"type", "pong"}}));

    ws->send_text("{not json");
    auto error = ws->next_json();
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ((*error)["type"], "error");
    EXPECT_FALSE((*error)["data"]["message"].get<std::string>().empty());

    ws->send_json({{"type", "teleport"}});
    error = ws->next_json();
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ((*error)["type"], "error");
    EXPECT_NE((*error)["data"]["message"].get<std::string>().find("teleport"), std::string::npos) << *error;

    ws->send_json({{"type", "subscribe"}, {"task_ids", {"x"}}});
    EXPECT_EQ(ws->next_json().value_or(nullptr)["type"], "error");
    ws->send_json(nlohmann::json::array({1, 2}));
    EXPECT_EQ(ws->next_json().value_or(nullptr)["type"], "error");

    // Still open and still fed.
    const auto id = id_of(create_titled(alice, "after the errors"));
    expect_event(*ws, "task_created", id);
}

TEST_P(WebSocketTest, SubscribeNarrowsTheFeedAndUnsubscribeWidensItAgain) {
    const auto alice = member("alice");
    const auto a = id_of(create_titled(alice, "watched"));
    const auto b = id_of(create_titled(alice, "not watched"));
    auto ws = open(alice);
    ws->send_json({{"type", "subscribe"}, {"task_ids", {a}}});
    // (The two task_created events may still be on their way; they come before the answer.)
    const auto subscribed = ws->next_of_type("subscribed");
    EXPECT_EQ(subscribed, (nlohmann::json{{"type", "subscribed"}, {"data", {{"task_ids", {a}}}}}));

    ASSERT_EQ(patch(alice, task_path(b), {{"title", "b1"}}).status, 200);
    ASSERT_EQ(patch(alice, task_path(a), {{"title", "a1"}}).status, 200);
    const auto first = ws->next_of_type("task_updated");
    EXPECT_EQ(first["data"]["task"]["id"], a) << "the unsubscribed task came through: " << first;

    ws->send_json({{"type", "unsubscribe"}, {"task_ids", {a}}});
    EXPECT_FALSE(ws->next_of_type("unsubscribed").is_null());
    ASSERT_EQ(patch(alice, task_path(b), {{"title", "b2"}}).status, 200);
    expect_event(*ws, "task_updated", b);
}

TEST_P(WebSocketTest, UpgradesWithoutAValidTokenAreRefusedWithTheErrorBody) {
    const auto alice = member("alice");
    const auto refused = [&](const std::string& target, int status, WsOptions options = {}) {
        WsClient ws(ws_port(), target, std::move(options));
        EXPECT_EQ(ws.handshake_status(), status) << target;
        const auto body = nlohmann::json::parse(ws.refusal_body(), nullptr, false);
        EXPECT_TRUE(body.is_object() && body.contains("error")) << target << ": " << ws.refusal_body();
        EXPECT_FALSE(ws.is_open());
    };
    refused("/ws/tasks", 401);
    refused("/ws/tasks?token=not-a-jwt", 401);
    refused("/ws/tasks?token=" + alice.token.substr(0, alice.token.size() - 3) + "abc", 401);
    refused("/ws/nothing?token=" + alice.token, 404);
    refused("/ws/tasks?token=" + alice.token + "&since=-4", 400);
    refused("/ws/tasks?token=" + alice.token, 403, {.headers = {{"Origin", "https://evil.example"}}});

    // A logged-out token no longer opens a feed.
    const auto bob = member("bob");
    ASSERT_EQ(post(bob, "/api/v1/auth/logout").status, 204);
    refused("/ws/tasks?token=" + bob.token, 401);

    // The same host from the web app's port, and the bearer sub-protocol browsers use.
    WsClient same_host(ws_port(), "/ws/tasks?token=" + alice.token,
                       {.headers = {{"Origin", "http://127.0.0.1:" + std::to_string(port())}}});
    EXPECT_EQ(same_host.handshake_status(), 101) << same_host.refusal_body();
    WsClient protocol(ws_port(), "/ws/tasks", {.headers = {{"Sec-WebSocket-Protocol", "bearer, " + alice.token}}});
    EXPECT_EQ(protocol.handshake_status(), 101) << protocol.refusal_body();
    EXPECT_EQ(protocol.accepted_protocol(), "bearer");

    // Plain HTTP on the realtime port.
    const auto plain = http(ws_port(), "GET", "/ws/tasks");
    EXPECT_EQ(plain.status, 426) << plain.body;
}

TEST_P(WebSocketTest, ARevokedTokenClosesItsOpenConnectionWith1008AndAFreshTokenKeepsItOpen) {
    const auto alice = member("alice");
    auto kept = open(alice);
    auto revoked = open(alice);
    // A fresh token over the open connection, as a client does before expiry.
    const auto fresh = login_token("alice", kPassword);
    kept->send_json({{"type", "auth"}, {"token", fresh.token}});
    const auto ok = kept->next_json();
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ((*ok)["type"], "authenticated") << *ok;

    ASSERT_EQ(post(alice, "/api/v1/auth/logout").status, 204);  // revokes alice's first token
    EXPECT_EQ(revoked->wait_closed(10s), 1008);
    const auto id = id_of(create_titled(fresh, "still here"));
    expect_event(*kept, "task_created", id);
}

TEST_P(WebSocketTest, ConnectionsPerUserAreCapped) {
    const auto alice = member("alice");
    std::vector<std::unique_ptr<WsClient>> open_ones;
    for (int i = 0; i < 4; ++i) {
        open_ones.push_back(open(alice));
    }
    WsClient fifth(ws_port(), "/ws/tasks?token=" + alice.token);
    EXPECT_EQ(fifth.handshake_status(), 429) << fifth.refusal_body();
    open_ones.pop_back();
    EXPECT_TRUE(eventually([&] {
        WsClient again(ws_port(), "/ws/tasks?token=" + alice.token);
        return again.handshake_status() == 101;
    }));
}

TEST_P(WebSocketTest, AnOversizedFrameClosesOnlyThatConnection) {
    const auto alice = member("alice");
    auto abuser = open(alice);
    auto bystander = open(alice);
    abuser->send_text(std::string(1 << 20, 'a'));
    // The server answers with close 1009 and drops the connection; the client,
    // still writing its frame, may see the reset before it reads that frame.
    const auto code = abuser->wait_closed();
    ASSERT_TRUE(code.has_value()) << "still open after a 1 MiB frame";
    EXPECT_TRUE(*code == 1009 || *code == 0) << *code;
    const auto id = id_of(create_titled(alice, "after the big frame"));
    expect_event(*bystander, "task_created", id);
}

TEST_P(WebSocketTest, AClientThatStopsReadingIsClosedWith1013WhileOthersKeepReceiving) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    WsClient slow(ws_port(), "/ws/tasks?token=" + alice.token, {.read = false, .receive_buffer = 4096});
    ASSERT_EQ(slow.handshake_status(), 101);
    auto fine = open(bob);
    // About 40 MiB for alice: more than the socket buffers and her send queue of 64 frames hold.
    ASSERT_EQ(http(port(), "POST", "/api/v1/probe/push",
                   nlohmann::json{{"user_id", alice.id}, {"channel", "tasks"}, {"count", 400}, {"bytes", 100000}}.dump())
                  .status,
              204);
    EXPECT_TRUE(eventually([&] { return metric("websocket_send_queue_overflows_total") >= 1; }));
    const auto id = id_of(create_titled(bob, "bob carries on"));
    expect_event(*fine, "task_created", id);

    slow.start_reading();
    EXPECT_EQ(slow.wait_closed(20s), 1013);
}

TEST_P(WebSocketTest, NotificationsReachOnlyTheirUserLiveAndAfterAReconnect) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    auto bob_feed = open(bob, "notifications");
    auto alice_feed = open(alice, "notifications");
    const auto id = id_of(create(alice, {{"title", "For bob"}, {"assignee_id", bob.id}}));
    const auto pushed = bob_feed->next_of_type("notification");
    ASSERT_FALSE(pushed.is_null());
    EXPECT_EQ(pushed["data"]["type"], "task.assigned") << pushed;
    EXPECT_EQ(pushed["data"]["data"].value("task_id", std::int64_t{0}), id) << pushed;
    const auto items = list(bob, "/api/v1/notifications")["items"];
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(pushed["data"], items[0]);
    EXPECT_TRUE(events_within(*alice_feed, 300ms).empty());

    // Missed while away: replayed after since=.
    const auto seen = pushed["event_id"].get<std::int64_t>();
    bob_feed->close();
    create(alice, {{"title", "Also for bob"}, {"assignee_id", bob.id}});
    auto back = open(bob, "notifications", "since=" + std::to_string(seen));
    const auto replayed = back->next_of_type("notification");
    ASSERT_FALSE(replayed.is_null());
    EXPECT_GT(replayed["event_id"].get<std::int64_t>(), seen);
    EXPECT_NE(replayed["data"].value("title", "").find("Also for bob"), std::string::npos) << replayed;
}

TEST_P(WebSocketTest, HealthAndMetricsCountTheConnections) {
    const auto alice = member("alice");
    auto a = open(alice);
    auto b = open(alice, "notifications");
    const auto ready = http(port(), "GET", "/health/ready").json();
    EXPECT_EQ(ready["components"]["websocket"]["connections"]["tasks"], 1) << ready;
    EXPECT_EQ(ready["components"]["websocket"]["connections"]["notifications"], 1) << ready;
    EXPECT_GE(metric("websocket_connections_accepted_total"), 2);
    EXPECT_GE(metric("websocket_messages_sent_total"), 2);
    const auto meta = http(port(), "GET", "/api/v1/meta").json();
    EXPECT_EQ(meta["realtime"]["port"], ws_port());
    EXPECT_EQ(meta["realtime"]["feeds"], (nlohmann::json{"tasks", "notifications"}));
}

INSTANTIATE_TEST_SUITE_P(Dialects, WebSocketTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return info.param == sdk::Dialect::Sqlite ? "Sqlite" : "Postgresql"; });

// Acceptance 4: 1,000 authenticated connections at once all receive one event.
class WebSocketScaleTest : public TasksFixture {
protected:
    std::string extra_yaml() override {
        return "realtime:\n  host: 127.0.0.1\n  port: 0\n  max_connections_per_user: 1000\n";
    }
};

TEST_P(WebSocketScaleTest, AThousandConnectionsAllReceiveABroadcastEvent) {
    // Two descriptors per connection in this process (client and server side).
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 8192);
    setrlimit(RLIMIT_NOFILE, &limit);
    ASSERT_GE(limit.rlim_cur, 2200u) << "the hard limit on open files is too low for this test";

    const auto& root = admin();  // sees every task
    auto io = std::make_shared<WsIo>();
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < 1000; ++i) {
        clients.push_back(std::make_unique<WsClient>(server_->realtime_port(), "/ws/tasks?token=" + root.token,
                                                     WsOptions{.io = io}));
        ASSERT_EQ(clients.back()->handshake_status(), 101) << "connection " << i << ": " << clients.back()->refusal_body();
    }
    const auto id = id_of(create_titled(member("announcer"), "to everyone"));
    int received = 0;
    for (auto& c : clients) {
        const auto frame = c->next_of_type("task_created", 30s);
        received += !frame.is_null() && frame["data"]["task"]["id"] == id;
    }
    EXPECT_EQ(received, 1000);
    clients.clear();
}

INSTANTIATE_TEST_SUITE_P(Sqlite, WebSocketScaleTest, ::testing::Values(sdk::Dialect::Sqlite),
                         [](const auto&) { return "Sqlite"; });

}  // namespace
}  // namespace tasklane::test::tasks
