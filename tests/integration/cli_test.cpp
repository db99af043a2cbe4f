// The `tasklane` executable as an operator runs it: a real subprocess, real
// config files in a temp directory, a real SQLite file or PostgreSQL database.
#include "../support/test_env.hpp"

#include <tasklane/sdk/version.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace tasklane::test {
namespace {

std::string quoted(const std::string& text) { return "'" + text + "'"; }

CommandResult tasklane(const std::string& arguments) { return run_command(quoted(tasklane_binary()) + " " + arguments); }

// check-config loads the enabled plugins, so every checked file points at the
// built ones; the `server` lines come first so their positions are fixed.
std::string write_checked_config(const TempDir& dir, const std::string& server_yaml) {
    const auto path = dir.file("checked.yaml");
    std::ofstream(path) << server_yaml << "plugins:\n  dir: \"" << plugin_dir() << "\"\n  enabled: [hello]\n";
    return path;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

TEST(CliTest, CheckConfigReportsAMisspeltKeyWithPositionAndSuggestion) {
    TempDir dir;
    // Line 2 is "  prot: 8080": the key starts at column 3.
    const auto file = write_checked_config(dir, "server:\n  prot: 8080\n");
    const auto r = tasklane("check-config " + quoted(file));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(contains(r.output, file + ":2:3: server.prot is not a known key")) << r.output;
    EXPECT_TRUE(contains(r.output, "Did you mean 'port'?")) << r.output;
}

TEST(CliTest, CheckConfigReportsAStringWhereANumberBelongsAtTheValue) {
    TempDir dir;
    // Line 2 is "  port: abc": the value starts at column 9.
    const auto file = write_checked_config(dir, "server:\n  port: abc\n");
    const auto r = tasklane("check-config " + quoted(file));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(contains(r.output, file + ":2:9: server.port")) << r.output;
    EXPECT_TRUE(contains(r.output, "'abc'")) << r.output;
}

TEST(CliTest, CheckConfigReportsEveryProblemInOnePass) {
    TempDir dir;
    const auto file = write_checked_config(dir, "server:\n  prot: 8080\n  threads: many\n");
    const auto r = tasklane("check-config " + quoted(file));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(contains(r.output, file + ":2:3:")) << r.output;
    EXPECT_TRUE(contains(r.output, file + ":3:12: server.threads")) << r.output;
}

TEST(CliTest, CheckConfigAcceptsAValidFile) {
    TempDir dir;
    const auto file = write_checked_config(dir, "server:\n  port: 8080\n  threads: 2\n");
    const auto r = tasklane("check-config " + quoted(file));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, file + ": OK (1 plugins)")) << r.output;
}

TEST(CliTest, CheckConfigOfAMissingFileFailsNamingIt) {
    TempDir dir;
    const auto file = dir.file("absent.yaml");
    const auto r = tasklane("check-config " + quoted(file));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(contains(r.output, file + ": cannot read file")) << r.output;
}

TEST(CliTest, CheckConfigRefusesAPluginBuiltAgainstAnotherSdk) {
    TempDir dir;
    const auto file = dir.file("wrong.yaml");
    std::ofstream(file) << "plugins:\n  dir: \"" << test_plugin_dir() << "\"\n  enabled: [wrong_version]\n";
    const auto r = tasklane("check-config " + quoted(file));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(contains(r.output, test_plugin_dir() + "/wrong_version.so")) << r.output;
    EXPECT_TRUE(contains(r.output, "API version " + std::to_string(sdk::kApiVersion + 98))) << r.output;
    EXPECT_TRUE(contains(r.output, "expects version " + std::to_string(sdk::kApiVersion))) << r.output;
}

TEST(CliTest, VersionPrintsTheSdkApiVersion) {
    const auto r = tasklane("version");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "plugin SDK API " + std::to_string(sdk::kApiVersion) + ")")) << r.output;
}

TEST(CliTest, UnknownCommandExits2WithUsage) {
    const auto r = tasklane("frobnicate");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "unknown command 'frobnicate'")) << r.output;
    EXPECT_TRUE(contains(r.output, "usage:")) << r.output;
    EXPECT_TRUE(contains(r.output, "tasklane check-config FILE")) << r.output;
}

TEST(CliTest, NoCommandExits2WithUsage) {
    const auto r = run_command(quoted(tasklane_binary()));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "usage:")) << r.output;
}

class CliMigrateTest : public ::testing::TestWithParam<sdk::Dialect> {
protected:
    TempDir dir_;
    TestDatabase db_{GetParam(), dir_};
};

TEST_P(CliMigrateTest, StatusListsPendingMigrationsBeforeAndNoneAfterMigrate) {
    const auto config = write_config(dir_, db_.url(), plugin_dir(), "hello");

    const auto before = tasklane("migrate --config " + quoted(config) + " --status");
    EXPECT_EQ(before.exit_code, 0) << before.output;
    EXPECT_TRUE(contains(before.output, "pending  core/1 ")) << before.output;
    EXPECT_TRUE(contains(before.output, "pending  hello/1 ")) << before.output;
    EXPECT_TRUE(contains(before.output, "\n5 pending\n")) << before.output;

    const auto migrate = tasklane("migrate --config " + quoted(config));
    EXPECT_EQ(migrate.exit_code, 0) << migrate.output;
    EXPECT_TRUE(contains(migrate.output, "applied core/1 ")) << migrate.output;
    EXPECT_TRUE(contains(migrate.output, "applied hello/1 ")) << migrate.output;
    EXPECT_TRUE(contains(migrate.output, "5 migrations applied")) << migrate.output;

    const auto after = tasklane("migrate --config " + quoted(config) + " --status");
    EXPECT_EQ(after.exit_code, 0) << after.output;
    EXPECT_TRUE(contains(after.output, "applied  core/1 ")) << after.output;
    EXPECT_TRUE(contains(after.output, "applied  hello/1 ")) << after.output;
    EXPECT_FALSE(contains(after.output, "pending  ")) << after.output;
    EXPECT_TRUE(contains(after.output, "\n0 pending\n")) << after.output;

    const auto again = tasklane("migrate --config " + quoted(config));
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_TRUE(contains(again.output, "0 migrations applied")) << again.output;
}

INSTANTIATE_TEST_SUITE_P(Dialects, CliMigrateTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const ::testing::TestParamInfo<sdk::Dialect>& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test
