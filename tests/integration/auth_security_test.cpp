// The security promises of the auth plugin (issue 3), through the real server
// on real sockets: forged, expired and tampered tokens; logout and refresh
// rotation with reuse detection; deactivation; admin-only changes and the last
// administrator; login throttling; the first administrator from the CLI and
// from config; and no secret in the server's log.
#include "../support/api_assertions.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"
#include "../support/test_env.hpp"

#include "jwt_codec.hpp"
#include "secrets.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace tasklane::test {
namespace {

// At least 32 bytes, as the plugin requires outside development runs.
constexpr const char* kJwtSecret = "security-test-secret-0123456789-abcdefghijklmn";
constexpr const char* kAdminPassword = "root-password-123";
constexpr const char* kPassword = "correct-horse-42";

// The auth section (it replaces the default one as a whole): libsodium's
// cheapest argon2id cost keeps each hash at a few milliseconds. `more` is
// further keys of the section, indented by two spaces.
std::string auth_yaml(const std::string& more = "", bool bootstrap_admin = true) {
    std::string yaml = std::string("auth:\n  jwt_secret: \"") + kJwtSecret +
                       "\"\n  password:\n    ops_limit: 1\n    mem_limit: 8MiB\n";
    if (bootstrap_admin) {
        yaml += std::string("  bootstrap_admin:\n    username: root\n    email: root@example.com\n    password: \"") +
                kAdminPassword + "\"\n";
    }
    return yaml + more;
}

std::string throttle_yaml(int per_address, int per_account) {
    return "  login_throttle:\n    per_address: " + std::to_string(per_address) +
           "\n    per_account: " + std::to_string(per_account) + "\n    window: 1m\n";
}


void expect_unauthorized(const HttpResult& r) { expect_error(r, 401, "unauthorized"); }

// 429 with a Retry-After of whole seconds within the configured 1 minute window.
void expect_throttled(const HttpResult& r) {
    expect_error(r, 429, "too_many_attempts");
    const auto retry_after = r.header("retry-after");
    ASSERT_TRUE(std::regex_match(retry_after, std::regex("[0-9]+"))) << "Retry-After: '" << retry_after << "'";
    EXPECT_GE(std::stoi(retry_after), 1);
    EXPECT_LE(std::stoi(retry_after), 60);
}

// --- Forging JWTs ------------------------------------------------------------

std::string base64url(const std::string& bytes) {
    const auto variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      variant);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::string unbase64url(const std::string& text) {
    std::string out(text.size(), '\0');
    std::size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                          &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
        throw std::runtime_error("not base64url: " + text);
    }
    out.resize(length);
    return out;
}

enum class Signature { None, Hs256, Hs512 };

std::string hmac(Signature alg, const std::string& secret, const std::string& data) {
    const auto* key = reinterpret_cast<const unsigned char*>(secret.data());
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    if (alg == Signature::Hs256) {
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state state;
        crypto_auth_hmacsha256_init(&state, key, secret.size());
        crypto_auth_hmacsha256_update(&state, in, data.size());
        crypto_auth_hmacsha256_final(&state, mac);
        return std::string(reinterpret_cast<char*>(mac), sizeof mac);
    }
    unsigned char mac[crypto_auth_hmacsha512_BYTES];
    crypto_auth_hmacsha512_state state;
    crypto_auth_hmacsha512_init(&state, key, secret.size());
    crypto_auth_hmacsha512_update(&state, in, data.size());
    crypto_auth_hmacsha512_final(&state, mac);
    return std::string(reinterpret_cast<char*>(mac), sizeof mac);
}

