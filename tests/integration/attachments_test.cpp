// The attachments plugin through the running server on both dialects: raw and
// multipart uploads (also by the real curl), downloads with ETag and safe
// Content-Disposition, visibility of the task, limits (size, types, quota),
// events, task deletion, and a SIGKILL in the middle of an upload.
#include "../support/server_process.hpp"
#include "sha256.hpp"
#include "tasks_fixture.hpp"

#include <fstream>
#include <random>
#include <thread>

namespace tasklane::test::tasks {
namespace {

namespace fs = std::filesystem;
using attachments::sha256_hex;

constexpr std::size_t kMiB = 1024 * 1024;

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string out(n, '\0');
    for (auto& c : out) {
        c = static_cast<char>(rng() & 0xFF);
    }
    return out;
}

std::string url_encode(const std::string& text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0F];
        }
    }
    return out;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Logs a member in on a server started outside the fixture.
std::string access_token(std::uint16_t port, const std::string& username) {
    const auto r = http(port, "POST", "/api/v1/auth/login",
                        nlohmann::json{{"username", username}, {"password", kPassword}}.dump());
    return nlohmann::json::parse(r.body, nullptr, false).value("access_token", "");
}

std::string attachments_path(std::int64_t task_id) { return task_path(task_id) + "/attachments"; }
std::string attachment_path(std::int64_t id) { return "/api/v1/attachments/" + std::to_string(id); }

// A multipart/form-data body as a browser builds it: a text field, then the file.
std::string form_body(const std::string& boundary, const std::string& filename, const std::string& type,
                      const std::string& content) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nsee attached\r\n" + "--" +
           boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
           "\"\r\nContent-Type: " + type + "\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
}

class AttachmentsTest : public TasksFixture {
protected:
    std::vector<std::string> extra_plugins() override { return {"attachments"}; }
    std::string extra_yaml() override { return attachments_yaml(); }

    std::string attachments_yaml() const {
        return "attachments:\n  dir: \"" + files_dir().string() + "\"\n" + attachment_options_;
    }
    // Restarts the server with more keys of the attachments section.
    void restart_with(const std::string& options) {
        server_.reset();
        attachment_options_ = options;
        start_server();
    }
    fs::path files_dir() const { return dir_.path() / "attachments"; }

