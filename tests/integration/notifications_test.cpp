// The notifications plugin end to end, on both dialects: the real server with
// the auth, tasks, notifications and probe plugins (linked into a temp plugin
// directory), a real SMTP server (tests/smtp/smtp_sink.py on aiosmtpd, owned
// by the test: started, killed to play "server down", started again) and the
// jobs admin API of the bootstrap administrator.
#include "../support/api_assertions.hpp"
#include "../support/http_client.hpp"
#include "../support/test_env.hpp"
#include "../support/ws_client.hpp"
#include "tasks_fixture.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tasklane::test {
namespace {

using namespace std::chrono_literals;
using tasks::task_path;
using tasks::User;

constexpr const char* kJobsYaml = "jobs:\n  poll_interval: 50ms\n  backoff_base: 200ms\n  lease: 2s\n";

// A port nobody listens on right now (the kernel's pick for port 0).
std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool accepts_connections(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

// tests/smtp/smtp_sink.py as a child process: one file per received message.
class SmtpSink {
public:
    SmtpSink(std::uint16_t port, std::string dir) : port_(port), dir_(std::move(dir)) {
        std::filesystem::create_directories(dir_);
    }
    ~SmtpSink() { kill_hard(); }

    // Recipients containing `reject_rcpt` get a permanent 550.
    void start(const std::string& reject_rcpt = "") {
        ASSERT_EQ(pid_, -1);
        const std::string script = std::string(TASKLANE_SOURCE_DIR) + "/tests/smtp/smtp_sink.py";
        const std::string port = std::to_string(port_);
        const std::string log = dir_ + ".log";
        pid_ = ::fork();
        if (pid_ == 0) {
            // Dies with the test process, and keeps off the test's stdout: an
            // orphan holding the pipe would keep `| tail` waiting forever.
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            ::dup2(fd, STDOUT_FILENO);
            ::dup2(fd, STDERR_FILENO);
            // Debian's python3 has aiosmtpd; a pyenv python3 on PATH may not.
            ::execl("/usr/bin/python3", "python3", script.c_str(), "--port", port.c_str(), "--dir", dir_.c_str(),
                    "--reject-rcpt", reject_rcpt.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ASSERT_TRUE(eventually([&] { return accepts_connections(port_); }, 15s)) << "smtp sink did not start";
    }
    // SIGKILL: the server is simply gone, as after a crash.
    void kill_hard() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }
    std::uint16_t port() const { return port_; }

    // Received messages, oldest first.
    std::vector<std::string> messages() const {
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
            if (entry.path().filename().string().front() != '.') {
                files.push_back(entry.path());
            }
        }
        std::sort(files.begin(), files.end());
        std::vector<std::string> out;
        for (const auto& f : files) {
            std::ifstream in(f, std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            out.push_back(ss.str());
        }
        return out;
    }

private:
    std::uint16_t port_;
    std::string dir_;
    pid_t pid_ = -1;
};

// The value of header `name` in a raw message ("" when absent).
std::string header_of(const std::string& message, const std::string& name) {
    std::istringstream lines(message);
    std::string line;
    while (std::getline(lines, line) && line != "\r" && !line.empty()) {
        if (line.size() > name.size() && line.compare(0, name.size() + 1, name + ":") == 0) {
            auto value = line.substr(name.size() + 1);
            value.erase(0, value.find_first_not_of(' '));
            if (!value.empty() && value.back() == '\r') {
                value.pop_back();
            }
            return value;
        }
    }
    return "";
}

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
        ++n;
    }
    return n;
}

class NotificationsTest : public tasks::TasksFixture {
protected:
    void SetUp() override {
        db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
        const auto plugins = dir_.path() / "plugins";
        std::filesystem::create_directories(plugins);
        for (const auto* name : {"auth.so", "tasks.so", "notifications.so", "attachments.so"}) {
            std::filesystem::create_symlink(std::filesystem::path(plugin_dir()) / name, plugins / name);
        }
        std::filesystem::create_symlink(std::filesystem::path(test_plugin_dir()) / "probe.so", plugins / "probe.so");
        sink_ = std::make_unique<SmtpSink>(free_port(), dir_.file("mail"));
        sink_->start();
        const std::string yaml = tasks::auth_yaml() + kJobsYaml +
                                 "notifications:\n  smtp:\n    host: 127.0.0.1\n    port: " +
                                 std::to_string(sink_->port()) +
                                 "\n    from: tasklane@example.com\n    timeout: 3s\n"
                                 "  reminders:\n    interval: 200ms\n    before: 1h\n"
                                 "attachments:\n  dir: " + dir_.file("attachments") + "\n";
        config_ = write_config(dir_, db_->url(), plugins.string(), "auth, tasks, notifications, attachments, probe",
                               yaml);
        server_ = std::make_unique<TestServer>(config_);
    }
    void TearDown() override {
        server_.reset();
        sink_.reset();
        db_.reset();
    }