// A compact JWS built by hand, so the header can say anything.
std::string forge(Signature alg, const nlohmann::json& claims, const std::string& secret = kJwtSecret) {
    const char* name = alg == Signature::None ? "none" : alg == Signature::Hs256 ? "HS256" : "HS512";
    const auto signing_input =
        base64url(nlohmann::json{{"alg", name}, {"typ", "JWT"}}.dump()) + "." + base64url(claims.dump());
    return signing_input + "." + (alg == Signature::None ? "" : base64url(hmac(alg, secret, signing_input)));
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// What the server itself would put in an access token for this user.
nlohmann::json claims_for(std::int64_t user_id, const std::string& role = "member") {
    const auto now = now_seconds();
    return {{"sub", std::to_string(user_id)}, {"role", role},      {"jti", tasklane::secrets::random_token(16)},
            {"iss", "tasklane"},              {"iat", now - 5},    {"exp", now + 600}};
}

// --- HTTP from another loopback address ---------------------------------------

// One request with Connection: close from `source` (e.g. 127.0.0.2) to the
// server on 127.0.0.1: the server sees another client address.
HttpResult http_from(const std::string& source, std::uint16_t port, const std::string& target,
                     const nlohmann::json& body) {
    struct Fd {
        int fd;
        ~Fd() { ::close(fd); }
    } socket_fd{::socket(AF_INET, SOCK_STREAM, 0)};
    timeval timeout{10, 0};
    ::setsockopt(socket_fd.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(socket_fd.fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
        ::connect(socket_fd.fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
        throw std::runtime_error("cannot connect from " + source);
    }
    const auto payload = body.dump();
    const auto request = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                         "Content-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) +
                         "\r\n\r\n" + payload;
    if (::send(socket_fd.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
        throw std::runtime_error("send failed");
    }
    // Read until the head and Content-Length bytes of body are in: the server
    // need not close the connection.
    std::string raw;
    std::size_t head_end = std::string::npos;
    std::size_t length = 0;
    char chunk[4096];
    while (head_end == std::string::npos || raw.size() < head_end + 4 + length) {
        const auto n = ::recv(socket_fd.fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            throw std::runtime_error("incomplete HTTP response from the server: " + raw);
        }
        raw.append(chunk, static_cast<std::size_t>(n));
        head_end = raw.find("\r\n\r\n");
        if (head_end != std::string::npos) {
            std::smatch m;
            const auto head = raw.substr(0, head_end);
            if (std::regex_search(head, m, std::regex("\r\n[Cc]ontent-[Ll]ength: *([0-9]+)"))) {
                length = std::stoul(m[1]);
            }
        }
    }
    HttpResult result;
    result.status = std::stoi(raw.substr(raw.find(' ') + 1, 3));
    std::istringstream head(raw.substr(0, head_end));
    std::string line;
    std::getline(head, line);
    while (std::getline(head, line)) {
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            for (auto& c : name) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            auto value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            value.erase(value.find_last_not_of("\r ") + 1);
            result.headers[name] = value;
        }
    }
    result.body = raw.substr(head_end + 4, length);
    return result;
}

// --- The real executable -----------------------------------------------------

std::string shell_quoted(const std::string& text) { return "'" + text + "'"; }

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// --- Fixtures ----------------------------------------------------------------

struct Session {
    std::string access_token;
    std::string refresh_token;
};

class AuthSecurityFixture : public ::testing::Test {
protected:
    void TearDown() override {
        server_.reset();
        db_.reset();
    }

    // A fresh database and the server on it, with `auth` as the auth section.
    void start(sdk::Dialect dialect, const std::string& auth = auth_yaml()) {
        db_ = std::make_unique<TestDatabase>(dialect, dir_);
        config_ = write_config(dir_, db_->url(), plugin_dir(), "auth, hello", auth);
        server_ = std::make_unique<TestServer>(config_);
    }
    std::uint16_t port() const { return server_->port(); }

    HttpResult call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::string& token = "") {
        std::map<std::string, std::string> headers;
        if (!token.empty()) {
            headers["Authorization"] = "Bearer " + token;
        }
        return http(port(), method, target, body, headers);
    }
    HttpResult with_authorization(const std::string& target, const std::string& authorization) {
        return http(port(), "GET", target, "", {{"Authorization", authorization}});
    }
    HttpResult post(const std::string& target, const nlohmann::json& body, const std::string& token = "") {
        return call("POST", target, body.dump(), token);
    }
    HttpResult put(const std::string& target, const nlohmann::json& body, const std::string& token = "") {
        return call("PUT", target, body.dump(), token);
    }
    HttpResult me(const std::string& token) { return call("GET", "/api/v1/auth/me", "", token); }
    HttpResult try_login(const std::string& login_name, const std::string& password = kPassword) {
        return post("/api/v1/auth/login", {{"username", login_name}, {"password", password}});
    }
    HttpResult try_refresh(const std::string& refresh_token) {
        return post("/api/v1/auth/refresh", {{"refresh_token", refresh_token}});
    }

    std::int64_t register_user(const std::string& username, const std::string& password = kPassword) {
        const auto r = post("/api/v1/auth/register",
                            {{"email", username + "@example.com"}, {"username", username}, {"password", password}});
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false).value("id", std::int64_t{0});
    }
    static Session session_of(const HttpResult& r) {
        EXPECT_EQ(r.status, 200) << r.body;
        const auto body = nlohmann::json::parse(r.body, nullptr, false);
        return {body.value("access_token", ""), body.value("refresh_token", "")};
    }
    Session login(const std::string& login_name, const std::string& password = kPassword) {
        return session_of(try_login(login_name, password));
    }
    Session refresh(const std::string& refresh_token) { return session_of(try_refresh(refresh_token)); }
    Session admin() { return login("root", kAdminPassword); }
    std::int64_t admin_id() { return me(admin().access_token).json().value("id", std::int64_t{0}); }
    static std::string user_path(std::int64_t id) { return "/api/v1/users/" + std::to_string(id); }

    TempDir dir_;
    std::unique_ptr<TestDatabase> db_;
    std::string config_;
    std::unique_ptr<TestServer> server_;
};

// Checking a token does not depend on the SQL dialect: one database suffices.
class TokenSecurityTest : public AuthSecurityFixture {
protected:
    void SetUp() override {
        tasklane::secrets::init_sodium();
        start(sdk::Dialect::Sqlite);
        member_id_ = register_user("alice");
    }
    std::int64_t member_id_ = 0;
};

// The throttle lives in the server's memory: one database suffices.
class LoginThrottleTest : public AuthSecurityFixture {};

// Sessions, roles and accounts are database state: both dialects.
class AccountSecurityTest : public AuthSecurityFixture, public ::testing::WithParamInterface<sdk::Dialect> {
protected:
    void start_server(const std::string& auth = auth_yaml()) { start(GetParam(), auth); }
};

// --- Tokens --------------------------------------------------------------------

TEST_F(TokenSecurityTest, AnHs256TokenSignedWithTheServerSecretIsAccepted) {
    // The control for the forgeries below: the hand-made token is well formed.
    const auto r = me(forge(Signature::Hs256, claims_for(member_id_)));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["username"], "alice");
}