    HttpResult upload(const User& user, std::int64_t task_id, const std::string& bytes, const std::string& filename,
                      const std::string& content_type) {
        return http(port(), "POST", attachments_path(task_id) + "?filename=" + url_encode(filename), bytes,
                    {{"Authorization", "Bearer " + user.token}, {"Content-Type", content_type}});
    }
    nlohmann::json upload_ok(const User& user, std::int64_t task_id, const std::string& bytes,
                             const std::string& filename = "file.bin",
                             const std::string& content_type = "application/octet-stream") {
        const auto r = upload(user, task_id, bytes, filename, content_type);
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    HttpResult upload_form(const User& user, std::int64_t task_id, const std::string& body,
                           const std::string& boundary) {
        return http(port(), "POST", attachments_path(task_id), body,
                    {{"Authorization", "Bearer " + user.token},
                     {"Content-Type", "multipart/form-data; boundary=" + boundary}});
    }
    HttpResult download(const User& user, std::int64_t id, std::map<std::string, std::string> headers = {}) {
        headers["Authorization"] = "Bearer " + user.token;
        return http(port(), "GET", attachment_path(id), "", headers);
    }

    // Content files under attachments.dir, relative, leaving out tmp/.
    std::set<std::string> stored_files() const {
        std::set<std::string> out;
        if (!fs::exists(files_dir())) {
            return out;
        }
        for (auto it = fs::recursive_directory_iterator(files_dir()); it != fs::recursive_directory_iterator(); ++it) {
            if (it->is_directory() && it->path().filename() == "tmp") {
                it.disable_recursion_pending();
            } else if (it->is_regular_file()) {
                out.insert(fs::relative(it->path(), files_dir()).string());
            }
        }
        return out;
    }
    std::size_t tmp_files() const {
        const auto tmp = files_dir() / "tmp";
        return fs::exists(tmp) ? static_cast<std::size_t>(std::distance(fs::directory_iterator(tmp), {})) : 0;
    }
    static std::string blob_file(const std::string& sha256) { return sha256.substr(0, 2) + "/" + sha256; }

    long long attachment_rows(const std::string& where = "1 = 1") {
        auto sql = open_database();
        long long n = 0;
        *sql << "SELECT COUNT(*) FROM attachments WHERE " + where, soci::into(n);
        return n;
    }
    std::vector<StoredEvent> attachment_events_after(std::int64_t after) {
        std::vector<StoredEvent> out;
        for (auto& e : events_after(after)) {
            if (e.type.rfind("attachment.", 0) == 0) {
                out.push_back(std::move(e));
            }
        }
        return out;
    }

    std::string attachment_options_;
};

TEST_P(AttachmentsTest, RawUploadListDownloadAndDeleteRoundTrip) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "with files");
    const auto bytes = random_bytes(5 * kMiB, 1);
    const auto sha = sha256_hex(bytes);

    const auto r = upload(alice, id_of(task), bytes, "report.pdf", "application/pdf");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto a = r.json();
    EXPECT_GT(a["id"].get<std::int64_t>(), 0);
    EXPECT_EQ(a["task_id"], id_of(task));
    EXPECT_EQ(a["filename"], "report.pdf");
    EXPECT_EQ(a["content_type"], "application/pdf");
    EXPECT_EQ(a["size"], bytes.size());
    EXPECT_EQ(a["sha256"], sha);
    EXPECT_EQ(a["uploader_id"], alice.id);
    EXPECT_EQ(a["created_at"].get<std::string>().size(), 20u) << a;  // 2026-01-02T03:04:05Z
    EXPECT_EQ(r.header("location"), attachment_path(id_of(a)));
    // Content-addressed: the file is named by its hash and holds the bytes.
    EXPECT_EQ(stored_files(), std::set<std::string>{blob_file(sha)});
    EXPECT_TRUE(read_file(files_dir() / blob_file(sha)) == bytes);
    EXPECT_EQ(tmp_files(), 0u);

    const auto notes = upload_ok(alice, id_of(task), "plain words", "notes.txt", "text/plain; charset=utf-8");
    const auto listed = list(alice, attachments_path(id_of(task)));
    EXPECT_EQ(item_ids(listed), (std::vector<std::int64_t>{id_of(notes), id_of(a)})) << "newest first";
    EXPECT_EQ(listed["total"], 2);
    EXPECT_EQ(listed["page"], 1);
    EXPECT_EQ(listed["per_page"], 20);
    EXPECT_EQ(listed["items"][1], a);

    const auto d = download(alice, id_of(a));
    ASSERT_EQ(d.status, 200);
    EXPECT_EQ(d.body.size(), bytes.size());
    EXPECT_TRUE(d.body == bytes) << "the download differs from the upload";
    EXPECT_EQ(sha256_hex(d.body), sha);
    EXPECT_EQ(d.header("content-type"), "application/pdf");
    EXPECT_EQ(d.header("content-disposition"), "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
    EXPECT_EQ(d.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(d.header("etag"), "\"" + sha + "\"");
    EXPECT_EQ(download(alice, id_of(notes)).header("content-type"), "text/plain; charset=utf-8");

    const auto cached = download(alice, id_of(a), {{"If-None-Match", "\"" + sha + "\""}});
    EXPECT_EQ(cached.status, 304);
    EXPECT_TRUE(cached.body.empty());
    EXPECT_EQ(cached.header("etag"), "\"" + sha + "\"");
    EXPECT_EQ(download(alice, id_of(a), {{"If-None-Match", "\"other\""}}).status, 200);

    EXPECT_EQ(del(alice, attachment_path(id_of(a))).status, 204);
    expect_error(download(alice, id_of(a)), 404, "not_found");
    expect_error(del(alice, attachment_path(id_of(a))), 404, "not_found");
    EXPECT_EQ(item_ids(list(alice, attachments_path(id_of(task)))), std::vector<std::int64_t>{id_of(notes)});
    EXPECT_EQ(stored_files(), std::set<std::string>{blob_file(sha256_hex("plain words"))});
}

TEST_P(AttachmentsTest, SameBytesShareOneFileUntilTheLastReferenceGoes) {
    const auto alice = member("alice");
    const auto first = create_titled(alice, "one");
    const auto second = create_titled(alice, "two");
    const auto bytes = random_bytes(64 * 1024, 2);
    const auto a = upload_ok(alice, id_of(first), bytes, "a.bin");
    const auto b = upload_ok(alice, id_of(second), bytes, "b.bin");
    EXPECT_EQ(a["sha256"], b["sha256"]);
    EXPECT_EQ(stored_files().size(), 1u);

    EXPECT_EQ(del(alice, attachment_path(id_of(a))).status, 204);
    EXPECT_EQ(stored_files().size(), 1u) << "still referenced by the second task's attachment";
    EXPECT_TRUE(download(alice, id_of(b)).body == bytes);
    EXPECT_EQ(del(alice, attachment_path(id_of(b))).status, 204);
    EXPECT_TRUE(stored_files().empty());
}

TEST_P(AttachmentsTest, FileOverMaxBytesIs413AndStoresNothing) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "big");
    const auto r = upload(alice, id_of(task), random_bytes(11 * kMiB, 3), "huge.bin", "application/octet-stream");
    expect_error(r, 413, "payload_too_large");
    EXPECT_NE(error_message(r).find("10485760"), std::string::npos) << r.body;
    EXPECT_EQ(attachment_rows(), 0);
    EXPECT_TRUE(stored_files().empty());
    EXPECT_EQ(tmp_files(), 0u);
    // Exactly max_bytes is fine.
    upload_ok(alice, id_of(task), random_bytes(10 * kMiB, 4));
    EXPECT_EQ(attachment_rows(), 1);
}

