// GET /openapi.json with every plugin loaded: valid against the OpenAPI 3.0
// schema (checked by @apidevtools/swagger-parser from web/, run with node),
// listing the routes of DESIGN.md; the /docs viewer (issue 8, acceptance 2);
// the web app at / with its fallback for app routes (issue 11, acceptance 4).
#include "tasks_fixture.hpp"

#include <fstream>
#include <regex>

namespace tasklane::test::tasks {
namespace {

class OpenApiTest : public TasksFixture {
protected:
    std::vector<std::string> extra_plugins() override { return {"notifications", "integrations"}; }
};

TEST_P(OpenApiTest, TheDocumentIsValidOpenApiAndListsTheDesignRoutes) {
    const auto r = http(port(), "GET", "/openapi.json");
    ASSERT_EQ(r.status, 200);
    const auto file = dir_.file("openapi.json");
    std::ofstream(file) << r.body;
    const auto check = run_command("node " + std::string(TASKLANE_SOURCE_DIR) + "/web/tools/validate-openapi.mjs " + file);
    EXPECT_EQ(check.exit_code, 0) << check.output;

    const auto doc = r.json();
    const std::vector<std::pair<std::string, std::string>> design = {
        {"/api/v1/auth/register", "post"},      {"/api/v1/auth/login", "post"},
        {"/api/v1/auth/refresh", "post"},       {"/api/v1/auth/logout", "post"},
        {"/api/v1/auth/me", "get"},             {"/api/v1/tasks", "get"},
        {"/api/v1/tasks", "post"},              {"/api/v1/tasks/{id}", "get"},
        {"/api/v1/tasks/{id}", "patch"},        {"/api/v1/tasks/{id}", "delete"},
        {"/api/v1/tasks/{id}/assign", "post"},  {"/api/v1/tasks/{id}/complete", "post"},
        {"/api/v1/tasks/{id}/comments", "get"}, {"/api/v1/tasks/{id}/comments", "post"},
        {"/api/v1/rules", "get"},               {"/api/v1/rules", "post"},
        {"/api/v1/jobs", "get"},                {"/api/v1/jobs/{id}/retry", "post"},
        {"/api/v1/plugins", "get"},             {"/api/v1/meta", "get"},
        {"/health", "get"},                     {"/health/ready", "get"},
        {"/metrics", "get"},                    {"/openapi.json", "get"},
        {"/api/v1/notifications", "get"},       {"/api/v1/notifications/read-all", "post"},
        {"/api/v1/notifications/preferences", "get"}, {"/api/v1/notifications/preferences", "put"},
        {"/api/v1/webhooks", "get"},            {"/api/v1/webhooks", "post"},
        {"/api/v1/webhooks/{id}/deliveries", "get"},
        {"/api/v1/integrations/inbound/{token}", "post"},
    };
    for (const auto& [path, method] : design) {
        EXPECT_TRUE(doc["paths"].contains(path) && doc["paths"][path].contains(method)) << method << " " << path;
    }
    EXPECT_TRUE(doc["components"]["securitySchemes"].contains("bearerAuth")) << doc["components"];
}

TEST_P(OpenApiTest, DocsServeTheViewerFromThisServerOnly) {
    const auto page = http(port(), "GET", "/docs");
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("/docs/swagger-ui-bundle.js"), std::string::npos);
    EXPECT_EQ(page.body.find("http"), std::string::npos) << "the viewer must not load anything from elsewhere";
    EXPECT_NE(page.header("content-security-policy").find("default-src 'self'"), std::string::npos);

    const auto bundle = http(port(), "GET", "/docs/swagger-ui-bundle.js");
    EXPECT_EQ(bundle.status, 200);
    EXPECT_EQ(bundle.header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_GT(bundle.body.size(), 100000u);
    expect_error(http(port(), "GET", "/docs/..%2F..%2Fetc%2Fpasswd"), 404, "not_found");
    expect_error(http(port(), "GET", "/docs/.hidden"), 404, "not_found");
}

TEST_P(OpenApiTest, TheWebAppAnswersItsRoutesWithoutShadowingTheServer) {
    const auto index = http(port(), "GET", "/");
    ASSERT_EQ(index.status, 200) << index.body;
    EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(index.header("cache-control"), "no-cache");
    EXPECT_NE(index.header("content-security-policy").find("default-src 'self'"), std::string::npos);
    for (const std::string route : {"/tasks/5", "/tasks", "/admin/rules/new", "/signin"}) {
        const auto page = http(port(), "GET", route);
        EXPECT_EQ(page.status, 200) << route;
        EXPECT_EQ(page.body, index.body) << route;
    }

    std::smatch script;
    ASSERT_TRUE(std::regex_search(index.body, script, std::regex(R"(/assets/(app-[A-Za-z0-9_-]+\.js))"))) << index.body;
    const auto bundle = http(port(), "GET", script[0].str());
    EXPECT_EQ(bundle.status, 200);
    EXPECT_EQ(bundle.header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(bundle.header("cache-control"), "public, max-age=31536000, immutable");
    EXPECT_FALSE(std::regex_search(index.body, std::regex(R"((src|href)\s*=\s*"(https?:)?//)")))
        << "the page must not load anything from elsewhere";

    // The server's own prefixes and file names keep their answers.
    expect_error(http(port(), "GET", "/api/v1/nope"), 404, "not_found");
    expect_error(http(port(), "GET", "/public/shares/nope"), 404, "not_found");
    expect_error(http(port(), "GET", "/assets/nope.js"), 404, "not_found");
    expect_error(http(port(), "GET", "/assets/..%2F..%2Fetc%2Fpasswd"), 404, "not_found");
    expect_error(http(port(), "GET", "/favicon.ico"), 404, "not_found");
    expect_error(http(port(), "POST", "/tasks/5"), 404, "not_found");
    EXPECT_EQ(http(port(), "GET", "/health").header("content-type"), "application/json");
    EXPECT_EQ(http(port(), "GET", "/openapi.json").header("content-type"), "application/json");
    EXPECT_NE(http(port(), "GET", "/docs").body.find("swagger"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, OpenApiTest, ::testing::Values(sdk::Dialect::Sqlite),
                         [](const auto&) { return "Sqlite"; });

}  // namespace
}  // namespace tasklane::test::tasks