TEST_F(TokenSecurityTest, AnAlgNoneTokenIs401) {
    const auto claims = claims_for(member_id_);
    expect_unauthorized(me(forge(Signature::None, claims)));
    // "none" with a valid HS256 signature attached is refused too.
    const auto signed_token = forge(Signature::Hs256, claims);
    const auto none_token = forge(Signature::None, claims);
    expect_unauthorized(me(none_token + signed_token.substr(signed_token.rfind('.') + 1)));
    // And without the trailing dot.
    expect_unauthorized(me(none_token.substr(0, none_token.size() - 1)));
}

TEST_F(TokenSecurityTest, AnHs512TokenSignedWithTheSameSecretIs401) {
    expect_unauthorized(me(forge(Signature::Hs512, claims_for(member_id_))));
}

TEST_F(TokenSecurityTest, ATokenSignedWithAnotherSecretIs401) {
    expect_unauthorized(me(forge(Signature::Hs256, claims_for(member_id_), "another-secret-of-at-least-32-bytes!!")));
    // The real encoder with another secret.
    auth::JwtCodec other("yet-another-secret-0123456789abcdefghij");
    auth::AccessClaims claims;
    claims.user_id = member_id_;
    claims.role = "member";
    claims.jti = tasklane::secrets::random_token(16);
    claims.issued_at = now_seconds();
    claims.expires_at = claims.issued_at + 600;
    expect_unauthorized(me(other.encode(claims)));
}

TEST_F(TokenSecurityTest, AnExpiredTokenIs401) {
    auth::JwtCodec codec(kJwtSecret);
    auth::AccessClaims claims;
    claims.user_id = member_id_;
    claims.role = "member";
    claims.jti = tasklane::secrets::random_token(16);
    claims.issued_at = now_seconds() - 3600;
    claims.expires_at = now_seconds() - 1;
    expect_unauthorized(me(codec.encode(claims)));
    // The same token one hour later is fine: only the expiry was wrong.
    claims.expires_at = now_seconds() + 3600;
    EXPECT_EQ(me(codec.encode(claims)).status, 200);
}

TEST_F(TokenSecurityTest, ATamperedTokenIs401) {
    const auto token = login("alice").access_token;
    ASSERT_EQ(me(token).status, 200);
    const auto first_dot = token.find('.');
    const auto last_dot = token.rfind('.');
    ASSERT_NE(first_dot, last_dot) << token;

    // Claims rewritten to someone else's id and the admin role, signature kept.
    auto claims = nlohmann::json::parse(unbase64url(token.substr(first_dot + 1, last_dot - first_dot - 1)));
    ASSERT_EQ(claims["sub"], std::to_string(member_id_));
    claims["sub"] = std::to_string(admin_id());
    claims["role"] = "admin";
    const auto elevated = token.substr(0, first_dot + 1) + base64url(claims.dump()) + token.substr(last_dot);
    expect_unauthorized(me(elevated));
    expect_unauthorized(put(user_path(member_id_) + "/role", {{"role", "admin"}}, elevated));

    // One signature byte changed.
    auto signature = unbase64url(token.substr(last_dot + 1));
    signature[signature.size() / 2] = static_cast<char>(signature[signature.size() / 2] ^ 0x01);
    expect_unauthorized(me(token.substr(0, last_dot + 1) + base64url(signature)));
    // Signature removed.
    expect_unauthorized(me(token.substr(0, last_dot + 1)));
}

TEST_F(TokenSecurityTest, GarbageInTheAuthorizationHeaderIs401) {
    const auto token = login("alice").access_token;
    for (const auto& authorization :
         {std::string("Bearer garbage"), std::string("Bearer a.b.c"), std::string("Bearer ..."),
          std::string("Bearer "), std::string("Bearer"), std::string("Basic YWxpY2U6cGFzc3dvcmQ="), token,
          "Bearer " + token + "x", "Bearer x" + token, "Bearer " + std::string(9000, 'a'),
          "Bearer " + base64url("{\"alg\":\"HS256\"}") + ".." + base64url("sig")}) {
        SCOPED_TRACE(authorization.substr(0, 60));
        expect_unauthorized(with_authorization("/api/v1/auth/me", authorization));
    }
    // The same token, properly presented, works.
    EXPECT_EQ(with_authorization("/api/v1/auth/me", "bearer " + token).status, 200);
}

TEST_F(TokenSecurityTest, AValidlySignedTokenForAUserWhoDoesNotExistIs401) {
    expect_unauthorized(me(forge(Signature::Hs256, claims_for(member_id_ + 1000))));
}