TEST_P(AttachmentsTest, PathLikeFileNamesAreOnlyMetadata) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "names");
    const auto a = upload_ok(alice, id_of(task), "root:x:0:0", "../../etc/passwd", "text/plain");
    EXPECT_EQ(a["filename"], "../../etc/passwd");
    // The only file written is the blob, under the directory, named by its hash.
    EXPECT_EQ(stored_files(), std::set<std::string>{blob_file(a["sha256"])});
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
        EXPECT_NE(entry.path().filename(), "passwd") << entry.path();
    }
    const auto d = download(alice, id_of(a));
    EXPECT_EQ(d.header("content-disposition"),
              "attachment; filename=\".._.._etc_passwd\"; filename*=UTF-8''.._.._etc_passwd");

    // Control characters cannot split the header; quotes and non-ASCII are escaped.
    const auto tricky = upload_ok(alice, id_of(task), "x", "a\r\nX-Injected: 1\"\xC3\xA9.txt", "text/plain");
    EXPECT_EQ(tricky["filename"], "aX-Injected: 1\"\xC3\xA9.txt");
    const auto t = download(alice, id_of(tricky));
    EXPECT_FALSE(t.has_header("x-injected"));
    EXPECT_EQ(t.header("content-disposition"),
              "attachment; filename=\"aX-Injected: 1__.txt\"; filename*=UTF-8''aX-Injected%3A%201%22%C3%A9.txt");

    expect_invalid_fields(upload(alice, id_of(task), "x", std::string(256, 'n'), "text/plain"), {"filename"});
    expect_invalid_fields(http(port(), "POST", attachments_path(id_of(task)), "x",
                               {{"Authorization", "Bearer " + alice.token}, {"Content-Type", "text/plain"}}),
                          {"filename"});
    EXPECT_EQ(attachment_rows(), 2);
}

