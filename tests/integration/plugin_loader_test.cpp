// The plugin loader against real shared libraries built for the tests:
// version handshake, missing files and entry points, names, dependency
// ordering, and a throwing plugin handler served by the real server.
#include "../../core/src/plugins/plugin_loader.hpp"
#include "../support/http_client.hpp"
#include "../support/test_env.hpp"

#include <tasklane/sdk/version.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <functional>

namespace tasklane::test {
namespace {

using core::LoadedPlugin;
using core::load_plugin_file;
using core::load_plugins;
using core::PluginLoadError;

std::string test_plugin(const std::string& name) { return test_plugin_dir() + "/" + name + ".so"; }

// The message of the PluginLoadError `action` throws; a test failure when it throws nothing.
std::string load_error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const PluginLoadError& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected a PluginLoadError, nothing was thrown";
    return "";
}

std::vector<std::string> names_of(const std::vector<LoadedPlugin>& plugins) {
    std::vector<std::string> names;
    for (const auto& p : plugins) {
        names.push_back(p.info.name);
    }
    return names;
}

TEST(PluginLoaderTest, PluginBuiltAgainstAnotherApiVersionIsRefusedNamingFileAndBothVersions) {
    const auto file = test_plugin("wrong_version");
    const auto message = load_error_of([&] { load_plugin_file(file, "wrong_version"); });
    const auto expected = std::to_string(sdk::kApiVersion);
    const auto found = std::to_string(sdk::kApiVersion + 98);
    EXPECT_EQ(message, "plugin file " + file + " was built against Tasklane SDK API version " + found +
                           ", but this server expects version " + expected + "; rebuild the plugin against this SDK");
    // create() of that library throws if called: the refusal came before any plugin object existed.
    EXPECT_EQ(message.find("failed to create"), std::string::npos) << message;
}

TEST(PluginLoaderTest, ApiVersionMismatchIsRefusedWhenLoadingByNameFromADirectory) {
    const auto message = load_error_of([] { load_plugins(test_plugin_dir(), {"wrong_version"}); });
    EXPECT_NE(message.find(test_plugin("wrong_version")), std::string::npos) << message;
    EXPECT_NE(message.find("API version " + std::to_string(sdk::kApiVersion + 98)), std::string::npos) << message;
    EXPECT_NE(message.find("expects version " + std::to_string(sdk::kApiVersion)), std::string::npos) << message;
}

TEST(PluginLoaderTest, MissingPluginFileIsRefusedNamingThePathAndPluginsDir) {
    TempDir dir;
    const auto message = load_error_of([&] { load_plugins(dir.path().string(), {"absent"}); });
    EXPECT_NE(message.find(dir.file("absent.so")), std::string::npos) << message;
    EXPECT_NE(message.find("'absent'"), std::string::npos) << message;
    EXPECT_NE(message.find("plugins.dir"), std::string::npos) << message;
}

TEST(PluginLoaderTest, LibraryWithoutEntryPointsIsRefusedNamingFileAndMacro) {
    const auto file = test_plugin("no_entry");
    const auto message = load_error_of([&] { load_plugin_file(file, "no_entry"); });
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("TASKLANE_PLUGIN"), std::string::npos) << message;
}

TEST(PluginLoaderTest, FileThatIsNotASharedLibraryIsRefusedNamingTheFile) {
    TempDir dir;
    const auto file = dir.file("garbage.so");
    std::ofstream(file) << "not an ELF file\n";
    const auto message = load_error_of([&] { load_plugin_file(file, "garbage"); });
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("could not be loaded"), std::string::npos) << message;
}

TEST(PluginLoaderTest, DeclaredNameDifferentFromTheExpectedOneIsRefusedNamingBoth) {
    const auto file = test_plugin("base");
    const auto message = load_error_of([&] { load_plugin_file(file, "other"); });
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("'base'"), std::string::npos) << message;
    EXPECT_NE(message.find("'other'"), std::string::npos) << message;
}

TEST(PluginLoaderTest, MatchingPluginLoadsWithItsInfo) {
    const auto loaded = load_plugin_file(test_plugin("dependent"), "dependent");
    ASSERT_NE(loaded.plugin, nullptr);
    EXPECT_EQ(loaded.file, test_plugin("dependent"));
    EXPECT_EQ(loaded.info.name, "dependent");
    EXPECT_EQ(loaded.info.requires_plugins, std::vector<std::string>{"base"});
}

TEST(PluginLoaderTest, DependentPluginIsOrderedAfterWhatItRequiresWhateverTheInputOrder) {
    const std::vector<std::string> expected{"base", "dependent"};
    EXPECT_EQ(names_of(core::order_by_requirements(load_plugins(test_plugin_dir(), {"dependent", "base"}))), expected);
    EXPECT_EQ(names_of(core::order_by_requirements(load_plugins(test_plugin_dir(), {"base", "dependent"}))), expected);
}