TEST_F(TokenSecurityTest, TheRoleComesFromTheDatabaseNotFromTheToken) {
    // Even correctly signed, a token's role claim grants nothing.
    const auto token = forge(Signature::Hs256, claims_for(member_id_, "admin"));
    ASSERT_EQ(me(token).status, 200);
    EXPECT_EQ(me(token).json()["role"], "member");
    expect_error(put(user_path(member_id_) + "/role", {{"role", "admin"}}, token), 403, "forbidden");
}

// --- Login throttling ----------------------------------------------------------

TEST_F(LoginThrottleTest, WrongPasswordsLockTheAccountWith429AndRetryAfterButNotOtherAccounts) {
    start(sdk::Dialect::Sqlite, auth_yaml(throttle_yaml(/*per_address=*/10, /*per_account=*/3)));
    register_user("alice");
    register_user("bob");
    for (int attempt = 1; attempt <= 3; ++attempt) {
        SCOPED_TRACE(attempt);
        expect_unauthorized(try_login("alice", "wrong-password"));
    }
    expect_throttled(try_login("alice", "wrong-password"));
    // Locked: even the right password waits.
    expect_throttled(try_login("alice"));
    expect_throttled(try_login("ALICE"));
    // Another account from the same address is not locked out.
    EXPECT_EQ(try_login("bob").status, 200);
}

TEST_F(LoginThrottleTest, AnUnknownAccountIsThrottledExactlyLikeAKnownOne) {
    start(sdk::Dialect::Sqlite, auth_yaml(throttle_yaml(/*per_address=*/10, /*per_account=*/2)));
    register_user("alice");
    for (int attempt = 1; attempt <= 2; ++attempt) {
        const auto known = try_login("alice", "wrong-password");
        const auto unknown = try_login("ghost", "wrong-password");
        expect_unauthorized(known);
        expect_unauthorized(unknown);
        EXPECT_EQ(known.json()["error"]["message"], unknown.json()["error"]["message"]);
    }
    const auto known = try_login("alice", "wrong-password");
    const auto unknown = try_login("ghost", "wrong-password");
    expect_throttled(known);
    expect_throttled(unknown);
    EXPECT_EQ(known.json()["error"]["code"], unknown.json()["error"]["code"]);
}

TEST_F(LoginThrottleTest, TheAccountLimitCountsLoginsByUsernameAndByEmailTogether) {
    start(sdk::Dialect::Sqlite, auth_yaml(throttle_yaml(/*per_address=*/20, /*per_account=*/3)));
    register_user("alice");
    // Alternating the two names of one account must not double its attempts.
    expect_unauthorized(try_login("alice", "wrong-password"));
    expect_unauthorized(try_login("alice@example.com", "wrong-password"));
    expect_unauthorized(try_login("alice", "wrong-password"));
    expect_throttled(try_login("alice@example.com", "wrong-password"));
    expect_throttled(try_login("alice@example.com"));
}

TEST_F(LoginThrottleTest, HammeringFromOneAddressReaches429ButAnotherAddressIsNotLockedOut) {
    start(sdk::Dialect::Sqlite, auth_yaml(throttle_yaml(/*per_address=*/4, /*per_account=*/10)));
    register_user("alice");
    for (const char* name : {"u1", "u2", "u3", "alice"}) {
        SCOPED_TRACE(name);
        expect_unauthorized(try_login(name, "wrong-password"));
    }
    // The address is locked for every account, the right password included.
    expect_throttled(try_login("u5", "wrong-password"));
    expect_throttled(try_login("alice"));
    // The same account from another client address logs in.
    const auto elsewhere = http_from("127.0.0.2", port(), "/api/v1/auth/login",
                                     {{"username", "alice"}, {"password", kPassword}});
    EXPECT_EQ(elsewhere.status, 200) << elsewhere.body;
    EXPECT_TRUE(elsewhere.json().contains("access_token")) << elsewhere.body;
}

TEST_F(LoginThrottleTest, ASuccessfulLoginClearsTheAccountsFailures) {
    start(sdk::Dialect::Sqlite, auth_yaml(throttle_yaml(/*per_address=*/20, /*per_account=*/3)));
    register_user("alice");
    expect_unauthorized(try_login("alice", "wrong-password"));
    expect_unauthorized(try_login("alice", "wrong-password"));
    EXPECT_EQ(try_login("alice").status, 200);
    expect_unauthorized(try_login("alice", "wrong-password"));
    expect_unauthorized(try_login("alice", "wrong-password"));
    EXPECT_EQ(try_login("alice").status, 200);
}

// --- Logout and refresh rotation -------------------------------------------------

TEST_P(AccountSecurityTest, LogoutRevokesTheAccessAndRefreshTokenButNotOtherSessions) {
    start_server();
    register_user("alice");
    const auto laptop = login("alice");
    const auto phone = login("alice");
    ASSERT_EQ(post("/api/v1/auth/logout", {{"refresh_token", laptop.refresh_token}}, laptop.access_token).status, 204);
    expect_unauthorized(me(laptop.access_token));
    expect_unauthorized(call("POST", "/api/v1/auth/logout", "", laptop.access_token));
    expect_unauthorized(try_refresh(laptop.refresh_token));
    // The other session of the same user lives on.
    EXPECT_EQ(me(phone.access_token).status, 200);
    EXPECT_EQ(try_refresh(phone.refresh_token).status, 200);
}

