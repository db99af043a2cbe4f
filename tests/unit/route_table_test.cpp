#include "http/route_table.hpp"

#include <gtest/gtest.h>

namespace tasklane::core {
namespace {

sdk::Handler ok_handler() {
    return [](const sdk::Request&) { return sdk::Response::no_content(); };
}

sdk::Route route(const std::string& method, const std::string& path) {
    sdk::Route r;
    r.method = method;
    r.path = path;
    return r;
}

TEST(RouteTable, LiteralSegmentBeatsParameter) {
    RouteTable table;
    table.add(route("GET", "/api/v1/tasks/{id}"), ok_handler(), "a");
    table.add(route("GET", "/api/v1/tasks/search"), ok_handler(), "a");
    auto m = table.match("GET", "/api/v1/tasks/search");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->route.path, "/api/v1/tasks/search");
    m = table.match("GET", "/api/v1/tasks/42");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->route.path, "/api/v1/tasks/{id}");
    EXPECT_EQ(m.params.at("id"), "42");
}

TEST(RouteTable, PathParametersArePercentDecoded) {
    RouteTable table;
    table.add(route("GET", "/hello/{name}"), ok_handler(), "a");
    auto m = table.match("GET", "/hello/Ada%20Lovelace");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.params.at("name"), "Ada Lovelace");
}

TEST(RouteTable, WrongMethodReportsAllowedMethods) {
    RouteTable table;
    table.add(route("GET", "/things"), ok_handler(), "a");
    table.add(route("POST", "/things"), ok_handler(), "a");
    auto m = table.match("DELETE", "/things");
    EXPECT_EQ(m.route, nullptr);
    EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"GET", "POST"}));
}

TEST(RouteTable, UnknownPathMatchesNothing) {
    RouteTable table;
    table.add(route("GET", "/things/{id}"), ok_handler(), "a");
    auto m = table.match("GET", "/things/1/extra");
    EXPECT_EQ(m.route, nullptr);
    EXPECT_TRUE(m.allowed_methods.empty());
    EXPECT_EQ(table.match("GET", "/things/").route, nullptr);
}

TEST(RouteTable, DuplicateRouteNamesBothOwners) {
    RouteTable table;
    table.add(route("GET", "/x"), ok_handler(), "plugin 'a'");
    try {
        table.add(route("GET", "/x"), ok_handler(), "plugin 'b'");
        FAIL() << "duplicate accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("plugin 'a'"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("plugin 'b'"), std::string::npos);
    }
}

TEST(UrlDecode, PlusIsSpaceOnlyInQueriesAndForms) {
    EXPECT_EQ(sdk::url_decode("a+b%2Fc", true), "a b/c");
    EXPECT_EQ(sdk::url_decode("a+b", false), "a+b");
    EXPECT_EQ(sdk::url_decode("bad%zz%", false), "bad%zz%");
}

TEST(ParseForm, DecodesPairsAndKeepsEmptyValues) {
    const auto form = sdk::parse_form("username=ada%40example.com&password=p+w%26d&flag");
    EXPECT_EQ(form.find("username")->second, "ada@example.com");
    EXPECT_EQ(form.find("password")->second, "p w&d");
    EXPECT_EQ(form.find("flag")->second, "");
}

TEST(RequestJson, DeclaredNonJsonBodyIs415AndMalformedJsonIs400) {
    sdk::Request r;
    r.body = "{}";
    r.headers["Content-Type"] = "text/plain";
    try {
        r.json();
        FAIL() << "text/plain accepted";
    } catch (const sdk::ApiError& e) {
        EXPECT_EQ(e.status(), 415);
    }
    r.headers["Content-Type"] = "application/merge-patch+json; charset=utf-8";
    EXPECT_TRUE(r.json().is_object());
    r.body = "{";
    try {
        r.json();
        FAIL() << "malformed JSON accepted";
    } catch (const sdk::ApiError& e) {
        EXPECT_EQ(e.status(), 400);
    }
}

}  // namespace
}  // namespace tasklane::core
