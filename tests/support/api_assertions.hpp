#pragma once
// Assertions on what every API client relies on.
#include "http_client.hpp"

#include <gtest/gtest.h>

namespace tasklane::test {

// The uniform error body of DESIGN.md section 5, with the request id of the
// X-Request-ID header; 401 also names the Bearer scheme.
inline void expect_error(const HttpResult& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_FALSE(r.header("x-request-id").empty());
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object() && body.contains("error")) << r.body;
    const auto& error = body["error"];
    EXPECT_EQ(error.value("code", ""), code) << r.body;
    EXPECT_TRUE(error["message"].is_string() && !error["message"].get<std::string>().empty()) << r.body;
    EXPECT_TRUE(error["details"].is_array()) << r.body;
    EXPECT_EQ(error.value("request_id", ""), r.header("x-request-id"));
    if (status == 401) {
        EXPECT_EQ(r.header("www-authenticate"), "Bearer");
    }
}

}  // namespace tasklane::test