TEST_P(AccountSecurityTest, LogoutWithoutARefreshTokenStillRevokesTheAccessToken) {
    start_server();
    register_user("alice");
    const auto session = login("alice");
    ASSERT_EQ(call("POST", "/api/v1/auth/logout", "", session.access_token).status, 204);
    expect_unauthorized(me(session.access_token));
}

TEST_P(AccountSecurityTest, LogoutIgnoresSomeoneElsesRefreshToken) {
    start_server();
    register_user("alice");
    register_user("bob");
    const auto alice = login("alice");
    const auto bob = login("bob");
    EXPECT_EQ(post("/api/v1/auth/logout", {{"refresh_token", alice.refresh_token}}, bob.access_token).status, 204);
    expect_unauthorized(me(bob.access_token));
    EXPECT_EQ(try_refresh(alice.refresh_token).status, 200);
}

TEST_P(AccountSecurityTest, RefreshRotationRetiresThePreviousRefreshToken) {
    start_server(auth_yaml("  refresh_reuse_grace: 0s\n"));  // no grace: any reuse is theft
    register_user("alice");
    const auto first = login("alice");
    const auto second = refresh(first.refresh_token);
    EXPECT_NE(second.refresh_token, first.refresh_token);
    // Rotation alone retires no access token.
    EXPECT_EQ(me(first.access_token).status, 200);
    EXPECT_EQ(me(second.access_token).status, 200);
    // Presenting the retired refresh token again is reuse: refused, and the
    // whole family's access tokens die with it.
    expect_unauthorized(try_refresh(first.refresh_token));
    expect_unauthorized(me(second.access_token));
}

TEST_P(AccountSecurityTest, ReusingARotatedRefreshTokenRevokesTheFamily) {
    start_server(auth_yaml("  refresh_reuse_grace: 0s\n"));  // no grace: any reuse is theft
    register_user("alice");
    const auto stolen = login("alice");
    const auto other_login = login("alice");  // another family
    const auto second = refresh(stolen.refresh_token);
    const auto newest = refresh(second.refresh_token);

    const auto reuse = try_refresh(stolen.refresh_token);
    expect_unauthorized(reuse);
    // The newest token of the family, never used, is dead too, and so is the middle one.
    expect_unauthorized(try_refresh(newest.refresh_token));
    expect_unauthorized(try_refresh(second.refresh_token));
    // Another family of the same user is untouched.
    const auto other = try_refresh(other_login.refresh_token);
    EXPECT_EQ(other.status, 200) << other.body;
}

TEST_P(AccountSecurityTest, ReusingTheMiddleTokenOfAFamilyRevokesItToo) {
    start_server(auth_yaml("  refresh_reuse_grace: 0s\n"));  // no grace: any reuse is theft
    register_user("alice");
    const auto first = login("alice");
    const auto second = refresh(first.refresh_token);
    const auto third = refresh(second.refresh_token);
    expect_unauthorized(try_refresh(second.refresh_token));
    expect_unauthorized(try_refresh(third.refresh_token));
}

TEST_P(AccountSecurityTest, AClientThatLostTheRotationsAnswerMayRefreshAgainWithinTheGrace) {
    start_server(auth_yaml("  refresh_reuse_grace: 1s\n"));
    register_user("alice");
    const auto first = login("alice");
    const auto lost = refresh(first.refresh_token);  // the answer never reached the client
    const auto again = try_refresh(first.refresh_token);
    ASSERT_EQ(again.status, 200) << again.body;
    const auto kept = again.json()["refresh_token"].get<std::string>();
    EXPECT_EQ(me(again.json()["access_token"].get<std::string>()).status, 200);
    EXPECT_EQ(me(lost.access_token).status, 200);

    // After the grace, the same reuse is theft: the whole family goes.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    expect_unauthorized(try_refresh(first.refresh_token));
    expect_unauthorized(try_refresh(kept));
    expect_unauthorized(try_refresh(lost.refresh_token));
}

// --- Deactivation ------------------------------------------------------------------

TEST_P(AccountSecurityTest, ADeactivatedUserGets403WithTheRightPasswordAnd401WithAWrongOne) {
    start_server();
    const auto bob = register_user("bob");
    ASSERT_EQ(put(user_path(bob) + "/active", {{"is_active", false}}, admin().access_token).status, 200);
    expect_error(try_login("bob"), 403, "inactive");
    expect_error(try_login("bob@example.com"), 403, "inactive");
    const auto wrong = try_login("bob", "wrong-password");
    const auto unknown = try_login("nobody", "wrong-password");
    expect_unauthorized(wrong);
    expect_unauthorized(unknown);
    EXPECT_EQ(wrong.json()["error"]["message"], unknown.json()["error"]["message"]);
}