    // `while_down` runs with the server stopped.
    void restart_server(const std::function<void()>& while_down = [] {}) {
        server_.reset();
        while_down();
        server_ = std::make_unique<TestServer>(config_);
        admin_ = {};
    }

    nlohmann::json notifications(const User& user, const std::string& query = "") {
        return list(user, "/api/v1/notifications" + query);
    }
    // The user's notifications of one type, newest first.
    std::vector<nlohmann::json> of_type(const User& user, const std::string& type) {
        std::vector<nlohmann::json> out;
        const auto body = notifications(user, "?per_page=100");  // a range-for would not keep it alive
        for (const auto& n : body["items"]) {
            if (n.value("type", "") == type) {
                out.push_back(n);
            }
        }
        return out;
    }
    std::vector<nlohmann::json> wait_for(const User& user, const std::string& type, std::size_t count) {
        std::vector<nlohmann::json> found;
        EXPECT_TRUE(eventually([&] {
            found = of_type(user, type);
            return found.size() >= count;
        })) << user.username << " has " << found.size() << " " << type << " notifications, wanted " << count;
        return found;
    }
    nlohmann::json email_jobs() { return list(admin(), "/api/v1/jobs?kind=notifications.email&per_page=100"); }
    // Waits until every email job is done; false if one is not by the deadline.
    bool email_jobs_done(std::size_t expected) {
        return eventually([&] {
            const auto body = email_jobs();
            if (body["items"].size() != expected) {
                return false;
            }
            for (const auto& job : body["items"]) {
                if (job.value("status", "") != "done") {
                    return false;
                }
            }
            return true;
        });
    }
    std::int64_t notify_via_probe(const nlohmann::json& body) {
        const auto r = http(port(), "POST", "/api/v1/probe/notify", body.dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false).value("id", std::int64_t{0});
    }
    void assign(const User& by, std::int64_t task_id, std::int64_t assignee) {
        const auto r = post(by, task_path(task_id) + "/assign", {{"assignee_id", assignee}});
        ASSERT_EQ(r.status, 200) << r.body;
    }

    std::string config_;
    std::unique_ptr<SmtpSink> sink_;
};

// Acceptance 1, first half.
TEST_P(NotificationsTest, AssigningATaskNotifiesTheAssigneeInAppAndByOneEmail) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create_titled(alice, "Quarterly report & <numbers>");
    assign(alice, tasks::id_of(task), bob.id);

    const auto found = wait_for(bob, "task.assigned", 1);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]["title"], "Assigned to you: Quarterly report & <numbers>");
    EXPECT_EQ(found[0]["data"]["task_id"], tasks::id_of(task));
    EXPECT_EQ(found[0]["read"], false);
    EXPECT_NE(found[0]["body"].get<std::string>().find("alice"), std::string::npos) << found[0].dump();

    ASSERT_TRUE(eventually([&] { return sink_->messages().size() >= 1; })) << "no mail arrived";
    ASSERT_TRUE(email_jobs_done(1)) << email_jobs().dump();
    const auto mails = sink_->messages();
    ASSERT_EQ(mails.size(), 1u);
    const auto& mail = mails[0];
    EXPECT_EQ(header_of(mail, "X-Sink-Rcpt-To"), "bob@example.com");
    EXPECT_EQ(header_of(mail, "X-Sink-Mail-From"), "tasklane@example.com");
    EXPECT_EQ(header_of(mail, "Subject"), "Assigned to you: Quarterly report & <numbers>");
    EXPECT_EQ(header_of(mail, "To"), "bob <bob@example.com>");
    EXPECT_EQ(header_of(mail, "Message-ID"),
              "<notification-" + std::to_string(found[0]["id"].get<std::int64_t>()) + "@example.com>");
    EXPECT_NE(header_of(mail, "Date").find(" +0000"), std::string::npos) << mail;
    EXPECT_NE(mail.find("multipart/alternative"), std::string::npos) << mail;
    EXPECT_NE(mail.find("text/plain; charset=utf-8"), std::string::npos) << mail;
    EXPECT_NE(mail.find("text/html; charset=utf-8"), std::string::npos) << mail;
    // The title in the plain part as is, in the HTML part escaped.
    EXPECT_GE(count_of(mail, "Quarterly report & <numbers>"), 2u) << mail;  // Subject and text/plain
    EXPECT_NE(mail.find("Quarterly report &amp; &lt;numbers&gt;"), std::string::npos) << mail;

    // The assigner gets nothing for her own action.
    EXPECT_EQ(notifications(alice)["total"], 0);
}

