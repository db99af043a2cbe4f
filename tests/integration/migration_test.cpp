// Migrations on a real SQLite file and a real PostgreSQL database: applied
// once, recorded with a checksum, edited ones refused, failing ones rolled
// back, and readiness while migrations are pending or the database is away.
#include "../../core/src/db/database_url.hpp"
#include "../../core/src/db/migrator.hpp"
#include "../../core/src/db/session_pool.hpp"
#include "../support/api_assertions.hpp"
#include "../support/http_client.hpp"
#include "../support/test_env.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <set>
#include <utility>

namespace tasklane::test {
namespace {

using core::ComponentMigrations;
using core::MigrationError;
using core::Migrator;

using Recorded = std::set<std::pair<std::string, int>>;  // (component, version)

// The server on an ephemeral port with hello enabled; `database_yaml` is the
// body of the database section.
std::string write_server_config(const TempDir& dir, const std::string& database_yaml) {
    const auto path = dir.file("tasklane.yaml");
    std::ofstream(path) << "server:\n  host: 127.0.0.1\n  port: 0\n  threads: 2\n  shutdown_timeout: 5s\n"
                        << "realtime:\n  host: 127.0.0.1\n  port: 0\n"
                        << "database:\n" << database_yaml
                        << "plugins:\n  dir: \"" << plugin_dir() << "\"\n  enabled: [hello]\n"
                        << "events:\n  poll_interval: 100ms\n"
                        << "logging:\n  level: error\n";
    return path;
}

class MigrationTest : public ::testing::TestWithParam<sdk::Dialect> {
protected:
    void SetUp() override {
        db_ = std::make_unique<TestDatabase>(GetParam(), dir_);
        pool_ = std::make_unique<core::SessionPool>(core::DatabaseUrl::parse(db_->url()), 2,
                                                    std::chrono::milliseconds(5000));
    }
    void TearDown() override {
        pool_.reset();  // PostgreSQL refuses to drop a database with open sessions
        db_.reset();
    }

    Recorded recorded() {
        Recorded out;
        if (!table_exists("schema_migrations")) {
            return out;  // nothing migrated yet: status checks never create the table
        }
        auto lease = pool_->acquire();
        std::string component;
        int version = 0;
        soci::statement st = (lease->sql().prepare << "SELECT component, version FROM schema_migrations",
                              soci::into(component), soci::into(version));
        st.execute();
        while (st.fetch()) {
            out.insert({component, version});
        }
        return out;
    }

    bool table_exists(const std::string& table) {
        auto lease = pool_->acquire();
        std::string name = table;
        long long n = 0;
        if (GetParam() == sdk::Dialect::Sqlite) {
            lease->sql() << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :n", soci::use(name),
                soci::into(n);
        } else {
            lease->sql() << "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = :n", soci::use(name),
                soci::into(n);
        }
        return n > 0;
    }

