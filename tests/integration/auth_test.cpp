// Every row of the "Auth and users" table of DESIGN.md section 5, end to end
// through the real server on a real socket, against a fresh SQLite file and a
// fresh PostgreSQL database. The first administrator comes from
// auth.bootstrap_admin, as an operator would configure it.
#include "../support/api_assertions.hpp"
#include "../support/http_client.hpp"
#include "../support/test_env.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace tasklane::test {
namespace {

// At least 32 bytes, as the plugin requires outside development runs.
constexpr const char* kJwtSecret = "auth-test-secret-0123456789-abcdefghijklmnop";
constexpr const char* kAdminPassword = "root-password-123";
constexpr const char* kPassword = "correct-horse-42";

// The auth section: libsodium's cheapest argon2id cost keeps each hash at a
// few milliseconds (the default costs ~130 ms and 64 MiB).
std::string auth_yaml() {
    return std::string("auth:\n  jwt_secret: \"") + kJwtSecret +
           "\"\n  password:\n    ops_limit: 1\n    mem_limit: 8MiB\n"
           "  bootstrap_admin:\n    username: root\n    email: root@example.com\n    password: \"" +
           kAdminPassword + "\"\n";
}


// 422 validation_failed whose details name exactly `fields`.
void expect_invalid_fields(const HttpResult& r, const std::set<std::string>& fields) {
    expect_error(r, 422, "validation_failed");
    std::set<std::string> named;
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    for (const auto& d : body["error"]["details"]) {
        named.insert(d.value("field", ""));
        EXPECT_FALSE(d.value("message", "").empty()) << r.body;
    }
    EXPECT_EQ(named, fields) << r.body;
}

void expect_user_shape(const nlohmann::json& user) {
    static const std::regex timestamp(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z)");
    EXPECT_TRUE(user["id"].is_number_integer()) << user;
    EXPECT_TRUE(user["username"].is_string()) << user;
    EXPECT_TRUE(user["full_name"].is_string()) << user;
    EXPECT_TRUE(user["role"] == "admin" || user["role"] == "member") << user;
    EXPECT_TRUE(user["is_active"].is_boolean()) << user;
    EXPECT_TRUE(std::regex_match(user.value("created_at", ""), timestamp)) << user;
    EXPECT_TRUE(std::regex_match(user.value("updated_at", ""), timestamp)) << user;
    EXPECT_FALSE(user.contains("password")) << user;
    EXPECT_FALSE(user.contains("password_hash")) << user;
}

struct Session {
    std::string access_token;
    std::string refresh_token;
};

class AuthTest : public ::testing::TestWithParam<sdk::Dialect> {
protected:
    void SetUp() override {
        db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
        server_ = std::make_unique<TestServer>(write_config(dir_, db_->url(), plugin_dir(), "auth, hello", auth_yaml()));
    }
    void TearDown() override {
        server_.reset();
        db_.reset();
    }

    HttpResult call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::string& token = "", std::map<std::string, std::string> headers = {}) {
        if (!token.empty()) {
            headers["Authorization"] = "Bearer " + token;
        }
        return http(server_->port(), method, target, body, headers);
    }
    HttpResult post(const std::string& target, const nlohmann::json& body, const std::string& token = "") {
        return call("POST", target, body.dump(), token);
    }
    HttpResult put(const std::string& target, const nlohmann::json& body, const std::string& token = "") {
        return call("PUT", target, body.dump(), token);
    }