// Acceptance 1, second half.
TEST_P(NotificationsTest, AnAssignmentMailCarriesTheTasksImagesAsAttachments) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = tasks::id_of(create_titled(alice, "Fix the chart"));
    const auto upload = [&](const std::string& name, const std::string& type, const std::string& bytes) {
        const auto r = http(port(), "POST", task_path(task) + "/attachments?filename=" + name, bytes,
                            {{"Authorization", "Bearer " + alice.token}, {"Content-Type", type}});
        ASSERT_EQ(r.status, 201) << r.body;
    };
    upload("chart.png", "image/png", "\x89PNG fake image bytes for the mail test");
    upload("notes.txt", "text/plain", "not an image");
    assign(alice, task, bob.id);

    ASSERT_TRUE(eventually([&] { return sink_->messages().size() >= 1; })) << "no mail arrived";
    const auto mail = sink_->messages()[0];
    EXPECT_NE(mail.find("multipart/mixed"), std::string::npos) << mail;
    EXPECT_NE(mail.find("Content-Type: image/png"), std::string::npos) << mail;
    EXPECT_NE(mail.find("filename=\"chart.png\""), std::string::npos) << mail;
    EXPECT_NE(mail.find("iVBORyBmYWtlIGltYWdlIGJ5dGVzIGZvciB0aGUgbWFpbCB0ZXN0"), std::string::npos) << mail;
    EXPECT_EQ(mail.find("notes.txt"), std::string::npos) << "only images go with the mail";
}

TEST_P(NotificationsTest, WithTheSmtpServerDownTheEmailJobRetriesAndDeliversOnceItIsBack) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    sink_->kill_hard();
    const auto task = create_titled(alice, "Renew the certificates");
    assign(alice, tasks::id_of(task), bob.id);
    wait_for(bob, "task.assigned", 1);

    nlohmann::json job;
    ASSERT_TRUE(eventually([&] {
        const auto items = email_jobs()["items"];
        job = items.empty() ? nlohmann::json() : items[0];
        return job.is_object() && job.value("attempts", 0) >= 2 && job["last_error"].is_string();
    })) << job.dump();
    EXPECT_NE(job["status"], "dead") << job.dump();
    EXPECT_NE(job["last_error"].get<std::string>().find("SMTP"), std::string::npos) << job.dump();

    sink_->start();
    ASSERT_TRUE(email_jobs_done(1)) << email_jobs().dump();
    const auto mails = sink_->messages();
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_EQ(header_of(mails[0], "Subject"), "Assigned to you: Renew the certificates");
    // Done means done: no later run sends it again (another job would show here).
    assign(alice, tasks::id_of(create_titled(alice, "Marker")), bob.id);
    ASSERT_TRUE(email_jobs_done(2)) << email_jobs().dump();
    EXPECT_EQ(sink_->messages().size(), 2u);
    EXPECT_EQ(count_of(sink_->messages()[0] + sink_->messages()[1], "Subject: Assigned to you: Renew"), 1u);
}

TEST_P(NotificationsTest, ARecipientRefusedWith550IsNotRetried) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    sink_->kill_hard();
    sink_->start("bob@");
    assign(alice, tasks::id_of(create_titled(alice, "Unreachable")), bob.id);
    nlohmann::json job;
    ASSERT_TRUE(eventually([&] {
        const auto body = email_jobs();
        job = body["items"].empty() ? nlohmann::json() : body["items"][0];
        return job.is_object() && job.value("status", "") == "dead";
    })) << job.dump();
    EXPECT_EQ(job["attempts"], 1) << job.dump();
    EXPECT_NE(job["last_error"].get<std::string>().find("550"), std::string::npos) << job.dump();
    EXPECT_TRUE(sink_->messages().empty());
    EXPECT_EQ(of_type(bob, "task.assigned").size(), 1u);  // the in-app notification stands
}