TEST_P(AttachmentsTest, OnlyThoseWhoSeeTheTaskSeeItsAttachments) {
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create_titled(alice, "private");
    const auto a = upload_ok(alice, id_of(task), "secret", "secret.txt", "text/plain");

    expect_error(get(bob, attachments_path(id_of(task))), 404, "not_found");
    const auto hidden = download(bob, id_of(a));
    expect_error(hidden, 404, "not_found");
    // The same answer as for an attachment that never existed: no existence leak.
    EXPECT_EQ(error_message(hidden), error_message(download(bob, 999999)));
    expect_error(del(bob, attachment_path(id_of(a))), 404, "not_found");
    expect_error(upload(bob, id_of(task), "mine", "x.txt", "text/plain"), 404, "not_found");
    EXPECT_EQ(attachment_rows(), 1);

    // Assigned, bob sees the task and its files, but only the uploader or an admin deletes.
    ASSERT_EQ(post(alice, task_path(task) + "/assign", {{"assignee_id", bob.id}}).status, 200);
    EXPECT_EQ(item_ids(list(bob, attachments_path(id_of(task)))), std::vector<std::int64_t>{id_of(a)});
    EXPECT_EQ(download(bob, id_of(a)).body, "secret");
    expect_error(del(bob, attachment_path(id_of(a))), 403, "forbidden");
    const auto bobs = upload_ok(bob, id_of(task), "bob's", "b.txt", "text/plain");
    EXPECT_EQ(del(bob, attachment_path(id_of(bobs))).status, 204);
    EXPECT_EQ(del(admin(), attachment_path(id_of(a))).status, 204);
    EXPECT_EQ(attachment_rows(), 0);
    expect_error(http(port(), "GET", attachment_path(id_of(a))), 401, "unauthorized");
}

TEST_P(AttachmentsTest, MultipartUploadAsABrowserSendsIt) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "form");
    // Binary content that contains CRLFs and dashes, like any real file.
    auto bytes = random_bytes(300 * 1024, 5);
    bytes.insert(1000, "\r\n------WebKitFormBoundary\r\n--");
    const std::string boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    const auto r = upload_form(alice, id_of(task), form_body(boundary, "diagram.png", "image/png", bytes), boundary);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto a = r.json();
    EXPECT_EQ(a["filename"], "diagram.png");
    EXPECT_EQ(a["content_type"], "image/png");
    EXPECT_EQ(a["size"], bytes.size());
    EXPECT_EQ(a["sha256"], sha256_hex(bytes));
    EXPECT_TRUE(download(alice, id_of(a)).body == bytes);

    // A file part without a Content-Type is application/octet-stream.
    const std::string plain =
        "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"raw\"\r\n\r\nxyz\r\n--b--\r\n";
    const auto untyped = upload_form(alice, id_of(task), plain, "b");
    ASSERT_EQ(untyped.status, 201) << untyped.body;
    EXPECT_EQ(untyped.json()["content_type"], "application/octet-stream");

    expect_error(upload_form(alice, id_of(task), "not multipart at all", "b"), 400, "bad_request");
    expect_invalid_fields(
        upload_form(alice, id_of(task), "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n", "b"),
        {"file"});
    EXPECT_EQ(attachment_rows(), 2);
}