    nlohmann::json register_user(const std::string& username, const std::string& password = kPassword) {
        const auto r = post("/api/v1/auth/register",
                            {{"email", username + "@example.com"}, {"username", username}, {"password", password}});
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    Session login(const std::string& login_name, const std::string& password = kPassword) {
        const auto r = post("/api/v1/auth/login", {{"username", login_name}, {"password", password}});
        EXPECT_EQ(r.status, 200) << r.body;
        const auto body = nlohmann::json::parse(r.body, nullptr, false);
        return {body.value("access_token", ""), body.value("refresh_token", "")};
    }
    Session admin() { return login("root", kAdminPassword); }
    std::int64_t id_of(const nlohmann::json& user) { return user.value("id", std::int64_t{0}); }
    std::string user_path(std::int64_t id) { return "/api/v1/users/" + std::to_string(id); }

    TempDir dir_;
    std::unique_ptr<TestDatabase> db_;
    std::unique_ptr<TestServer> server_;
};

// --- POST /api/v1/auth/register ---------------------------------------------

TEST_P(AuthTest, RegisterCreatesAMemberAndAnswers201WithTheUser) {
    const auto r = post("/api/v1/auth/register", {{"email", "Ada@Example.com"},
                                                  {"username", "ada.lovelace"},
                                                  {"password", kPassword},
                                                  {"full_name", "Ada Lovelace"}});
    ASSERT_EQ(r.status, 201) << r.body;
    const auto user = r.json();
    expect_user_shape(user);
    EXPECT_EQ(user["email"], "Ada@Example.com");
    EXPECT_EQ(user["username"], "ada.lovelace");
    EXPECT_EQ(user["full_name"], "Ada Lovelace");
    EXPECT_EQ(user["role"], "member");
    EXPECT_EQ(user["is_active"], true);
    EXPECT_EQ(r.header("location"), user_path(id_of(user)));
    EXPECT_FALSE(r.header("x-request-id").empty());

    // full_name is optional.
    const auto bare = register_user("grace");
    EXPECT_EQ(bare["full_name"], "");
    EXPECT_NE(id_of(bare), id_of(user));
}

TEST_P(AuthTest, RegisterNeverCreatesAnAdministrator) {
    const auto r = post("/api/v1/auth/register",
                        {{"email", "mallory@example.com"}, {"username", "mallory"}, {"password", kPassword},
                         {"role", "admin"}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["role"], "member");
    const auto mallory = login("mallory");
    expect_error(put(user_path(id_of(r.json())) + "/role", {{"role", "admin"}}, mallory.access_token), 403,
                 "forbidden");
}

TEST_P(AuthTest, RegisterRefusesEveryInvalidFieldWith422) {
    expect_invalid_fields(post("/api/v1/auth/register", nlohmann::json::object()), {"email", "username", "password"});
    expect_invalid_fields(post("/api/v1/auth/register", {{"email", "not-an-email"}, {"username", "ab"},
                                                         {"password", "seven77"}}),
                          {"email", "username", "password"});
    expect_invalid_fields(post("/api/v1/auth/register", {{"email", "a@example.com"},
                                                         {"username", "has space"},
                                                         {"password", std::string(129, 'p')},
                                                         {"full_name", std::string(201, 'n')}}),
                          {"username", "password", "full_name"});
    expect_invalid_fields(post("/api/v1/auth/register", {{"email", "b@example.com"},
                                                         {"username", std::string(33, 'u')},
                                                         {"password", kPassword}}),
                          {"username"});
    expect_invalid_fields(post("/api/v1/auth/register", {{"email", "c@example.com"},
                                                         {"username", "bad/name"},
                                                         {"password", kPassword}}),
                          {"username"});
    // Lengths are characters, not bytes: seven two-byte characters are too short.
    expect_invalid_fields(post("/api/v1/auth/register", {{"email", "d@example.com"},
                                                         {"username", "dora"},
                                                         {"password", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"}}),
                          {"password"});
    expect_invalid_fields(post("/api/v1/auth/register", {{"email", 42}, {"username", "erin"}, {"password", kPassword}}),
                          {"email"});
    // Nothing was stored by any refused registration.
    const auto list = call("GET", "/api/v1/users", "", admin().access_token);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.json()["total"], 1) << list.body;
}

TEST_P(AuthTest, RegisterAcceptsTheBoundaryLengthsAndAllowedCharacters) {
    const std::string longest_name = "A_b.c-" + std::string(26, 'z');
    ASSERT_EQ(longest_name.size(), 32u);
    EXPECT_EQ(post("/api/v1/auth/register",
                   {{"email", "short@example.com"}, {"username", "abc"}, {"password", std::string(8, 'p')}})
                  .status,
              201);
    EXPECT_EQ(post("/api/v1/auth/register",
                   {{"email", "long@example.com"}, {"username", longest_name}, {"password", std::string(128, 'p')}})
                  .status,
              201);
    EXPECT_EQ(post("/api/v1/auth/login", {{"username", longest_name}, {"password", std::string(128, 'p')}}).status,
              200);
}

TEST_P(AuthTest, RegisteringADuplicateUsernameOrEmailIs409) {
    register_user("alice");
    const auto same_name = post("/api/v1/auth/register",
                                {{"email", "other@example.com"}, {"username", "ALICE"}, {"password", kPassword}});
    expect_error(same_name, 409, "username_taken");
    EXPECT_EQ(same_name.json()["error"]["details"][0]["field"], "username");

    const auto same_email = post("/api/v1/auth/register",
                                 {{"email", "Alice@EXAMPLE.com"}, {"username", "alice2"}, {"password", kPassword}});
    expect_error(same_email, 409, "email_taken");
    EXPECT_EQ(same_email.json()["error"]["details"][0]["field"], "email");
}

TEST_P(AuthTest, RegisterRefusesMalformedJsonWith400AndOtherMediaTypesWith415) {
    expect_error(call("POST", "/api/v1/auth/register", "{\"email\": "), 400, "bad_request");
    expect_error(call("POST", "/api/v1/auth/register", "[1, 2]"), 400, "bad_request");
    expect_error(call("POST", "/api/v1/auth/register", "email=a@example.com", "",
                      {{"Content-Type", "text/plain"}}),
                 415, "unsupported_media_type");
}

// --- POST /api/v1/auth/login ------------------------------------------------

TEST_P(AuthTest, LoginByUsernameOrEmailReturnsABearerTokenPair) {
    const auto alice = register_user("alice");
    for (const auto& credentials :
         {nlohmann::json{{"username", "alice"}, {"password", kPassword}},
          nlohmann::json{{"username", "ALICE"}, {"password", kPassword}},
          nlohmann::json{{"email", "Alice@Example.COM"}, {"password", kPassword}},
          nlohmann::json{{"username", "alice@example.com"}, {"password", kPassword}}}) {
        const auto r = post("/api/v1/auth/login", credentials);
        ASSERT_EQ(r.status, 200) << credentials << " " << r.body;
        const auto body = r.json();
        EXPECT_EQ(body["token_type"], "bearer");
        EXPECT_EQ(body["expires_in"], 900);  // the default auth.access_ttl of 15m
        ASSERT_TRUE(body["access_token"].is_string() && body["refresh_token"].is_string()) << r.body;
        EXPECT_NE(body["access_token"], body["refresh_token"]);
        const auto me = call("GET", "/api/v1/auth/me", "", body["access_token"].get<std::string>());
        ASSERT_EQ(me.status, 200) << me.body;
        EXPECT_EQ(id_of(me.json()), id_of(alice));
    }
}

TEST_P(AuthTest, LoginAcceptsAnOAuth2PasswordForm) {
    const std::string password = "p@ss word+1&=";
    const auto user = register_user("formuser", password);
    const auto r = call("POST", "/api/v1/auth/login", "grant_type=password&username=formuser&password=p%40ss+word%2B1%26%3D",
                        "", {{"Content-Type", "application/x-www-form-urlencoded"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["token_type"], "bearer");
    const auto me = call("GET", "/api/v1/auth/me", "", r.json()["access_token"].get<std::string>());
    EXPECT_EQ(id_of(me.json()), id_of(user));

    expect_error(call("POST", "/api/v1/auth/login", "username=formuser&password=wrong-password", "",
                      {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}),
                 401, "unauthorized");
    expect_invalid_fields(call("POST", "/api/v1/auth/login", "username=formuser", "",
                               {{"Content-Type", "application/x-www-form-urlencoded"}}),
                          {"password"});
}

TEST_P(AuthTest, LoginWithAnUnknownUserOrAWrongPasswordIs401WithTheSameBody) {
    register_user("alice");
    const auto wrong_password = post("/api/v1/auth/login", {{"username", "alice"}, {"password", "wrong-password"}});
    const auto unknown_user = post("/api/v1/auth/login", {{"username", "nobody"}, {"password", "wrong-password"}});
    const auto unknown_email =
        post("/api/v1/auth/login", {{"email", "nobody@example.com"}, {"password", "wrong-password"}});
    expect_error(wrong_password, 401, "unauthorized");
    expect_error(unknown_user, 401, "unauthorized");
    expect_error(unknown_email, 401, "unauthorized");
    auto without_request_id = [](const HttpResult& r) {
        auto error = r.json()["error"];
        error.erase("request_id");
        return error;
    };
    EXPECT_EQ(without_request_id(wrong_password), without_request_id(unknown_user));
    EXPECT_EQ(without_request_id(wrong_password), without_request_id(unknown_email));
}

TEST_P(AuthTest, LoginWithoutCredentialsIs422) {
    expect_invalid_fields(post("/api/v1/auth/login", nlohmann::json::object()), {"username", "password"});
    expect_invalid_fields(post("/api/v1/auth/login", {{"username", "alice"}}), {"password"});
    expect_invalid_fields(post("/api/v1/auth/login", {{"username", "alice"}, {"password", 12345678}}), {"password"});
    expect_error(call("POST", "/api/v1/auth/login", "{not json"), 400, "bad_request");
}

// --- POST /api/v1/auth/refresh ----------------------------------------------

TEST_P(AuthTest, RefreshReturnsANewPairOfTokens) {
    const auto alice = register_user("alice");
    const auto first = login("alice");
    const auto r = post("/api/v1/auth/refresh", {{"refresh_token", first.refresh_token}});
    ASSERT_EQ(r.status, 200) << r.body;
    const auto pair = r.json();
    EXPECT_EQ(pair["token_type"], "bearer");
    EXPECT_EQ(pair["expires_in"], 900);
    EXPECT_NE(pair["refresh_token"], first.refresh_token);
    EXPECT_NE(pair["access_token"], first.access_token);
    const auto me = call("GET", "/api/v1/auth/me", "", pair["access_token"].get<std::string>());
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(id_of(me.json()), id_of(alice));

    // The old token is done once the reuse grace (auth.refresh_reuse_grace) is over;
    // auth_security_test covers reuse within and after it.
}

TEST_P(AuthTest, RefreshWithoutATokenIs422AndWithAnUnknownTokenIs401) {
    expect_invalid_fields(post("/api/v1/auth/refresh", nlohmann::json::object()), {"refresh_token"});
    expect_invalid_fields(post("/api/v1/auth/refresh", {{"refresh_token", 7}}), {"refresh_token"});
    expect_error(post("/api/v1/auth/refresh", {{"refresh_token", "never-issued-token"}}), 401, "unauthorized");
    // An access token is not a refresh token.
    register_user("alice");
    expect_error(post("/api/v1/auth/refresh", {{"refresh_token", login("alice").access_token}}), 401, "unauthorized");
}

// --- POST /api/v1/auth/logout -----------------------------------------------

TEST_P(AuthTest, LogoutAnswers204AndRevokesTheAccessAndTheRefreshToken) {
    register_user("alice");
    const auto session = login("alice");
    const auto r = post("/api/v1/auth/logout", {{"refresh_token", session.refresh_token}}, session.access_token);
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_TRUE(r.body.empty());
    EXPECT_FALSE(r.header("x-request-id").empty());
    expect_error(call("GET", "/api/v1/auth/me", "", session.access_token), 401, "unauthorized");
    expect_error(post("/api/v1/auth/refresh", {{"refresh_token", session.refresh_token}}), 401, "unauthorized");
}

TEST_P(AuthTest, LogoutWithoutAnAccessTokenIs401) {
    register_user("alice");
    const auto session = login("alice");
    expect_error(post("/api/v1/auth/logout", {{"refresh_token", session.refresh_token}}), 401, "unauthorized");
    // The refresh token was not revoked by the refused request.
    EXPECT_EQ(post("/api/v1/auth/refresh", {{"refresh_token", session.refresh_token}}).status, 200);
}

// --- GET /api/v1/auth/me, GET/PUT /api/v1/users/profile (alias /users/me) ------

TEST_P(AuthTest, MeAndProfileReturnTheCaller) {
    const auto alice = register_user("alice");
    const auto session = login("alice");
    for (const char* path : {"/api/v1/auth/me", "/api/v1/users/profile", "/api/v1/users/me"}) {
        const auto r = call("GET", path, "", session.access_token);
        ASSERT_EQ(r.status, 200) << path << " " << r.body;
        expect_user_shape(r.json());
        EXPECT_EQ(r.json(), alice) << path;
        expect_error(call("GET", path), 401, "unauthorized");
    }
}

TEST_P(AuthTest, ProfileUpdateChangesNameAndEmail) {
    const auto alice = register_user("alice");
    const auto session = login("alice");
    const auto r = put("/api/v1/users/profile", {{"full_name", "Alice Liddell"}, {"email", "liddell@example.org"}},
                       session.access_token);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["full_name"], "Alice Liddell");
    EXPECT_EQ(r.json()["email"], "liddell@example.org");
    EXPECT_EQ(r.json()["username"], "alice");
    EXPECT_EQ(r.json()["role"], "member");

    // The alias, and a partial update leaves the other fields alone.
    const auto alias = put("/api/v1/users/me", {{"full_name", "Alice L."}}, session.access_token);
    ASSERT_EQ(alias.status, 200) << alias.body;
    EXPECT_EQ(alias.json()["email"], "liddell@example.org");
    const auto me = call("GET", "/api/v1/users/profile", "", session.access_token).json();
    EXPECT_EQ(me["full_name"], "Alice L.");
    EXPECT_EQ(me["created_at"], alice["created_at"]);

    // The new email logs in; the old one no longer does.
    EXPECT_EQ(post("/api/v1/auth/login", {{"email", "liddell@example.org"}, {"password", kPassword}}).status, 200);
    expect_error(post("/api/v1/auth/login", {{"email", "alice@example.com"}, {"password", kPassword}}), 401,
                 "unauthorized");
    expect_error(put("/api/v1/users/profile", {{"full_name", "Anonymous"}}), 401, "unauthorized");
}

TEST_P(AuthTest, ChangingThePasswordRequiresTheCurrentPassword) {
    register_user("alice");
    const auto session = login("alice");
    const std::string new_password = "a-brand-new-password";
    expect_invalid_fields(put("/api/v1/users/profile", {{"password", new_password}}, session.access_token),
                          {"current_password"});
    expect_invalid_fields(
        put("/api/v1/users/profile", {{"password", new_password}, {"current_password", "not-the-password"}},
            session.access_token),
        {"current_password"});
    expect_invalid_fields(
        put("/api/v1/users/profile", {{"password", "short"}, {"current_password", kPassword}}, session.access_token),
        {"password"});
    // None of the refused changes took effect.
    EXPECT_EQ(post("/api/v1/auth/login", {{"username", "alice"}, {"password", kPassword}}).status, 200);

    const auto r = put("/api/v1/users/profile", {{"password", new_password}, {"current_password", kPassword}},
                       session.access_token);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.json().contains("password"));
    expect_error(post("/api/v1/auth/login", {{"username", "alice"}, {"password", kPassword}}), 401, "unauthorized");
    EXPECT_EQ(post("/api/v1/auth/login", {{"username", "alice"}, {"password", new_password}}).status, 200);
}

TEST_P(AuthTest, ProfileUpdateRefusesAnInvalidOrTakenEmail) {
    register_user("alice");
    register_user("bob");
    const auto session = login("alice");
    expect_invalid_fields(put("/api/v1/users/profile", {{"email", "no-at-sign"}}, session.access_token), {"email"});
    const auto taken = put("/api/v1/users/profile", {{"email", "BOB@example.com"}}, session.access_token);
    expect_error(taken, 409, "email_taken");
    EXPECT_EQ(call("GET", "/api/v1/users/me", "", session.access_token).json()["email"], "alice@example.com");
    // Keeping one's own email is not a conflict.
    EXPECT_EQ(put("/api/v1/users/profile", {{"email", "Alice@example.com"}}, session.access_token).status, 200);
}

// --- GET /api/v1/users, GET /api/v1/users/{id} ------------------------------

TEST_P(AuthTest, UserListIsPaginatedAndFilteredByQuery) {
    for (const char* name : {"anna", "annabel", "bert", "carl"}) {
        register_user(name);
    }
    const auto token = admin().access_token;  // root makes five users
    const auto all = call("GET", "/api/v1/users", "", token);
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_EQ(all.json()["total"], 5);
    EXPECT_EQ(all.json()["page"], 1);
    EXPECT_EQ(all.json()["per_page"], 20);
    EXPECT_EQ(all.json()["items"].size(), 5u);
    const auto items = all.json()["items"];
    for (const auto& u : items) {
        expect_user_shape(u);
    }

    const auto second = call("GET", "/api/v1/users?per_page=2&page=2", "", token).json();
    EXPECT_EQ(second["total"], 5);
    EXPECT_EQ(second["page"], 2);
    EXPECT_EQ(second["per_page"], 2);
    ASSERT_EQ(second["items"].size(), 2u);
    EXPECT_EQ(second["items"][0], all.json()["items"][2]);
    EXPECT_EQ(second["items"][1], all.json()["items"][3]);
    const auto last = call("GET", "/api/v1/users?per_page=2&page=3", "", token).json();
    EXPECT_EQ(last["items"].size(), 1u);
    EXPECT_EQ(call("GET", "/api/v1/users?per_page=2&page=4", "", token).json()["items"].size(), 0u);

    const auto anna = call("GET", "/api/v1/users?q=ANN", "", token).json();
    EXPECT_EQ(anna["total"], 2);
    std::set<std::string> names;
    for (const auto& u : anna["items"]) {
        names.insert(u["username"].get<std::string>());
    }
    EXPECT_EQ(names, (std::set<std::string>{"anna", "annabel"}));
    // LIKE wildcards in q are literal characters.
    EXPECT_EQ(call("GET", "/api/v1/users?q=%25", "", token).json()["total"], 0);
    EXPECT_EQ(call("GET", "/api/v1/users?q=_", "", token).json()["total"], 0);

    expect_error(call("GET", "/api/v1/users?per_page=101", "", token), 400, "bad_request");
    expect_error(call("GET", "/api/v1/users?page=0", "", token), 400, "bad_request");
    expect_error(call("GET", "/api/v1/users?page=two", "", token), 400, "bad_request");
    expect_error(call("GET", "/api/v1/users"), 401, "unauthorized");
}

TEST_P(AuthTest, GetUserByIdReturnsTheUserAnd404ForUnknownIds) {
    const auto bob = register_user("bob");
    register_user("alice");
    const auto session = login("alice");
    const auto r = call("GET", user_path(id_of(bob)), "", session.access_token);
    ASSERT_EQ(r.status, 200) << r.body;
    expect_user_shape(r.json());
    EXPECT_EQ(r.json()["username"], "bob");
    EXPECT_EQ(id_of(r.json()), id_of(bob));

    expect_error(call("GET", user_path(id_of(bob) + 1000), "", session.access_token), 404, "not_found");
    expect_error(call("GET", "/api/v1/users/abc", "", session.access_token), 404, "not_found");
    expect_error(call("GET", "/api/v1/users/0", "", session.access_token), 404, "not_found");
    expect_error(call("GET", user_path(id_of(bob))), 401, "unauthorized");
}

// --- PUT /api/v1/users/{id}/role, PUT /api/v1/users/{id}/active -------------

TEST_P(AuthTest, AnAdminChangesARoleAndItTakesEffectAtOnce) {
    const auto bob = register_user("bob");
    const auto carol = register_user("carol");
    const auto bob_session = login("bob");  // issued while bob is a member
    expect_error(put(user_path(id_of(carol)) + "/role", {{"role", "admin"}}, bob_session.access_token), 403,
                 "forbidden");

    const auto root = admin();
    const auto r = put(user_path(id_of(bob)) + "/role", {{"role", "admin"}}, root.access_token);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["role"], "admin");
    EXPECT_EQ(r.json()["email"], "bob@example.com");
    EXPECT_EQ(call("GET", "/api/v1/auth/me", "", bob_session.access_token).json()["role"], "admin");
    // The token bob already holds now carries his new role.
    const auto promoted = put(user_path(id_of(carol)) + "/role", {{"role", "admin"}}, bob_session.access_token);
    EXPECT_EQ(promoted.status, 200) << promoted.body;
    const auto demoted = put(user_path(id_of(carol)) + "/role", {{"role", "member"}}, root.access_token);
    ASSERT_EQ(demoted.status, 200) << demoted.body;
    EXPECT_EQ(demoted.json()["role"], "member");

    expect_invalid_fields(put(user_path(id_of(bob)) + "/role", {{"role", "owner"}}, root.access_token), {"role"});
    expect_invalid_fields(put(user_path(id_of(bob)) + "/role", nlohmann::json::object(), root.access_token), {"role"});
    expect_error(put(user_path(id_of(carol) + 1000) + "/role", {{"role", "admin"}}, root.access_token), 404,
                 "not_found");
}

TEST_P(AuthTest, AnAdminDeactivatesAndReactivatesAUser) {
    const auto bob = register_user("bob");
    const auto root = admin();
    const auto off = put(user_path(id_of(bob)) + "/active", {{"is_active", false}}, root.access_token);
    ASSERT_EQ(off.status, 200) << off.body;
    EXPECT_EQ(off.json()["is_active"], false);
    expect_error(post("/api/v1/auth/login", {{"username", "bob"}, {"password", kPassword}}), 403, "inactive");
    EXPECT_EQ(call("GET", user_path(id_of(bob)), "", root.access_token).json()["is_active"], false);

    const auto on = put(user_path(id_of(bob)) + "/active", {{"is_active", true}}, root.access_token);
    ASSERT_EQ(on.status, 200) << on.body;
    EXPECT_EQ(on.json()["is_active"], true);
    EXPECT_EQ(post("/api/v1/auth/login", {{"username", "bob"}, {"password", kPassword}}).status, 200);

    expect_invalid_fields(put(user_path(id_of(bob)) + "/active", {{"is_active", "no"}}, root.access_token),
                          {"is_active"});
    expect_invalid_fields(put(user_path(id_of(bob)) + "/active", nlohmann::json::object(), root.access_token),
                          {"is_active"});
    expect_error(put(user_path(id_of(bob) + 1000) + "/active", {{"is_active", false}}, root.access_token), 404,
                 "not_found");
}

INSTANTIATE_TEST_SUITE_P(Dialects, AuthTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test
