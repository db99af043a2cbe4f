#pragma once
// Inbound task creation: admins issue named tokens (the token is the URL
// credential, stored only as its SHA-256; the secret signs each request),
// and POST /api/v1/integrations/inbound/{token} creates a task through the
// tasks service as the token's creator.
#include "integration_store.hpp"

#include <tasklane/sdk/http.hpp>
#include <tasklane/sdk/tasks_api.hpp>
#include <tasklane/sdk/users.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tasklane::integrations {

// How far X-Tasklane-Timestamp may be from our clock, either way.
inline constexpr std::int64_t kInboundWindowSeconds = 300;

class InboundService {
public:
    InboundService(sdk::Database& db, IntegrationStore& store, std::shared_ptr<sdk::TaskApi> tasks,
                   std::shared_ptr<sdk::UserDirectory> users, std::function<std::int64_t()> clock)
        : db_(db), store_(store), tasks_(std::move(tasks)), users_(std::move(users)), clock_(std::move(clock)) {}

    // {id, name, defaults, token, secret}: the token and secret this once.
    nlohmann::json create_token(const nlohmann::json& body, const sdk::Caller& caller);
    nlohmann::json list_tokens(std::int64_t page, std::int64_t per_page);
    void delete_token(std::int64_t id);

    // The created task. Every authentication failure (unknown token, bad or
    // missing signature, stale timestamp, inactive creator) is the same 401,
    // so the answer never tells whether a token exists.
    nlohmann::json receive(const std::string& token, const std::optional<std::string>& timestamp,
                           const std::optional<std::string>& signature, const std::string& raw_body,
                           const std::function<nlohmann::json()>& parse_body);

private:
    sdk::Database& db_;
    IntegrationStore& store_;
    std::shared_ptr<sdk::TaskApi> tasks_;
    std::shared_ptr<sdk::UserDirectory> users_;
    std::function<std::int64_t()> clock_;
};

}  // namespace tasklane::integrations