TEST_P(AccountSecurityTest, DeactivationRevokesTheUsersAccessAndRefreshTokens) {
    start_server();
    const auto bob = register_user("bob");
    const auto session = login("bob");
    const auto root = admin();
    ASSERT_EQ(me(session.access_token).status, 200);
    ASSERT_EQ(put(user_path(bob) + "/active", {{"is_active", false}}, root.access_token).status, 200);
    expect_unauthorized(me(session.access_token));
    expect_unauthorized(call("GET", "/api/v1/users", "", session.access_token));
    expect_unauthorized(try_refresh(session.refresh_token));

}

TEST_P(AccountSecurityTest, ReactivationDoesNotReviveTokensRevokedByDeactivation) {
    start_server();
    const auto bob = register_user("bob");
    const auto session = login("bob");
    const auto root = admin();
    ASSERT_EQ(put(user_path(bob) + "/active", {{"is_active", false}}, root.access_token).status, 200);
    ASSERT_EQ(put(user_path(bob) + "/active", {{"is_active", true}}, root.access_token).status, 200);
    expect_unauthorized(try_refresh(session.refresh_token));
    expect_unauthorized(me(session.access_token));
    // A fresh login works again.
    EXPECT_EQ(me(login("bob").access_token).status, 200);
}

// Two admins demote each other at the same moment: one may win, the other
// must be refused, or no administrator is left. A race, so it is run a number of
// rounds; once the rule holds under a lock every round passes.
TEST_P(AccountSecurityTest, ConcurrentDemotionsNeverLeaveNoActiveAdmin) {
    start_server();
    const auto bob = register_user("bob");
    const auto root = admin().access_token;
    const auto root_id = admin_id();
    const std::string demote = R"({"role":"member"})";
    for (int round = 1; round <= 30; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        ASSERT_EQ(put(user_path(bob) + "/role", {{"role", "admin"}}, root).status, 200);
        const auto bob_token = login("bob").access_token;
        // Connected before either request is sent, so the two arrive together.
        HttpConnection root_connection(port());
        HttpConnection bob_connection(port());
        HttpResult root_demotes_bob;
        HttpResult bob_demotes_root;
        std::thread first([&] {
            root_demotes_bob =
                root_connection.request("PUT", user_path(bob) + "/role", demote, {{"Authorization", "Bearer " + root}});
        });
        std::thread second([&] {
            bob_demotes_root = bob_connection.request("PUT", user_path(root_id) + "/role", demote,
                                                      {{"Authorization", "Bearer " + bob_token}});
        });
        first.join();
        second.join();
        const bool bob_demoted = root_demotes_bob.status == 200;
        const bool root_demoted = bob_demotes_root.status == 200;
        ASSERT_NE(bob_demoted, root_demoted) << "root demotes bob: " << root_demotes_bob.status << " "
                                             << root_demotes_bob.body << "\nbob demotes root: "
                                             << bob_demotes_root.status << " " << bob_demotes_root.body;
        // The loser is refused as the last admin, or as no admin any more if
        // the winner committed before the loser's request was authenticated.
        const auto& loser = bob_demoted ? bob_demotes_root : root_demotes_bob;
        EXPECT_TRUE(loser.status == 409 || loser.status == 403) << loser.body;
        expect_error(loser, loser.status, loser.status == 409 ? "last_admin" : "forbidden");
        if (root_demoted) {
            ASSERT_EQ(put(user_path(root_id) + "/role", {{"role", "admin"}}, bob_token).status, 200);
        }
    }
}

// --- Roles and the last administrator ------------------------------------------------

TEST_P(AccountSecurityTest, ChangingARoleOrActivationIsAdminOnly) {
    start_server();
    const auto alice = register_user("alice");
    const auto bob = register_user("bob");
    const auto member = login("alice").access_token;
    for (const auto& [path, body] : {std::pair{user_path(bob) + "/role", nlohmann::json{{"role", "admin"}}},
                                     std::pair{user_path(alice) + "/role", nlohmann::json{{"role", "admin"}}},
                                     std::pair{user_path(bob) + "/active", nlohmann::json{{"is_active", false}}},
                                     std::pair{user_path(admin_id()) + "/active", nlohmann::json{{"is_active", false}}}}) {
        SCOPED_TRACE(path);
        expect_error(put(path, body, member), 403, "forbidden");
        expect_unauthorized(put(path, body));
    }
    // Nothing changed.
    const auto root = admin().access_token;
    EXPECT_EQ(call("GET", user_path(alice), "", root).json()["role"], "member");
    EXPECT_EQ(call("GET", user_path(bob), "", root).json()["role"], "member");
    EXPECT_EQ(call("GET", user_path(bob), "", root).json()["is_active"], true);
    EXPECT_EQ(me(root).json()["is_active"], true);
}