TEST_P(AttachmentsTest, CurlFormUploadWorks) {
    // curl comes with the test command's packages (scripts/install-deps.sh).
    ASSERT_EQ(run_command("command -v curl").exit_code, 0) << "curl is not installed";
    const auto alice = member("alice");
    const auto task = create_titled(alice, "curl");
    const auto file = dir_.path() / "hello world.txt";
    std::ofstream(file, std::ios::binary) << "hello from curl\n";
    const auto result = run_command("curl -sS -F 'file=@" + file.string() + ";type=text/plain'" +
                                    " -H 'Authorization: Bearer " + alice.token + "' http://127.0.0.1:" +
                                    std::to_string(port()) + attachments_path(id_of(task)));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const auto a = nlohmann::json::parse(result.output, nullptr, false);
    ASSERT_TRUE(a.is_object() && a.contains("id")) << result.output;
    EXPECT_EQ(a["filename"], "hello world.txt");
    EXPECT_EQ(a["content_type"], "text/plain");
    EXPECT_EQ(a["sha256"], sha256_hex("hello from curl\n"));
    EXPECT_EQ(download(alice, id_of(a)).body, "hello from curl\n");
}

TEST_P(AttachmentsTest, TypesOutsideAllowedTypesAre415) {
    restart_with("  allowed_types: [\"image/*\", \"application/pdf\"]\n");
    const auto alice = member("alice");
    const auto task = create_titled(alice, "typed");
    const auto refused = upload(alice, id_of(task), "text", "a.txt", "text/plain");
    expect_error(refused, 415, "unsupported_media_type");
    EXPECT_NE(error_message(refused).find("text/plain"), std::string::npos) << refused.body;
    expect_error(upload_form(alice, id_of(task), form_body("b", "x.html", "text/html", "<p>"), "b"), 415,
                 "unsupported_media_type");
    expect_error(upload(alice, id_of(task), "x", "x.bin", "application/octet-stream"), 415, "unsupported_media_type");
    EXPECT_EQ(attachment_rows(), 0);
    EXPECT_TRUE(stored_files().empty());
    upload_ok(alice, id_of(task), "\x89PNG", "a.png", "image/png");
    upload_ok(alice, id_of(task), "%PDF", "a.pdf", "Application/PDF");
    EXPECT_EQ(attachment_rows(), 2);
}

TEST_P(AttachmentsTest, UploadsOverTheUploadersQuotaAre413) {
    restart_with("  quota_bytes: 1MiB\n");
    const auto alice = member("alice");
    const auto bob = member("bob");
    const auto task = create_titled(alice, "quota");
    upload_ok(alice, id_of(task), random_bytes(600 * 1024, 6));
    const auto over = upload(alice, id_of(task), random_bytes(600 * 1024, 7), "more.bin", "application/octet-stream");
    expect_error(over, 413, "payload_too_large");
    EXPECT_NE(error_message(over).find("quota"), std::string::npos) << over.body;
    EXPECT_EQ(attachment_rows(), 1);
    EXPECT_EQ(stored_files().size(), 1u);
    // The quota is per uploader.
    upload_ok(bob, id_of(create_titled(bob, "bob's")), random_bytes(600 * 1024, 7));
    EXPECT_EQ(attachment_rows(), 2);
}

TEST_P(AttachmentsTest, AddedAndDeletedEventsCarryTheAttachmentAndItsTask) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "evented");
    const auto before = last_event_id();
    const auto a = upload_ok(alice, id_of(task), "content", "e.txt", "text/plain");
    ASSERT_EQ(del(alice, attachment_path(id_of(a))).status, 204);

    const auto events = attachment_events_after(before);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "attachment.added");
    EXPECT_EQ(events[1].type, "attachment.deleted");
    for (const auto& e : events) {
        EXPECT_EQ(e.actor_type, "user");
        EXPECT_EQ(e.actor_id, alice.id);
        EXPECT_EQ(e.data["attachment"], a) << e.data;
        EXPECT_EQ(e.data["task"]["id"], id_of(task)) << e.data;
        EXPECT_EQ(e.data["task"]["title"], "evented");
        EXPECT_EQ(e.data["task"]["creator_id"], alice.id);
    }
}

