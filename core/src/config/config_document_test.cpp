#include <tasklane/core/config.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#ifndef TASKLANE_SOURCE_DIR
#error "the build must define TASKLANE_SOURCE_DIR as a string literal of the repository root"
#endif

namespace {

using nlohmann::json;
using tasklane::core::combined_schema;
using tasklane::core::ConfigDocument;
using tasklane::core::ConfigInvalid;
using tasklane::core::ConfigProblem;
using tasklane::core::core_config_schema;
using tasklane::sdk::ConfigKey;
using tasklane::sdk::ConfigType;

json resolve(const std::string& yaml, const ConfigKey& schema = core_config_schema(), bool allow_unknown = false) {
    return ConfigDocument::from_text(yaml, "test.yaml").resolve(schema, allow_unknown);
}

std::vector<ConfigProblem> problems_of(const std::string& yaml, const ConfigKey& schema = core_config_schema(),
                                       bool allow_unknown = false) {
    try {
        resolve(yaml, schema, allow_unknown);
    } catch (const ConfigInvalid& e) {
        return e.problems();
    }
    ADD_FAILURE() << "expected ConfigInvalid for:\n" << yaml;
    return {};
}

std::vector<std::string> lines_of(const std::vector<ConfigProblem>& problems) {
    std::vector<std::string> lines;
    for (const auto& problem : problems) {
        lines.push_back(problem.to_string());
    }
    return lines;
}

// Sets (or unsets) one variable for the test's lifetime and restores it after.
class ScopedEnv {
public:
    ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
        if (const char* old = std::getenv(name_.c_str())) {
            old_ = old;
        }
        if (value != nullptr) {
            ::setenv(name_.c_str(), value, 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ~ScopedEnv() {
        if (old_) {
            ::setenv(name_.c_str(), old_->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string name_;
    std::optional<std::string> old_;
};

// One section "s" holding a single key `value` of the given type.
ConfigKey one_key_schema(ConfigType type, json default_value = nullptr) {
    return ConfigKey::section("", "", {ConfigKey::section("s", "", {ConfigKey::value("v", type, default_value, "")})});
}

// Unique per process so parallel test runs do not share files.
std::string temp_path(const std::string& name) {
    return (std::filesystem::path(::testing::TempDir()) / (std::to_string(::getpid()) + "-" + name)).string();
}

std::string read_repo_file(const std::string& relative) {
    std::ifstream in(std::string(TASKLANE_SOURCE_DIR) + "/" + relative);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ConfigDocument, MisspeltKeyNamesFileLineColumnAndSuggestion) {
    EXPECT_EQ(lines_of(problems_of("server:\n  host: 127.0.0.1\n  prot: 8080\n")),
              std::vector<std::string>{
                  "test.yaml:3:3: server.prot is not a known key (known: host, port, threads, max_body_bytes, "
                  "max_header_bytes, header_timeout, body_timeout, keepalive_timeout, shutdown_timeout, tls, web_dir). "
                  "Did you mean 'port'?"});
}

TEST(ConfigDocument, UnknownKeyFarFromEveryKnownKeyGetsNoSuggestion) {
    EXPECT_EQ(lines_of(problems_of("logging:\n  colour: true\n")),
              std::vector<std::string>{"test.yaml:2:3: logging.colour is not a known key (known: level, format)"});
}

TEST(ConfigDocument, StringWhereIntegerBelongsIsRefusedWithLineAndColumn) {
    EXPECT_EQ(lines_of(problems_of("server:\n  port: abc\n")),
              std::vector<std::string>{"test.yaml:2:9: server.port must be an integer, found string 'abc'"});
    EXPECT_EQ(lines_of(problems_of("server: {threads: 2.5}\n")),
              std::vector<std::string>{"test.yaml:1:19: server.threads must be an integer, found number 2.5"});
}

TEST(ConfigDocument, NullOrStructuredValueWhereAScalarBelongsIsRefused) {
    EXPECT_EQ(lines_of(problems_of("server:\n  port:\nrealtime:\n  port: [1]\n")),
              (std::vector<std::string>{"test.yaml:2:3: server.port must be an integer, found null",
                                        "test.yaml:4:9: realtime.port must be an integer, found sequence"}));
}

TEST(ConfigDocument, EveryProblemIsReportedInOnePass) {
    const std::string yaml =
        "server:\n  port: abc\n  thraeds: 2\ndatabase:\n  migrate: sometimes\nlogging:\n  level: loud\nextra: 1\n";
    try {
        resolve(yaml);
        FAIL() << "expected ConfigInvalid";
    } catch (const ConfigInvalid& e) {
        const auto lines = lines_of(e.problems());
        ASSERT_EQ(lines.size(), 5u);
        EXPECT_EQ(lines[0], "test.yaml:2:9: server.port must be an integer, found string 'abc'");
        EXPECT_EQ(lines[1].rfind("test.yaml:3:3: server.thraeds is not a known key", 0), 0u) << lines[1];
        EXPECT_EQ(lines[2], "test.yaml:5:12: database.migrate must be one of: auto, manual; found 'sometimes'");
        EXPECT_EQ(lines[3],
                  "test.yaml:7:10: logging.level must be one of: trace, debug, info, warn, error, "
                  "critical, off; found 'loud'");
        EXPECT_EQ(lines[4].rfind("test.yaml:8:1: extra is not a known key (known: server, realtime,", 0), 0u);
        EXPECT_EQ(std::string(e.what()),
                  lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + lines[3] + "\n" + lines[4]);
    }
}

TEST(ConfigDocument, EmptyDocumentResolvesToEveryDefault) {
    const json expected = {
        {"server",
         {{"host", "0.0.0.0"},
          {"port", 8080},
          {"threads", 4},
          {"max_body_bytes", 1048576},
          {"max_header_bytes", 16384},
          {"header_timeout", 10000},
          {"body_timeout", 30000},
          {"keepalive_timeout", 30000},
          {"shutdown_timeout", 10000},
          {"tls", {{"certificate", ""}, {"key", ""}}},
          {"web_dir", ""}}},
        {"realtime",
         {{"host", "0.0.0.0"},
          {"port", 8081},
          {"threads", 2},
          {"public_url", ""},
          {"allowed_origins", nlohmann::json::array()},
          {"max_connections", 10000},
          {"max_connections_per_user", 20},
          {"max_message_bytes", 65536},
          {"send_queue", 1024},
          {"ping_interval", 30000},
          {"reauth_interval", 60000},
          {"replay_max_events", 10000}}},
        {"security",
         {{"trusted_proxies", nlohmann::json::array()},
          {"max_json_depth", 64},
          {"cors", {{"allowed_origins", nlohmann::json::array()}, {"allow_credentials", false}, {"max_age", 600000}}},
          {"headers",
           {{"frame_options", "DENY"},
            {"referrer_policy", "no-referrer"},
            {"content_security_policy",
             "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: "
             "wss:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'"},
            {"hsts_max_age", 0}}},
          {"rate_limits",
           {{"enabled", true},
            {"default",
             {{"per_ip", {{"requests", 100.0}, {"per", 1000}, {"burst", 200.0}}},
              {"per_user", {{"requests", 50.0}, {"per", 1000}, {"burst", 100.0}}}}},
            {"auth", {{"per_ip", {{"requests", 30.0}, {"per", 60000}, {"burst", 10.0}}}}},
            {"public", {{"per_ip", {{"requests", 60.0}, {"per", 60000}, {"burst", 30.0}}}}},
            {"operations", {{"per_ip", {{"requests", 20.0}, {"per", 1000}, {"burst", 40.0}}}}}}}}},
        {"database",
         {{"url", "sqlite://./data/tasklane.db"}, {"pool_size", 8}, {"migrate", "auto"}, {"busy_timeout", 5000}}},
        {"plugins", {{"dir", "./build/plugins"}, {"enabled", {"auth", "tasks", "notifications", "integrations", "attachments"}}}},
        {"events", {{"poll_interval", 500}, {"batch_size", 200}, {"retention", 7 * 24 * 3600 * 1000}}},
        {"jobs",
         {{"workers", 2},
          {"poll_interval", 500},
          {"lease", 300000},
          {"max_attempts", 8},
          {"backoff_base", 2000},
          {"backoff_max", 3600000},
          {"retention", 7 * 24 * 3600 * 1000}}},
        {"rules",
         {{"dir", "./rules"},
          {"workers", 2},
          {"run_as", ""},
          {"reload_interval", 2000},
          {"limits", {{"instructions", 1000000}, {"memory", 8 << 20}, {"actions", 20}, {"wall_time", 1000}, {"depth", 3}}},
          {"runs", {{"keep", 1000}, {"max_age", 7 * 24 * 3600 * 1000}}}}},
        {"logging", {{"level", "info"}, {"format", "text"}}},
    };
    EXPECT_EQ(resolve(""), expected);
    EXPECT_EQ(resolve("# nothing but a comment\n"), expected);
    EXPECT_EQ(resolve("~\n"), expected);
}

TEST(ConfigDocument, AbsentKeysAndSectionsTakeDefaults) {
    const json config = resolve("server:\n  port: 9000\nlogging:\n");
    EXPECT_EQ(config["server"]["port"], 9000);
    EXPECT_EQ(config["server"]["threads"], 4);
    EXPECT_EQ(config["logging"], (json{{"level", "info"}, {"format", "text"}}));
    EXPECT_EQ(config["events"]["batch_size"], 200);
}

TEST(ConfigDocument, KeyWithoutDefaultStaysAbsent) {
    EXPECT_EQ(resolve("", one_key_schema(ConfigType::String)), (json{{"s", json::object()}}));
}

TEST(ConfigDocument, DurationsBecomeMilliseconds) {
    const std::vector<std::pair<std::string, std::int64_t>> cases = {
        {"250ms", 250}, {"15s", 15000}, {"15m", 900000}, {"2h", 7200000}, {"30d", 2592000000}, {"42", 42000}, {"0", 0},
    };
    for (const auto& [text, ms] : cases) {
        EXPECT_EQ(resolve("s: {v: " + text + "}\n", one_key_schema(ConfigType::Duration))["s"]["v"], ms) << text;
    }
}

TEST(ConfigDocument, MalformedDurationsAreRefused) {
    for (const std::string text : {"-5s", "1.5s", "5 s", "5w", "ms", "''", "99999999999999999d", "fast"}) {
        const auto problems = problems_of("s: {v: " + text + "}\n", one_key_schema(ConfigType::Duration));
        ASSERT_EQ(problems.size(), 1u) << text;
        EXPECT_NE(problems[0].message.find("s.v must be a duration such as 250ms, 15s"), std::string::npos)
            << problems[0].message;
    }
}

TEST(ConfigDocument, ByteSizesBecomeBytes) {
    const std::vector<std::pair<std::string, std::int64_t>> cases = {
        {"512", 512},     {"512B", 512},     {"64KB", 64000},     {"64KiB", 65536},
        {"1MB", 1000000}, {"1MiB", 1048576}, {"2GB", 2000000000}, {"2GiB", 2147483648},
    };
    for (const auto& [text, bytes] : cases) {
        EXPECT_EQ(resolve("s: {v: " + text + "}\n", one_key_schema(ConfigType::ByteSize))["s"]["v"], bytes) << text;
    }
    for (const std::string text : {"1kb", "1.5MiB", "-1", "1TiB", "MiB"}) {
        const auto problems = problems_of("s: {v: " + text + "}\n", one_key_schema(ConfigType::ByteSize));
        ASSERT_EQ(problems.size(), 1u) << text;
        EXPECT_NE(problems[0].message.find("must be a byte size"), std::string::npos) << problems[0].message;
    }
}

TEST(ConfigDocument, SchemaDefaultsUseTheFileNotation) {
    const ConfigKey schema =
        ConfigKey::section("", "",
                           {ConfigKey::section("s", "",
                                               {ConfigKey::value("ttl", ConfigType::Duration, "15m", ""),
                                                ConfigKey::value("wait", ConfigType::Duration, 30, ""),
                                                ConfigKey::value("size", ConfigType::ByteSize, "1MiB", ""),
                                                ConfigKey::value("ratio", ConfigType::Number, 0.5, "")})});
    EXPECT_EQ(resolve("", schema)["s"], (json{{"ttl", 900000}, {"wait", 30000}, {"size", 1048576}, {"ratio", 0.5}}));
}

TEST(ConfigDocument, DefaultThatDoesNotFitItsTypeIsASchemaBug) {
    EXPECT_THROW(resolve("", one_key_schema(ConfigType::Duration, "soon")), std::logic_error);
    EXPECT_THROW(resolve("", one_key_schema(ConfigType::Integer, true)), std::logic_error);
}

TEST(ConfigDocument, OnlyAllowedValuesAreAccepted) {
    EXPECT_EQ(resolve("logging: {format: json}\n")["logging"]["format"], "json");
    EXPECT_EQ(lines_of(problems_of("logging:\n  format: xml\n")),
              std::vector<std::string>{"test.yaml:2:11: logging.format must be one of: text, json; found 'xml'"});
}

TEST(ConfigDocument, BooleansAcceptOnlyTrueOrFalse) {
    const ConfigKey schema = one_key_schema(ConfigType::Boolean);
    EXPECT_EQ(resolve("s: {v: true}\n", schema)["s"]["v"], true);
    EXPECT_EQ(resolve("s: {v: False}\n", schema)["s"]["v"], false);
    EXPECT_EQ(lines_of(problems_of("s: {v: yes}\n", schema)),
              std::vector<std::string>{"test.yaml:1:8: s.v must be a boolean (true or false), found string 'yes'"});
}

TEST(ConfigDocument, NumbersAcceptIntegersAndFractions) {
    const ConfigKey schema = one_key_schema(ConfigType::Number);
    EXPECT_EQ(resolve("s: {v: 2.5}\n", schema)["s"]["v"], 2.5);
    EXPECT_EQ(resolve("s: {v: -3}\n", schema)["s"]["v"], -3.0);
    EXPECT_EQ(problems_of("s: {v: .inf}\n", schema).size(), 1u);
}

TEST(ConfigDocument, EnvironmentVariableIsSubstitutedBeforeTypeChecking) {
    const ScopedEnv port("TASKLANE_CFGTEST_PORT_1", "9090");
    const json config = resolve("server:\n  port: ${TASKLANE_CFGTEST_PORT_1}\n");
    EXPECT_EQ(config["server"]["port"], 9090);
}

TEST(ConfigDocument, FallbackAppliesWhenVariableIsUnsetOrEmpty) {
    const ScopedEnv unset("TASKLANE_CFGTEST_UNSET_2", nullptr);
    const ScopedEnv empty("TASKLANE_CFGTEST_EMPTY_2", "");
    const ScopedEnv set("TASKLANE_CFGTEST_SET_2", "db.internal");
    const json config = resolve(
        "server:\n  port: ${TASKLANE_CFGTEST_UNSET_2:-8181}\n  host: ${TASKLANE_CFGTEST_EMPTY_2:-::1}\n"
        "database:\n  url: postgresql://${TASKLANE_CFGTEST_SET_2:-localhost}:5432/$$db\n"
        "plugins:\n  enabled: [\"${TASKLANE_CFGTEST_UNSET_2:-hello}\", \"x${TASKLANE_CFGTEST_EMPTY_2}y\"]\n");
    EXPECT_EQ(config["server"]["port"], 8181);
    EXPECT_EQ(config["server"]["host"], "::1");
    EXPECT_EQ(config["database"]["url"], "postgresql://db.internal:5432/$$db");
    EXPECT_EQ(config["plugins"]["enabled"], (json{"hello", "xy"}));
}

TEST(ConfigDocument, KeysAreNotSubstituted) {
    const ScopedEnv name("TASKLANE_CFGTEST_KEY_3", "server");
    EXPECT_EQ(problems_of("${TASKLANE_CFGTEST_KEY_3}: {}\n").at(0).message.rfind("${TASKLANE_CFGTEST_KEY_3} is not", 0),
              0u);
}

TEST(ConfigDocument, MissingEnvironmentVariableIsAProblemAtItsScalar) {
    const ScopedEnv unset("TASKLANE_CFGTEST_UNSET_4", nullptr);
    EXPECT_EQ(lines_of(problems_of("database:\n  url: \"${TASKLANE_CFGTEST_UNSET_4}\"\n"
                                   "plugins:\n  enabled:\n    - ${TASKLANE_CFGTEST_UNSET_4\n")),
              (std::vector<std::string>{
                  "test.yaml:2:8: database.url: environment variable TASKLANE_CFGTEST_UNSET_4 is not set",
                  "test.yaml:5:7: plugins.enabled[0]: '${' is not closed by '}' (write ${NAME} or "
                  "${NAME:-fallback})"}));
}

TEST(ConfigDocument, MapValuesAreValidatedAgainstTheValueShape) {
    const ConfigKey schema = ConfigKey::section(
        "", "",
        {ConfigKey::map("targets", "",
                        ConfigKey::section("", "",
                                           {ConfigKey::value("url", ConfigType::String, nullptr, ""),
                                            ConfigKey::value("timeout", ConfigType::Duration, "5s", "")}))});
    EXPECT_EQ(resolve("", schema), (json{{"targets", json::object()}}));
    EXPECT_EQ(resolve("targets:\n  ops-hook: {url: 'https://x'}\n", schema)["targets"],
              (json{{"ops-hook", {{"url", "https://x"}, {"timeout", 5000}}}}));
    EXPECT_EQ(lines_of(problems_of("targets:\n  a: {url: x}\n  b:\n    url: y\n    timeot: 1s\n  c: 3\n", schema)),
              (std::vector<std::string>{
                  "test.yaml:5:5: targets.b.timeot is not a known key (known: url, timeout). Did you mean 'timeout'?",
                  "test.yaml:6:6: targets.c must be a mapping of keys (known: url, timeout), found number 3"}));
}

TEST(ConfigDocument, StringListNeedsASequenceOfScalars) {
    EXPECT_EQ(
        lines_of(problems_of("plugins:\n  enabled: hello\n")),
        std::vector<std::string>{"test.yaml:2:12: plugins.enabled must be a list of strings, found string 'hello'"});
    EXPECT_EQ(lines_of(problems_of("plugins:\n  enabled: [a, {b: c}]\n")),
              std::vector<std::string>{"test.yaml:2:16: plugins.enabled[1] must be a string, found mapping"});
}

TEST(ConfigDocument, AllowUnknownTopLevelSkipsOnlyRootKeys) {
    const ScopedEnv unset("TASKLANE_CFGTEST_UNSET_5", nullptr);
    const std::string yaml = "auth:\n  jwt_secret: ${TASKLANE_CFGTEST_UNSET_5}\nplugins:\n  enabled: [tasks]\n";
    const json config = resolve(yaml, core_config_schema(), true);
    EXPECT_FALSE(config.contains("auth"));
    EXPECT_EQ(config["plugins"]["enabled"], json{"tasks"});
    EXPECT_EQ(problems_of(yaml).size(), 1u);
    EXPECT_EQ(problems_of("auth: {}\nplugins:\n  dirr: x\n", core_config_schema(), true)
                  .at(0)
                  .message.rfind("plugins.dirr is not a known key", 0),
              0u);
}

TEST(ConfigDocument, SecretValuesAreNeverEchoed) {
    const ConfigKey schema = ConfigKey::section(
        "", "",
        {ConfigKey::section(
            "auth", "",
            {ConfigKey::value("jwt_secret", ConfigType::String, nullptr, "", {"a", "b"}),
             ConfigKey::value("api_token", ConfigType::Integer, nullptr, ""),
             ConfigKey::map("passwords", "", ConfigKey::value("", ConfigType::Integer, nullptr, ""))})});
    const auto lines = lines_of(
        problems_of("auth:\n  jwt_secret: hunter2\n  api_token: hunter2\n  passwords: {bob: hunter2}\n", schema));
    EXPECT_EQ(lines, (std::vector<std::string>{
                         "test.yaml:2:15: auth.jwt_secret must be one of: a, b; found string (hidden)",
                         "test.yaml:3:14: auth.api_token must be an integer, found string (hidden)",
                         "test.yaml:4:20: auth.passwords.bob must be an integer, found string (hidden)"}));
    for (const auto& line : lines) {
        EXPECT_EQ(line.find("hunter2"), std::string::npos) << line;
    }
}

TEST(ConfigDocument, DuplicateKeyIsAProblem) {
    EXPECT_EQ(
        lines_of(problems_of("server:\n  port: 1\n  port: 2\n")),
        std::vector<std::string>{"test.yaml:3:3: server.port is given more than once (first at line 2, column 3)"});
}

TEST(ConfigDocument, RootThatIsNotAMappingIsAProblemAtTheStart) {
    const auto problems = problems_of("- server\n- port\n");
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].line, 1);
    EXPECT_EQ(problems[0].column, 1);
    EXPECT_NE(problems[0].message.find("found sequence"), std::string::npos);
}

TEST(ConfigDocument, SecondYamlDocumentIsRefused) {
    EXPECT_EQ(lines_of(problems_of("server: {}\n---\nserver: {port: 1}\n")),
              std::vector<std::string>{
                  "test.yaml:3:1: a config file holds one YAML document; remove the second one (after '---')"});
    EXPECT_EQ(resolve("server: {port: 1}\n---\n")["server"]["port"], 1);  // an empty trailing document is harmless
}

TEST(ConfigDocument, YamlSyntaxErrorIsReportedWithItsLine) {
    try {
        ConfigDocument::from_text("server:\n  port: 8080\n  host: [a, b\nlogging: {}\n", "broken.yaml");
        FAIL() << "expected ConfigInvalid";
    } catch (const ConfigInvalid& e) {
        ASSERT_EQ(e.problems().size(), 1u);
        EXPECT_EQ(e.problems()[0].file, "broken.yaml");
        EXPECT_GE(e.problems()[0].line, 3);
        EXPECT_GT(e.problems()[0].column, 0);
        EXPECT_EQ(e.problems()[0].message.rfind("invalid YAML: ", 0), 0u);
    }
}

TEST(ConfigDocument, UnreadableFileIsOneProblemWithoutPosition) {
    const std::string path = temp_path("tasklane-no-such-config.yaml");
    try {
        ConfigDocument::from_file(path);
        FAIL() << "expected ConfigInvalid";
    } catch (const ConfigInvalid& e) {
        EXPECT_EQ(lines_of(e.problems()),
                  std::vector<std::string>{path + ": cannot read file: No such file or directory"});
    }
}

TEST(ConfigDocument, FromFileNamesTheFileInProblems) {
    const std::string path = temp_path("tasklane-config-test.yaml");
    std::ofstream(path) << "database:\n  ulr: x\n";
    const ConfigDocument document = ConfigDocument::from_file(path);
    EXPECT_EQ(document.file(), path);
    try {
        document.resolve(core_config_schema());
        FAIL() << "expected ConfigInvalid";
    } catch (const ConfigInvalid& e) {
        EXPECT_EQ(lines_of(e.problems()),
                  std::vector<std::string>{path + ":2:3: database.ulr is not a known key (known: url, pool_size, "
                                                  "migrate, busy_timeout). Did you mean 'url'?"});
    }
    std::remove(path.c_str());
}

TEST(ConfigDocument, ShippedDefaultConfigValidatesAgainstTheCoreSchema) {
    const std::string text = read_repo_file("config/tasklane.yaml");
    ASSERT_FALSE(text.empty());
    // Plugin sections (auth:) are checked against the plugins' schemas by `tasklane check-config` (cli_test).
    const json config =
        ConfigDocument::from_text(text, "config/tasklane.yaml").resolve(core_config_schema(), /*allow_unknown_top_level=*/true);
    EXPECT_EQ(config["server"]["host"], "127.0.0.1");
    EXPECT_EQ(config["server"]["port"], 8080);
    EXPECT_EQ(config["database"]["url"], "sqlite://./data/tasklane.db");
    EXPECT_EQ(config["plugins"],
              (json{{"dir", "./build/plugins"}, {"enabled", {"auth", "tasks", "notifications", "integrations", "attachments"}}}));
    EXPECT_EQ(config["logging"], (json{{"level", "info"}, {"format", "text"}}));
}

TEST(ConfigDocument, ProductionConfigValidatesWhenItsSecretsAreSet) {
    const std::string text = read_repo_file("deploy/production.yaml");
    ASSERT_FALSE(text.empty());
    const ConfigDocument document = ConfigDocument::from_text(text, "deploy/production.yaml");
    // The file's fallbacks apply.
    const ScopedEnv no_host("TASKLANE_HOST", nullptr);
    const ScopedEnv no_port("TASKLANE_PORT", nullptr);
    const ScopedEnv no_plugin_dir("TASKLANE_PLUGIN_DIR", nullptr);
    const ScopedEnv no_level("TASKLANE_LOG_LEVEL", nullptr);
    const ScopedEnv ws("TASKLANE_PUBLIC_WS_URL", "wss://tasks.example.com/ws");
    {
        const ScopedEnv unset("TASKLANE_DB_URL", nullptr);
        EXPECT_THROW(document.resolve(core_config_schema(), true), ConfigInvalid);
    }
    const ScopedEnv url("TASKLANE_DB_URL", "postgresql://tasklane:pw@db:5432/tasklane");
    const ScopedEnv secret("TASKLANE_JWT_SECRET", "0123456789abcdef0123456789abcdef");
    const json config = document.resolve(core_config_schema(), true);
    EXPECT_EQ(config["database"]["url"], "postgresql://tasklane:pw@db:5432/tasklane");
    EXPECT_EQ(config["database"]["migrate"], "manual");
    EXPECT_EQ(config["server"]["host"], "127.0.0.1");
    EXPECT_EQ(config["server"]["port"], 8080);
    EXPECT_EQ(config["realtime"]["public_url"], "wss://tasks.example.com/ws");
    EXPECT_EQ(config["plugins"]["dir"], "/usr/local/lib/tasklane/plugins");
    EXPECT_EQ(config["logging"]["format"], "json");
    EXPECT_EQ(config["logging"]["level"], "info");
}

TEST(ConfigProblem, ToStringLeavesOutUnknownPositions) {
    EXPECT_EQ((ConfigProblem{"a.yaml", 3, 7, "m"}.to_string()), "a.yaml:3:7: m");
    EXPECT_EQ((ConfigProblem{"a.yaml", 3, 0, "m"}.to_string()), "a.yaml:3: m");
    EXPECT_EQ((ConfigProblem{"a.yaml", 0, 0, "m"}.to_string()), "a.yaml: m");
}

TEST(CombinedSchema, AppendsPluginSectionsAndRefusesATakenName) {
    const ConfigKey core = core_config_schema();
    const ConfigKey auth =
        ConfigKey::section("auth", "", {ConfigKey::value("access_ttl", ConfigType::Duration, "15m", "")});
    const ConfigKey combined = combined_schema(core, {auth, ConfigKey::section("", "", {})});
    ASSERT_EQ(combined.children.size(), core.children.size() + 1);
    EXPECT_EQ(combined.children.back().name, "auth");
    EXPECT_EQ(resolve("auth: {access_ttl: 1h}\n", combined)["auth"]["access_ttl"], 3600000);

    try {
        combined_schema(combined, {ConfigKey::section("logging", "", {})});
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()), "config section 'logging' is declared twice (by the core or another plugin)");
    }
}

}  // namespace