TEST_P(AccountSecurityTest, TheLastActiveAdminCannotBeDemotedOrDeactivated) {
    start_server();
    const auto bob = register_user("bob");
    const auto root = admin().access_token;
    const auto root_id = admin_id();
    expect_error(put(user_path(root_id) + "/role", {{"role", "member"}}, root), 409, "last_admin");
    expect_error(put(user_path(root_id) + "/active", {{"is_active", false}}, root), 409, "last_admin");
    EXPECT_EQ(me(root).json()["role"], "admin");
    EXPECT_EQ(me(root).json()["is_active"], true);

    // With a second admin, one of them may step down; then the other is the last.
    ASSERT_EQ(put(user_path(bob) + "/role", {{"role", "admin"}}, root).status, 200);
    ASSERT_EQ(put(user_path(root_id) + "/role", {{"role", "member"}}, root).status, 200);
    const auto bob_token = login("bob").access_token;
    expect_error(put(user_path(bob) + "/role", {{"role", "member"}}, bob_token), 409, "last_admin");
    expect_error(put(user_path(bob) + "/active", {{"is_active", false}}, bob_token), 409, "last_admin");
    // Setting what already holds is no change and no conflict.
    EXPECT_EQ(put(user_path(bob) + "/role", {{"role", "admin"}}, bob_token).status, 200);
}

TEST_P(AccountSecurityTest, AnInactiveAdminDoesNotCountTowardsKeepingAnAdmin) {
    start_server();
    const auto bob = register_user("bob");
    const auto root = admin().access_token;
    const auto root_id = admin_id();
    ASSERT_EQ(put(user_path(bob) + "/role", {{"role", "admin"}}, root).status, 200);
    ASSERT_EQ(put(user_path(bob) + "/active", {{"is_active", false}}, root).status, 200);
    expect_error(put(user_path(root_id) + "/role", {{"role", "member"}}, root), 409, "last_admin");
    expect_error(put(user_path(root_id) + "/active", {{"is_active", false}}, root), 409, "last_admin");
}

// --- Emails in the user list ------------------------------------------------------------

TEST_P(AccountSecurityTest, EmailsAreShownToAdminsAndToTheUserThemselfOnly) {
    start_server();
    const auto alice = register_user("alice");
    const auto bob = register_user("bob");
    const auto member = login("alice").access_token;
    const auto list = call("GET", "/api/v1/users", "", member);
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(list.json()["items"].size(), 3u) << list.body;
    const auto items = list.json()["items"];
    for (const auto& user : items) {
        if (user["id"] == alice) {
            EXPECT_EQ(user["email"], "alice@example.com");
        } else {
            EXPECT_FALSE(user.contains("email")) << user;
        }
    }
    EXPECT_FALSE(call("GET", user_path(bob), "", member).json().contains("email"));
    EXPECT_FALSE(call("GET", user_path(admin_id()), "", member).json().contains("email"));
    EXPECT_EQ(call("GET", user_path(alice), "", member).json()["email"], "alice@example.com");
    // A search that matches bob's email still does not show it to a member.
    const auto found = call("GET", "/api/v1/users?q=bob%40example", "", member).json()["items"];
    ASSERT_EQ(found.size(), 1u);
    for (const auto& user : found) {
        EXPECT_FALSE(user.contains("email")) << user;
    }

    const auto root = admin().access_token;
    const auto seen_by_admin = call("GET", "/api/v1/users", "", root).json()["items"];
    ASSERT_EQ(seen_by_admin.size(), 3u);
    for (const auto& user : seen_by_admin) {
        EXPECT_TRUE(user["email"].is_string()) << user;
    }
    EXPECT_EQ(call("GET", user_path(bob), "", root).json()["email"], "bob@example.com");
}

// --- The first administrator ------------------------------------------------------------

TEST_P(AccountSecurityTest, BootstrapAdminFromConfigIsCreatedOnce) {
    start_server();
    const auto root = admin();
    const auto profile = me(root.access_token).json();
    EXPECT_EQ(profile["role"], "admin");
    EXPECT_EQ(profile["email"], "root@example.com");
    const std::string changed = "changed-root-password";
    ASSERT_EQ(put("/api/v1/users/profile", {{"password", changed}, {"current_password", kAdminPassword}},
                  root.access_token)
                  .status,
              200);

    // A restart with the same config finds root and leaves it alone.
    server_.reset();
    server_ = std::make_unique<TestServer>(config_);
    expect_unauthorized(try_login("root", kAdminPassword));
    const auto again = login("root", changed);
    const auto users = call("GET", "/api/v1/users", "", again.access_token);
    ASSERT_EQ(users.status, 200) << users.body;
    EXPECT_EQ(users.json()["total"], 1);
    EXPECT_EQ(users.json()["items"][0]["id"], profile["id"]);
    EXPECT_EQ(users.json()["items"][0]["role"], "admin");
}

