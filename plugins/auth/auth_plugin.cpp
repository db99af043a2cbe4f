// The auth plugin: wires the config into AuthService, registers the routes,
// installs the authenticator every other plugin relies on, and offers
// `tasklane user create`.
#include "auth_routes.hpp"
#include "auth_service.hpp"
#include "user_command.hpp"
#include "user_directory.hpp"

#include <tasklane/sdk/sdk.hpp>

#include "secrets.hpp"

std::vector<tasklane::sdk::Migration> auth_migrations(tasklane::sdk::Dialect dialect);

namespace tasklane::auth {

namespace {

using sdk::ConfigKey;
using sdk::ConfigType;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

AuthSettings settings_from(const nlohmann::json& config) {
    AuthSettings s;
    s.access_ttl = std::chrono::seconds(config["access_ttl"].get<std::int64_t>() / 1000);
    s.refresh_ttl = std::chrono::seconds(config["refresh_ttl"].get<std::int64_t>() / 1000);
    s.refresh_reuse_grace = std::chrono::milliseconds(config["refresh_reuse_grace"].get<std::int64_t>());
    s.allow_registration = config["allow_registration"].get<bool>();
    s.max_failures_per_address = config["login_throttle"]["per_address"].get<int>();
    s.max_failures_per_account = config["login_throttle"]["per_account"].get<int>();
    s.failure_window = std::chrono::milliseconds(config["login_throttle"]["window"].get<std::int64_t>());
    return s;
}

PasswordCost cost_from(const nlohmann::json& config) {
    return {config["password"]["ops_limit"].get<unsigned long long>(),
            config["password"]["mem_limit"].get<std::size_t>()};
}

// The JWT secret: at least 32 bytes; an empty one is a development run that
// gets a random secret (tokens die with the process) and a loud warning.
std::string jwt_secret_from(const nlohmann::json& config, spdlog::logger& log) {
    auto secret = config["jwt_secret"].get<std::string>();
    if (secret.empty()) {
        log.warn("*** auth.jwt_secret is not set: using an ephemeral random secret. Tokens stop working at restart "
                 "and differ between nodes. Set TASKLANE_JWT_SECRET (at least 32 bytes) for any real deployment. ***");
        return secrets::random_token(48);
    }
    if (secret.size() < 32) {
        throw std::invalid_argument("auth.jwt_secret must be at least 32 bytes (found " +
                                    std::to_string(secret.size()) + ")");
    }
    return secret;
}

class AuthPlugin : public sdk::Plugin {
public:
    sdk::PluginInfo info() const override {
        return {.name = "auth", .version = "1.0.0", .description = "Users, roles, login, JWT and refresh tokens",
                .requires_plugins = {}};
    }

    ConfigKey config_schema() const override {
        return ConfigKey::section(
            "auth", "Accounts, passwords and tokens (the auth plugin).",
            {
                ConfigKey::value("jwt_secret", ConfigType::String, "",
                                 "HS256 signing secret, at least 32 bytes; empty: an ephemeral one (development only)."),
                ConfigKey::value("access_ttl", ConfigType::Duration, "15m", "Lifetime of access tokens."),
                ConfigKey::value("refresh_ttl", ConfigType::Duration, "30d", "Lifetime of refresh tokens."),
                ConfigKey::value("refresh_reuse_grace", ConfigType::Duration, "10s",
                                 "How long after its rotation a refresh token may still be exchanged (for a client "
                                 "that lost the answer, e.g. a page reloaded mid-refresh); reuse after that "
                                 "revokes the session. 0s: never."),
                ConfigKey::value("allow_registration", ConfigType::Boolean, true,
                                 "Whether POST /api/v1/auth/register is open to anyone."),
                ConfigKey::section(
                    "password", "argon2id cost (libsodium crypto_pwhash).",
                    {ConfigKey::value("ops_limit", ConfigType::Integer, 2, "Iterations (INTERACTIVE is 2)."),
                     ConfigKey::value("mem_limit", ConfigType::ByteSize, "64MiB", "Memory per hash (INTERACTIVE is 64 MiB)."),
                     ConfigKey::value("threads", ConfigType::Integer, 2,
                                      "Hashing threads; each hash holds mem_limit while it runs."),
                     ConfigKey::value("max_waiting", ConfigType::Integer, 32,
                                      "Hashes that may wait for a thread before logins get 503.")}),
                ConfigKey::section(
                    "login_throttle", "Failed logins allowed per window before 429.",
                    {ConfigKey::value("per_address", ConfigType::Integer, 20, "Failures per client address."),
                     ConfigKey::value("per_account", ConfigType::Integer, 5, "Failures per account."),
                     ConfigKey::value("window", ConfigType::Duration, "15m", "The sliding window.")}),
                ConfigKey::section(
                    "bootstrap_admin", "An administrator created at start when its username does not exist yet.",
                    {ConfigKey::value("username", ConfigType::String, "", "Empty: none is created."),
                     ConfigKey::value("email", ConfigType::String, "", "Its email."),
                     ConfigKey::value("password", ConfigType::String, "", "Its password (use ${ENV}).")}),
            });
    }

    std::vector<sdk::Migration> migrations(sdk::Dialect dialect) const override { return auth_migrations(dialect); }

    std::vector<sdk::Command> commands() const override { return {user_create_command()}; }

    void start(sdk::Host& host) override {
        const auto& config = host.config();
        auto log = host.logger();
        codec_ = std::make_unique<JwtCodec>(jwt_secret_from(config, *log));
        hasher_ = std::make_unique<PasswordHasher>(cost_from(config), config["password"]["threads"].get<std::size_t>(),
                                                   config["password"]["max_waiting"].get<std::size_t>());
        service_ = std::make_unique<AuthService>(host.database(), *hasher_, *codec_, settings_from(config), now_ms);

        const auto& admin = config["bootstrap_admin"];
        if (!admin["username"].get<std::string>().empty()) {
            NewUser input{admin["email"].get<std::string>(), admin["username"].get<std::string>(),
                          admin["password"].get<std::string>(), "", "admin"};
            if (service_->ensure_admin(input)) {
                log->info("created bootstrap administrator '{}'", input.username);
            }
        }

        register_auth_routes(host.routes(), *service_);
        host.services().provide(std::make_shared<UserDirectory>(host.database()));
        host.routes().set_authenticator([service = service_.get()](const sdk::Request& req) -> std::optional<sdk::Caller> {
            const auto token = bearer_token(req);
            if (!token) {
                return std::nullopt;
            }
            return service->authenticate(*token);
        });
    }

    void stop() override {
        service_.reset();
        hasher_.reset();
        codec_.reset();
    }

private:
    std::unique_ptr<JwtCodec> codec_;
    std::unique_ptr<PasswordHasher> hasher_;
    std::unique_ptr<AuthService> service_;
};

}  // namespace tasklane::auth

TASKLANE_PLUGIN(tasklane::auth::AuthPlugin, "auth")