TEST(PluginLoaderTest, MissingRequirementIsRefusedNamingBothPlugins) {
    const auto message =
        load_error_of([] { core::order_by_requirements(load_plugins(test_plugin_dir(), {"needs_missing"})); });
    EXPECT_NE(message.find("'needs_missing'"), std::string::npos) << message;
    EXPECT_NE(message.find("'nonexistent'"), std::string::npos) << message;
    EXPECT_NE(message.find(test_plugin("needs_missing")), std::string::npos) << message;
    EXPECT_NE(message.find("plugins.enabled"), std::string::npos) << message;
}

TEST(PluginLoaderTest, RequirementCycleIsRefusedNamingTheCycle) {
    const auto message =
        load_error_of([] { core::order_by_requirements(load_plugins(test_plugin_dir(), {"cycle_a", "cycle_b"})); });
    EXPECT_NE(message.find("cycle_a -> cycle_b -> cycle_a"), std::string::npos) << message;
}

TEST(PluginLoaderTest, PluginListedTwiceInConfigurationIsRefused) {
    TempDir dir;
    const auto config = write_config(dir, "sqlite://" + dir.file("data/tasklane.db"), plugin_dir(), "hello, hello");
    const auto message = load_error_of([&] { core::load_configuration(config); });
    EXPECT_NE(message.find("'hello' is listed twice in plugins.enabled"), std::string::npos) << message;
}

TEST(PluginLoaderTest, ConfigurationEnablingAWrongVersionPluginIsRefused) {
    TempDir dir;
    const auto config =
        write_config(dir, "sqlite://" + dir.file("data/tasklane.db"), test_plugin_dir(), "wrong_version");
    const auto message = load_error_of([&] { core::load_configuration(config); });
    EXPECT_NE(message.find(test_plugin("wrong_version")), std::string::npos) << message;
    EXPECT_NE(message.find("expects version " + std::to_string(sdk::kApiVersion)), std::string::npos) << message;
}

// A plugin handler that throws, served by the real server on both databases.
class PluginFailureTest : public ::testing::TestWithParam<sdk::Dialect> {
protected:
    void SetUp() override {
        db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
        server_ = std::make_unique<TestServer>(write_config(dir_, db_->url(), test_plugin_dir(), "probe"));
    }
    void TearDown() override {
        server_.reset();
        db_.reset();
    }
    std::uint16_t port() const { return server_->port(); }

    static void expect_internal_error(const HttpResult& r) {
        EXPECT_EQ(r.status, 500) << r.body;
        ASSERT_TRUE(r.has_header("x-request-id"));
        EXPECT_FALSE(r.header("x-request-id").empty());
        const auto body = r.json();
        ASSERT_TRUE(body.contains("error")) << r.body;
        const auto& error = body["error"];
        EXPECT_EQ(error.size(), 4U) << r.body;
        EXPECT_EQ(error["code"], "internal_error");
        EXPECT_TRUE(error["message"].is_string());
        // The exception text stays in the log, never in the response.
        EXPECT_EQ(r.body.find("probe exploded"), std::string::npos) << r.body;
        EXPECT_EQ(error["details"], nlohmann::json::array());
        EXPECT_EQ(error["request_id"], r.header("x-request-id"));
    }

    TempDir dir_;
    std::unique_ptr<TestDatabase> db_;
    std::unique_ptr<TestServer> server_;
};

TEST_P(PluginFailureTest, ThrowingPluginHandlerIs500WithRequestIdAndServerKeepsServing) {
    expect_internal_error(http(port(), "GET", "/api/v1/probe/boom"));
    const auto health = http(port(), "GET", "/health");
    EXPECT_EQ(health.status, 200) << health.body;
    EXPECT_EQ(health.json()["status"], "ok");
}

TEST_P(PluginFailureTest, ThrowingPluginHandlerLeavesTheKeptAliveConnectionUsable) {
    HttpConnection connection(port());
    expect_internal_error(connection.request("GET", "/api/v1/probe/boom"));
    const auto health = connection.request("GET", "/health");
    EXPECT_EQ(health.status, 200) << health.body;
}

TEST_P(PluginFailureTest, ClientRequestIdIsEchoedInHeaderAndBodyOfThe500) {
    const auto r = http(port(), "GET", "/api/v1/probe/boom", "", {{"X-Request-ID", "my-id-123"}});
    expect_internal_error(r);
    EXPECT_EQ(r.header("x-request-id"), "my-id-123");
    EXPECT_EQ(r.json()["error"]["request_id"], "my-id-123");
}

INSTANTIATE_TEST_SUITE_P(Dialects, PluginFailureTest,
                         ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const ::testing::TestParamInfo<sdk::Dialect>& info) { return dialect_name(info.param); });

}  // namespace
}  // namespace tasklane::test
