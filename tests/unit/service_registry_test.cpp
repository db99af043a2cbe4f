// The host's service registry and user feed: a service is found by its
// interface's name, a name is provided once, a plugin's services go when it
// is withdrawn, and the feed hands a push to every listener, surviving one
// that throws and forgetting one that left.
#include "../../core/src/app/service_registry.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <vector>

namespace tasklane::core {
namespace {

struct Greeter {
    static constexpr const char* kServiceName = "greeter";
    std::string greet() const { return "hello"; }
};

TEST(ServiceRegistryTest, FindsWhatAPluginProvidesUnderTheInterfaceName) {
    ServiceRegistry registry;
    PluginServices provider(registry, "a");
    PluginServices consumer(registry, "b");
    EXPECT_EQ(consumer.find<Greeter>(), nullptr);
    provider.provide(std::make_shared<Greeter>());
    ASSERT_NE(consumer.find<Greeter>(), nullptr);
    EXPECT_EQ(consumer.find<Greeter>()->greet(), "hello");
}

TEST(ServiceRegistryTest, RefusesASecondProviderAndNamesTheFirst) {
    ServiceRegistry registry;
    PluginServices first(registry, "a");
    PluginServices second(registry, "b");
    first.provide(std::make_shared<Greeter>());
    try {
        second.provide(std::make_shared<Greeter>());
        FAIL() << "a second provider was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("already provided by plugin 'a'"), std::string::npos) << e.what();
    }
}

struct Other {
    static constexpr const char* kServiceName = "other";
};

TEST(ServiceRegistryTest, WithdrawDropsOnlyThatPluginsServices) {
    ServiceRegistry registry;
    PluginServices a(registry, "a");
    PluginServices b(registry, "b");
    a.provide(std::make_shared<Greeter>());
    b.provide(std::make_shared<Other>());
    registry.withdraw("a");
    EXPECT_EQ(b.find<Greeter>(), nullptr);
    EXPECT_NE(a.find<Other>(), nullptr);
    a.provide(std::make_shared<Greeter>());  // the name is free again (a plugin restarted)
    EXPECT_NE(b.find<Greeter>(), nullptr);
}

TEST(UserFeedTest, PushReachesEveryListenerEvenWhenOneThrows) {
    LocalUserFeed feed(std::make_shared<spdlog::logger>("feed", std::make_shared<spdlog::sinks::null_sink_mt>()));
    std::vector<std::string> seen;
    feed.listen([](std::int64_t, const std::string&, const nlohmann::json&) { throw std::runtime_error("broken"); });
    const auto id = feed.listen([&](std::int64_t user, const std::string& channel, const nlohmann::json& m) {
        seen.push_back(std::to_string(user) + " " + channel + " " + m.dump());
    });
    feed.push(7, "notifications", {{"type", "notification"}});
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], "7 notifications {\"type\":\"notification\"}");
    feed.unlisten(id);
    feed.push(8, "notifications", nullptr);
    EXPECT_EQ(seen.size(), 1u);
}

}  // namespace
}  // namespace tasklane::core