TEST_P(AttachmentsTest, DeletingATaskRemovesItsAttachmentsAndUnsharedFiles) {
    const auto alice = member("alice");
    const auto doomed = create_titled(alice, "doomed");
    const auto kept = create_titled(alice, "kept");
    const auto shared = random_bytes(1000, 8);
    const auto own = upload_ok(alice, id_of(doomed), random_bytes(1000, 9), "own.bin");
    upload_ok(alice, id_of(doomed), shared, "shared.bin");
    const auto other = upload_ok(alice, id_of(kept), shared, "shared-too.bin");
    const auto before = last_event_id();

    ASSERT_EQ(del(alice, task_path(doomed)).status, 204);
    const auto doomed_rows = "task_id = " + std::to_string(id_of(doomed));
    ASSERT_TRUE(eventually([&] { return attachment_rows(doomed_rows) == 0; }))
        << "the task.deleted subscriber did not run";
    ASSERT_TRUE(eventually([&] { return stored_files().size() == 1; }));
    EXPECT_EQ(stored_files(), std::set<std::string>{blob_file(sha256_hex(shared))});
    EXPECT_FALSE(fs::exists(files_dir() / blob_file(own["sha256"])));
    EXPECT_TRUE(download(alice, id_of(other)).body == shared);

    const auto events = attachment_events_after(before);
    ASSERT_EQ(events.size(), 2u);
    for (const auto& e : events) {
        EXPECT_EQ(e.type, "attachment.deleted");
        EXPECT_EQ(e.data["task"]["id"], id_of(doomed));
        EXPECT_EQ(e.actor_id, alice.id) << "attributed to whoever deleted the task";
    }
}

TEST_P(AttachmentsTest, SigkillDuringAnUploadLeavesNoOrphanRowOrFile) {
    const auto alice = member("alice");
    const auto task = create_titled(alice, "crash");
    const auto kept = upload_ok(alice, id_of(task), "survivor", "kept.txt", "text/plain");
    server_.reset();

    // The real server in its own process, so it can be killed.
    const auto links = (dir_.path() / "plugins").string();
    const auto config = write_config(dir_, db_->url(), links, "auth, tasks, attachments",
                                     auth_yaml() + attachments_yaml() + "logging:\n  level: info\n");
    {
        ServerProcess server(config, dir_.file("first.log"));
        const auto port = server.wait_for_port();
        ASSERT_NE(port, 0) << server.log();
        const auto token = access_token(port, "alice");
        ASSERT_FALSE(token.empty());
        // Headers and half of a 4 MiB body, then the process dies.
        HttpConnection conn(port);
        const auto body = random_bytes(4 * kMiB, 10);
        conn.send_raw("POST " + attachments_path(id_of(task)) + "?filename=half.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                      "Authorization: Bearer " + token + "\r\nContent-Type: application/octet-stream\r\n" +
                      "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        server.kill_hard();
    }
    // What a crash at the worst moments leaves: an unfinished temp file, and a
    // blob renamed into place whose row never committed.
    const auto orphan = sha256_hex("never committed");
    fs::create_directories(files_dir() / orphan.substr(0, 2));
    std::ofstream(files_dir() / blob_file(orphan)) << "never committed";
    std::ofstream(files_dir() / "tmp" / "0123456789abcdef.part") << "half a file";

    ServerProcess restarted(config, dir_.file("second.log"));
    const auto port = restarted.wait_for_port();
    ASSERT_NE(port, 0) << restarted.log();
    EXPECT_EQ(attachment_rows(), 1);
    EXPECT_EQ(stored_files(), std::set<std::string>{blob_file(kept["sha256"])});
    EXPECT_EQ(tmp_files(), 0u);
    const auto token = access_token(port, "alice");
    const auto d = http(port, "GET", attachment_path(id_of(kept)), "", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(d.status, 200);
    EXPECT_EQ(d.body, "survivor");
    EXPECT_EQ(restarted.terminate(), 0) << restarted.log();
}

INSTANTIATE_TEST_SUITE_P(Dialects, AttachmentsTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return info.param == sdk::Dialect::Sqlite ? "Sqlite" : "Postgresql"; });

}  // namespace
}  // namespace tasklane::test::tasks