    TempDir dir_;
    std::unique_ptr<TestDatabase> db_;
    std::unique_ptr<core::SessionPool> pool_;
};

TEST_P(MigrationTest, ServerStartRecordsCoreAndPluginMigrations) {
    const auto config = write_config(dir_, db_->url(), plugin_dir(), "hello");
    TestServer server(config);
    EXPECT_EQ(recorded(), (Recorded{{"core", 1}, {"core", 2}, {"core", 3}, {"hello", 1}, {"rules", 1}}));
    EXPECT_TRUE(table_exists("hello_greetings"));
}

TEST_P(MigrationTest, ApplyingTwiceAppliesNothingTheSecondTime) {
    const auto configuration = core::load_configuration(write_config(dir_, db_->url(), plugin_dir(), "hello"));
    const auto all = core::all_migrations(configuration);
    Migrator migrator(*pool_);
    EXPECT_EQ(migrator.pending(all), 5U);
    const auto first = migrator.apply(all);
    ASSERT_EQ(first.size(), 5U);
    EXPECT_EQ(first[0].component, "core");
    EXPECT_EQ(first[2].component, "core");
    EXPECT_EQ(first[3].component, "rules");
    EXPECT_EQ(first[4].component, "hello");
    EXPECT_TRUE(migrator.apply(all).empty());
    EXPECT_EQ(migrator.pending(all), 0U);
    EXPECT_EQ(recorded(), (Recorded{{"core", 1}, {"core", 2}, {"core", 3}, {"hello", 1}, {"rules", 1}}));
}

TEST_P(MigrationTest, MigrationsAlreadyAppliedByTheServerAreNotAppliedAgain) {
    const auto config = write_config(dir_, db_->url(), plugin_dir(), "hello");
    { TestServer server(config); }
    Migrator migrator(*pool_);
    EXPECT_TRUE(migrator.apply(core::all_migrations(core::load_configuration(config))).empty());
    EXPECT_EQ(recorded(), (Recorded{{"core", 1}, {"core", 2}, {"core", 3}, {"hello", 1}, {"rules", 1}}));
}

TEST_P(MigrationTest, EditedMigrationIsRefusedNamingComponentAndVersion) {
    Migrator migrator(*pool_);
    const std::vector<ComponentMigrations> original{
        {"widgets", {{.version = 1, .name = "create_widgets", .sql = "CREATE TABLE widgets (id INTEGER)"}}}};
    ASSERT_EQ(migrator.apply(original).size(), 1U);
    const std::vector<ComponentMigrations> edited{
        {"widgets",
         {{.version = 1, .name = "create_widgets", .sql = "CREATE TABLE widgets (id INTEGER, label VARCHAR(20))"}}}};
    try {
        migrator.apply(edited);
        FAIL() << "an edited migration was applied";
    } catch (const MigrationError& e) {
        EXPECT_NE(std::string(e.what()).find("widgets/1"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("edited"), std::string::npos) << e.what();
    }
    EXPECT_THROW(migrator.status(edited), MigrationError);
    EXPECT_EQ(migrator.pending(original), 0U);
    EXPECT_EQ(recorded(), (Recorded{{"widgets", 1}}));
}

TEST_P(MigrationTest, FailingMigrationRollsBackAndIsNotRecorded) {
    Migrator migrator(*pool_);
    const std::vector<ComponentMigrations> all{
        {"widgets",
         {{.version = 1, .name = "create_widgets", .sql = "CREATE TABLE widgets (id INTEGER)"},
          {.version = 2,
           .name = "broken",
           .sql = "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table (id) VALUES (1);"}}}};
    try {
        migrator.apply(all);
        FAIL() << "a failing migration was reported as applied";
    } catch (const MigrationError& e) {
        EXPECT_NE(std::string(e.what()).find("widgets/2 (broken) failed"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(table_exists("half_done"));
    EXPECT_TRUE(table_exists("widgets"));
    EXPECT_EQ(recorded(), (Recorded{{"widgets", 1}}));
    EXPECT_EQ(migrator.pending(all), 1U);
}

// The readiness cycle of database.migrate: manual: 503 with the migrations
// pending, `tasklane migrate` from another process, then 200.
void expect_ready_only_after_tasklane_migrate(std::uint16_t port, const std::string& config, int pending) {
    const auto before = http(port, "GET", "/health/ready");
    EXPECT_EQ(before.status, 503) << before.body;
    EXPECT_EQ(before.json()["status"], "not_ready");
    EXPECT_EQ(before.json()["components"]["migrations"]["status"], "pending");
    EXPECT_EQ(before.json()["components"]["migrations"]["pending"], pending);
    EXPECT_EQ(before.json()["components"]["database"]["status"], "ok");

    const auto migrate = run_command("'" + tasklane_binary() + "' migrate --config '" + config + "'");
    ASSERT_EQ(migrate.exit_code, 0) << migrate.output;
    EXPECT_NE(migrate.output.find(std::to_string(pending) + " migrations applied"), std::string::npos)
        << migrate.output;

    const auto after = http(port, "GET", "/health/ready");
    EXPECT_EQ(after.status, 200) << after.body;
    EXPECT_EQ(after.json()["components"]["migrations"]["status"], "ok");
}

std::string manual_database_yaml(const std::string& url) {
    return "  url: \"" + url + "\"\n  pool_size: 4\n  migrate: manual\n";
}

TEST_P(MigrationTest, ManualMigrateServerOnAFreshDatabaseIsNotReadyUntilTasklaneMigrateRuns) {
    const auto config = write_server_config(dir_, manual_database_yaml(db_->url()));
    std::unique_ptr<TestServer> server;
    ASSERT_NO_THROW(server = std::make_unique<TestServer>(config))
        << "with database.migrate: manual the server must start and report the pending migrations";
    EXPECT_TRUE(recorded().empty());
    expect_ready_only_after_tasklane_migrate(server->port(), config, 5);
    EXPECT_EQ(recorded(), (Recorded{{"core", 1}, {"core", 2}, {"core", 3}, {"hello", 1}, {"rules", 1}}));
}

TEST_P(MigrationTest, ManualMigrateServerWithAPendingPluginMigrationIsNotReadyUntilTasklaneMigrateRuns) {
    const auto config = write_server_config(dir_, manual_database_yaml(db_->url()));
    auto all = core::all_migrations(core::load_configuration(config));
    ASSERT_EQ(all.front().component, "core");
    all.resize(1);
    Migrator(*pool_).apply(all);
    TestServer server(config);
    EXPECT_EQ(recorded(), (Recorded{{"core", 1}, {"core", 2}, {"core", 3}}));
    expect_ready_only_after_tasklane_migrate(server.port(), config, 2);
    EXPECT_EQ(recorded(), (Recorded{{"core", 1}, {"core", 2}, {"core", 3}, {"hello", 1}, {"rules", 1}}));
}

INSTANTIATE_TEST_SUITE_P(Dialects, MigrationTest, ::testing::Values(sdk::Dialect::Sqlite, sdk::Dialect::Postgresql),
                         [](const ::testing::TestParamInfo<sdk::Dialect>& info) { return dialect_name(info.param); });

// Port 1 on loopback has no listener: every connection is refused at once.
// A port no listener and no outgoing connection holds now, below Linux's
// ephemeral range (32768-60999): a port in that range can be taken at any
// moment by some client socket's local end, and PostgreSQL then cannot bind it.
std::string free_port_below_ephemeral_range() {
    for (int port = 20000 + ::getpid() % 10000; port < 32768; ++port) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(fd);
        if (free) {
            return std::to_string(port);
        }
    }
    return "29999";
}

// A PostgreSQL cluster of this test's own, so it can be stopped and started.
class PrivateCluster {
public:
    PrivateCluster() : port_(free_port_below_ephemeral_range()), dir_("/tmp/tasklane-test-pg-private-" + port_) {}
    ~PrivateCluster() { run("stop.sh"); }
    void start() { run("start.sh"); }
    // Stops the server but keeps its data, as an outage would.
    void stop_keeping_data() { run("stop.sh --keep"); }
    std::string url() const { return "postgresql://postgres@127.0.0.1:" + port_ + "/postgres"; }

private:
    void run(const std::string& script) {
        const auto r = run_command("TASKLANE_PG_PORT=" + port_ + " TASKLANE_PG_DIR=" + dir_ + " " +
                                   std::string(TASKLANE_SOURCE_DIR) + "/tests/pg/" + script);
        ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    std::string port_;
    std::string dir_;
};

std::string readiness_of(std::uint16_t port, const std::string& component) {
    auto r = http(port, "GET", "/health/ready");
    return std::to_string(r.status) + " " + r.json()["components"][component]["status"].get<std::string>();
}

TEST(DatabaseOutageTest, ServerStartsWithoutTheDatabaseAndReadinessFollowsIt) {
    TempDir dir;
    PrivateCluster cluster;
    TestServer server(write_server_config(dir, "  url: \"" + cluster.url() + "\"\n"));
    EXPECT_EQ(readiness_of(server.port(), "database"), "503 unavailable");
    EXPECT_EQ(http(server.port(), "GET", "/health").status, 200);

    cluster.start();  // migrations are retried and applied
    EXPECT_TRUE(eventually([&] { return http(server.port(), "GET", "/health/ready").status == 200; },
                           std::chrono::seconds(20)));
    EXPECT_EQ(http(server.port(), "POST", "/api/v1/hello/greetings", R"({"name":"Ada"})").status, 201);

    cluster.stop_keeping_data();
    // Within 5 s: not ready, and requests that need the database are 503 with the error body.
    EXPECT_TRUE(eventually([&] { return readiness_of(server.port(), "database") == "503 unavailable"; },
                           std::chrono::seconds(5)));
    HttpResult during;
    EXPECT_TRUE(eventually(
        [&] {
            during = http(server.port(), "POST", "/api/v1/hello/greetings", R"({"name":"Ada"})");
            return during.status == 503;
        },
        std::chrono::seconds(5)));
    expect_error(during, 503, "database_unavailable");
    EXPECT_FALSE(during.header("retry-after").empty());
    cluster.start();  // back without a restart of the server: broken sessions reconnect
    EXPECT_TRUE(eventually([&] { return http(server.port(), "GET", "/health/ready").status == 200; },
                           std::chrono::seconds(20)));
    EXPECT_EQ(http(server.port(), "POST", "/api/v1/hello/greetings", R"({"name":"Ada"})").status, 201);
}

}  // namespace
}  // namespace tasklane::test