TEST_P(NotificationsTest, EmailPreferenceOffKeepsTheNotificationInTheAppOnly) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto r = put(bob, "/api/v1/notifications/preferences", {{"email", {{"task.assigned", false}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    const auto task = tasks::id_of(create_titled(alice, "Quiet one"));
    assign(alice, task, bob.id);
    wait_for(bob, "task.assigned", 1);
    // Comment mails are on by default: the comment's job comes after the
    // assignment's would have, so once it is done the assignment had none.
    ASSERT_EQ(post(bob, task_path(task) + "/comments", {{"body", "looking"}}).status, 201);
    wait_for(alice, "comment.created", 1);
    ASSERT_TRUE(email_jobs_done(1)) << email_jobs().dump();
    ASSERT_EQ(sink_->messages().size(), 1u);
    EXPECT_EQ(header_of(sink_->messages()[0], "X-Sink-Rcpt-To"), "alice@example.com");
}

TEST_P(NotificationsTest, ListFiltersUnreadPaginatesAndReadMarksOnlyTheCallersOwn) {
    const auto bob = member("bob");
    const auto carol = member("carol");
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i) {
        ids.push_back(notify_via_probe({{"user_id", bob.id}, {"title", "Note " + std::to_string(i)}}));
    }
    auto body = notifications(bob);
    EXPECT_EQ(tasks::item_ids(body), (std::vector<std::int64_t>{ids[2], ids[1], ids[0]}));  // newest first
    EXPECT_EQ(body["total"], 3);
    EXPECT_EQ(body["page"], 1);
    EXPECT_EQ(body["per_page"], 20);
    EXPECT_EQ(body["unread_count"], 3);
    EXPECT_EQ(tasks::item_ids(notifications(bob, "?per_page=2&page=2")), (std::vector<std::int64_t>{ids[0]}));
    EXPECT_EQ(notifications(carol)["total"], 0);

    const auto read = "/api/v1/notifications/" + std::to_string(ids[1]) + "/read";
    // Someone else's notification is as absent as a missing one.
    expect_error(post(carol, read), 404, "not_found");
    expect_error(post(bob, "/api/v1/notifications/999999/read"), 404, "not_found");
    expect_error(post(bob, "/api/v1/notifications/abc/read"), 404, "not_found");
    EXPECT_EQ(notifications(bob)["unread_count"], 3);
    EXPECT_EQ(post(bob, read).status, 204);
    EXPECT_EQ(post(bob, read).status, 204);  // idempotent
    body = notifications(bob, "?unread=true");
    EXPECT_EQ(tasks::item_ids(body), (std::vector<std::int64_t>{ids[2], ids[0]}));
    EXPECT_EQ(body["total"], 2);
    const auto all = notifications(bob)["items"];
    EXPECT_EQ(all[1]["read"], true);
    EXPECT_TRUE(all[1]["read_at"].is_string());

    EXPECT_EQ(post(carol, "/api/v1/notifications/read-all").status, 204);
    EXPECT_EQ(notifications(bob)["unread_count"], 2);  // carol's read-all is carol's only
    EXPECT_EQ(post(bob, "/api/v1/notifications/read-all").status, 204);
    EXPECT_EQ(notifications(bob, "?unread=true")["total"], 0);
    EXPECT_EQ(notifications(bob)["total"], 3);

    expect_error(get(bob, "/api/v1/notifications?per_page=0"), 400, "bad_request");
    expect_error(get(bob, "/api/v1/notifications?per_page=101"), 400, "bad_request");
    expect_error(get(bob, "/api/v1/notifications?unread=maybe"), 400, "bad_request");
    expect_error(get(User{}, "/api/v1/notifications"), 401, "unauthorized");
    expect_error(post(User{}, "/api/v1/notifications/read-all"), 401, "unauthorized");
}

TEST_P(NotificationsTest, PreferencesHaveDocumentedDefaultsAndABadUpdateChangesNothing) {
    const auto bob = member("bob");
    const nlohmann::json defaults = {{"email",
                                      {{"task.assigned", true},
                                       {"task.completed", false},
                                       {"comment.created", true},
                                       {"task.due_soon", true},
                                       {"message", false}}}};
    const auto path = "/api/v1/notifications/preferences";
    EXPECT_EQ(list(bob, path), defaults);

    auto r = put(bob, path, {{"email", {{"task.completed", true}, {"comment.created", false}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto expected = defaults;
    expected["email"]["task.completed"] = true;
    expected["email"]["comment.created"] = false;
    EXPECT_EQ(r.json(), expected);
    EXPECT_EQ(list(bob, path), expected);

    // Every problem is reported, and the valid part is not applied either.
    tasks::expect_invalid_fields(
        put(bob, path, {{"email", {{"task.assigned", false}, {"task.completed", "no"}, {"nope", true}}}, {"sms", {}}}),
        {"email.task.completed", "email.nope", "sms"});
    tasks::expect_invalid_fields(put(bob, path, {{"email", true}}), {"email"});
    tasks::expect_invalid_fields(put(bob, path, nlohmann::json::array()), {""});
    expect_error(call(bob, "PUT", path, nullptr, {{"Content-Type", "application/json"}}), 400, "bad_request");
    EXPECT_EQ(list(bob, path), expected);
    // Preferences are per user.
    EXPECT_EQ(list(member("carol"), path), defaults);
}

TEST_P(NotificationsTest, TaskEventsNotifyEveryoneConcernedExceptWhoeverActed) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    // Created assigned to herself: nothing. Created assigned to bob: bob.
    create(alice, {{"title", "Mine"}, {"assignee_id", alice.id}});
    const auto task = create(alice, {{"title", "Shared"}, {"assignee_id", bob.id}});
    const auto id = tasks::id_of(task);
    wait_for(bob, "task.assigned", 1);

    ASSERT_EQ(post(bob, task_path(id) + "/comments", {{"body", "On it"}}).status, 201);
    const auto on_comment = wait_for(alice, "comment.created", 1);
    EXPECT_EQ(on_comment[0]["title"], "New comment on: Shared");
    EXPECT_NE(on_comment[0]["body"].get<std::string>().find("On it"), std::string::npos);
    ASSERT_EQ(post(admin(), task_path(id) + "/comments", {{"body", "Any news?"}}).status, 201);
    wait_for(alice, "comment.created", 2);
    wait_for(bob, "comment.created", 1);

    ASSERT_EQ(post(bob, task_path(id) + "/complete").status, 200);
    const auto done = wait_for(alice, "task.completed", 1);
    EXPECT_EQ(done[0]["title"], "Completed: Shared");
    // Alice completing her own task tells nobody.
    const auto own = create_titled(alice, "Solo");
    ASSERT_EQ(post(alice, task_path(own) + "/complete").status, 200);
    // A marker event after it: once bob has it, alice's completion was handled.
    assign(alice, tasks::id_of(create_titled(alice, "Marker")), bob.id);
    wait_for(bob, "task.assigned", 2);

    EXPECT_EQ(of_type(alice, "task.completed").size(), 1u);
    EXPECT_EQ(of_type(alice, "task.assigned").size(), 0u);
    EXPECT_EQ(of_type(alice, "comment.created").size(), 2u);
    EXPECT_EQ(of_type(bob, "comment.created").size(), 1u);  // not for his own comment
    EXPECT_EQ(of_type(bob, "task.completed").size(), 0u);
    EXPECT_EQ(notifications(admin())["total"], 0);
}

TEST_P(NotificationsTest, ARedeliveredEventCreatesNothingTwice) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    assign(alice, tasks::id_of(create_titled(alice, "Once only")), bob.id);
    wait_for(bob, "task.assigned", 1);
    ASSERT_TRUE(email_jobs_done(1));
    const auto before = notifications(bob);

    // Rewind the durable cursor, as a crash between handling and storing it
    // would leave it, and restart: every task event is delivered again.
    const auto last = last_event_id();
    restart_server([&] {
        auto sql = open_database();
        *sql << "UPDATE event_cursors SET last_event_id = 0 WHERE subscriber = 'notifications'";
    });
    ASSERT_TRUE(eventually([&] {
        auto sql = open_database();
        long long cursor = 0;
        *sql << "SELECT last_event_id FROM event_cursors WHERE subscriber = 'notifications'", soci::into(cursor);
        return cursor >= last;
    }));
    EXPECT_EQ(notifications(bob), before);
    EXPECT_EQ(email_jobs()["total"], 1);
    EXPECT_EQ(sink_->messages().size(), 1u);
}

TEST_P(NotificationsTest, NotifierServiceCreatesANotificationAndPushesItToTheLiveFeed) {
    const auto bob = member("bob");
    WsClient feed(server_->realtime_port(), "/ws/notifications?token=" + bob.token);
    ASSERT_EQ(feed.handshake_status(), 101) << feed.refusal_body();
    const auto id =
        notify_via_probe({{"user_id", bob.id}, {"title", "Deploy finished"}, {"body", "v2.1 is live"}, {"data", {{"build", 7}}}});
    ASSERT_GT(id, 0);
    const auto items = notifications(bob)["items"];
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0]["id"], id);
    EXPECT_EQ(items[0]["type"], "message");
    EXPECT_EQ(items[0]["body"], "v2.1 is live");
    EXPECT_EQ(items[0]["data"]["build"], 7);

    const auto pushed = feed.next_of_type("notification");
    ASSERT_FALSE(pushed.is_null());
    EXPECT_EQ(pushed["data"], items[0]);
    EXPECT_GT(pushed["event_id"].get<std::int64_t>(), 0);

    // "message" mails are off by default: no job.
    EXPECT_EQ(email_jobs()["total"], 0);

    const auto bad = [&](const nlohmann::json& body, const std::string& field) {
        const auto r = http(port(), "POST", "/api/v1/probe/notify", body.dump());
        tasks::expect_invalid_fields(r, {field});
    };
    bad({{"user_id", bob.id}, {"title", "   "}}, "title");
    bad({{"user_id", 999999}, {"title", "Hi"}}, "user_id");
    ASSERT_EQ(put(admin(), "/api/v1/users/" + std::to_string(bob.id) + "/active", {{"is_active", false}}).status, 200);
    bad({{"user_id", bob.id}, {"title", "Hi"}}, "user_id");
    EXPECT_EQ(notifications(admin())["total"], 0);
}

TEST_P(NotificationsTest, ADueTaskIsRemindedOnceToItsAssigneeOrItsCreator) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto soon = sdk::iso8601_utc(tasks::now_ms() + 30 * 60 * 1000);
    const auto later = sdk::iso8601_utc(tasks::now_ms() + 3 * 60 * 60 * 1000);
    const auto assigned = create(alice, {{"title", "Pay invoices"}, {"due_date", soon}, {"assignee_id", bob.id}});
    const auto unassigned = create(alice, {{"title", "Book rooms"}, {"due_date", soon}});
    create(alice, {{"title", "Not yet"}, {"due_date", later}, {"assignee_id", bob.id}});
    // Completed before it gets its due date: it is never open and due at once,
    // so no scan can catch it in between.
    const auto done = create(alice, {{"title", "Already done"}});
    ASSERT_EQ(post(alice, task_path(done) + "/complete").status, 200);
    ASSERT_EQ(patch(alice, task_path(done), {{"due_date", soon}}).status, 200);

    const auto bobs = wait_for(bob, "task.due_soon", 1);
    EXPECT_EQ(bobs[0]["title"], "Due soon: Pay invoices");
    EXPECT_EQ(bobs[0]["data"]["task_id"], tasks::id_of(assigned));
    EXPECT_EQ(bobs[0]["data"]["due_date"], soon);
    const auto alices = wait_for(alice, "task.due_soon", 1);
    EXPECT_EQ(alices[0]["data"]["task_id"], tasks::id_of(unassigned));

    // Several more scans (the chain's token counts them) remind nobody again.
    const auto token = [&] {
        auto sql = open_database();
        long long t = 0;
        *sql << "SELECT token FROM notification_schedule WHERE name = 'due_scan'", soci::into(t);
        return t;
    };
    const auto seen = token();
    ASSERT_TRUE(eventually([&] { return token() >= seen + 3; }));
    EXPECT_EQ(of_type(bob, "task.due_soon").size(), 1u);
    EXPECT_EQ(of_type(alice, "task.due_soon").size(), 1u);

    // A new due date is a new reminder; a restart keeps one chain.
    const auto r = patch(alice, task_path(assigned), {{"due_date", sdk::iso8601_utc(tasks::now_ms() + 40 * 60 * 1000)}});
    ASSERT_EQ(r.status, 200) << r.body;
    wait_for(bob, "task.due_soon", 2);
    restart_server();
    ASSERT_TRUE(eventually([&] { return token() >= seen + 6; }));
    EXPECT_EQ(of_type(bob, "task.due_soon").size(), 2u);
    // One chain: one waiting due_scan job (never two, whatever node restarted).
    EXPECT_TRUE(eventually([&] {
        return list(admin(), "/api/v1/jobs?kind=notifications.due_scan&status=queued")["total"] == 1;
    }));
}

INSTANTIATE_TEST_SUITE_P(Dialects, NotificationsTest,
                         ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test