TEST_P(AccountSecurityTest, UserCreateCommandMakesAnAdministratorAndRefusesADuplicate) {
    db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
    config_ = write_config(dir_, db_->url(), plugin_dir(), "auth, hello", auth_yaml("", /*bootstrap_admin=*/false));
    const std::string password = "boss-password-77";
    const auto create = [&](const std::string& arguments) {
        return run_command(shell_quoted(tasklane_binary()) + " user create --config " + shell_quoted(config_) + " " + arguments);
    };
    const auto created = create("--admin --username boss --email boss@example.com --password " + password);
    ASSERT_EQ(created.exit_code, 0) << created.output;
    EXPECT_TRUE(contains(created.output, "created admin 'boss'")) << created.output;
    EXPECT_FALSE(contains(created.output, password)) << created.output;

    const auto duplicate = create("--admin --username BOSS --email other@example.com --password " + password);
    EXPECT_NE(duplicate.exit_code, 0) << duplicate.output;
    EXPECT_TRUE(contains(duplicate.output, "already registered")) << duplicate.output;
    const auto same_email = create("--username boss2 --email Boss@Example.com --password " + password);
    EXPECT_NE(same_email.exit_code, 0) << same_email.output;

    server_ = std::make_unique<TestServer>(config_);
    const auto bob = register_user("bob");
    const auto boss = login("boss", password);
    EXPECT_EQ(me(boss.access_token).json()["role"], "admin");
    const auto promoted = put(user_path(bob) + "/role", {{"role", "admin"}}, boss.access_token);
    EXPECT_EQ(promoted.status, 200) << promoted.body;
    EXPECT_EQ(promoted.json()["role"], "admin");
    // Exactly two users: the refused commands stored nothing.
    EXPECT_EQ(call("GET", "/api/v1/users", "", boss.access_token).json()["total"], 2);
}

// --- Logs ------------------------------------------------------------------------------------

TEST_P(AccountSecurityTest, SecretsNeverReachTheLog) {
    db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
    const auto config = write_config(dir_, db_->url(), plugin_dir(), "auth, hello",
                                     auth_yaml() + "logging:\n  level: debug\n  format: json\n");
    ServerProcess server(config, dir_.file("serve.log"));
    const auto server_port = server.wait_for_port();
    ASSERT_NE(server_port, 0) << server.log();
    const auto send = [&](const std::string& method, const std::string& target, const nlohmann::json& body,
                          const std::string& token = "") {
        std::map<std::string, std::string> headers;
        if (!token.empty()) {
            headers["Authorization"] = "Bearer " + token;
        }
        return http(server_port, method, target, body.is_null() ? "" : body.dump(), headers);
    };
    const std::string password = "Alice-Secret-Pw-1";
    const std::string wrong_password = "Wrong-Secret-Pw-2";
    const std::string new_password = "Alice-Secret-Pw-3";
    ASSERT_EQ(send("POST", "/api/v1/auth/register",
                   {{"email", "alice@example.com"}, {"username", "alice"}, {"password", password}})
                  .status,
              201);
    ASSERT_EQ(send("POST", "/api/v1/auth/login", {{"username", "alice"}, {"password", wrong_password}}).status, 401);
    const auto login_result = send("POST", "/api/v1/auth/login", {{"username", "alice"}, {"password", password}});
    const auto first = session_of(login_result);
    const auto second = session_of(send("POST", "/api/v1/auth/refresh", {{"refresh_token", first.refresh_token}}));
    ASSERT_EQ(send("GET", "/api/v1/auth/me", nullptr, second.access_token).status, 200);
    ASSERT_EQ(send("PUT", "/api/v1/users/profile", {{"password", new_password}, {"current_password", password}},
                   second.access_token)
                  .status,
              200);
    const auto third = session_of(send("POST", "/api/v1/auth/login", {{"username", "alice"}, {"password", new_password}}));
    ASSERT_EQ(send("POST", "/api/v1/auth/logout", {{"refresh_token", third.refresh_token}}, third.access_token).status,
              204);
    // Refused tokens are not echoed either.
    ASSERT_EQ(send("GET", "/api/v1/auth/me", nullptr, third.access_token).status, 401);
    ASSERT_EQ(send("POST", "/api/v1/auth/refresh", {{"refresh_token", first.refresh_token}}).status, 401);
    ASSERT_EQ(server.terminate(), 0) << server.log();

    const auto log = server.log();
    // The log is not empty: the requests above are in it, at debug level.
    ASSERT_TRUE(contains(log, "POST /api/v1/auth/login 200")) << log;
    ASSERT_TRUE(contains(log, "POST /api/v1/auth/refresh 401")) << log;
    std::vector<std::pair<std::string, std::string>> secrets = {
        {"the JWT secret", kJwtSecret},
        {"the bootstrap admin's password", kAdminPassword},
        {"the password", password},
        {"the wrong password", wrong_password},
        {"the new password", new_password},
        {"an argon2id hash", "$argon2id$"},
    };
    for (const auto* session : {&first, &second, &third}) {
        const auto& access = session->access_token;
        secrets.emplace_back("an access token", access);
        secrets.emplace_back("an access token's claims", access.substr(access.find('.') + 1,
                                                                       access.rfind('.') - access.find('.') - 1));
        secrets.emplace_back("an access token's signature", access.substr(access.rfind('.') + 1));
        secrets.emplace_back("a refresh token", session->refresh_token);
        secrets.emplace_back("a refresh token's stored digest", tasklane::secrets::sha256_hex(session->refresh_token));
    }
    for (const auto& [what, secret] : secrets) {
        ASSERT_FALSE(secret.empty()) << what;
        EXPECT_FALSE(contains(log, secret)) << what << " is in the log: " << secret;
    }
}

INSTANTIATE_TEST_SUITE_P(Dialects, AccountSecurityTest,
                         ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const auto& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test
