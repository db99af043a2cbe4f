#include "auth_routes.hpp"

#include "validation.hpp"

#include <charconv>

namespace tasklane::auth {

namespace {

using sdk::Access;
using sdk::Request;
using sdk::Response;

const nlohmann::json kUserSchema = {
    {"type", "object"},
    {"properties",
     {{"id", {{"type", "integer"}}},
      {"email", {{"type", "string"}}},
      {"username", {{"type", "string"}}},
      {"full_name", {{"type", "string"}}},
      {"role", {{"type", "string"}, {"enum", {"admin", "member"}}}},
      {"is_active", {{"type", "boolean"}}},
      {"created_at", {{"type", "string"}, {"format", "date-time"}}},
      {"updated_at", {{"type", "string"}, {"format", "date-time"}}}}}};

const nlohmann::json kTokenSchema = {{"type", "object"},
                                     {"properties",
                                      {{"access_token", {{"type", "string"}}},
                                       {"refresh_token", {{"type", "string"}}},
                                       {"token_type", {{"type", "string"}}},
                                       {"expires_in", {{"type", "integer"}}}}}};

nlohmann::json object_body(const Request& req) {
    auto body = req.json();
    if (!body.is_object()) {
        throw sdk::ApiError::bad_request("the body must be a JSON object");
    }
    return body;
}

Response tokens(const TokenPair& pair) {
    return Response::json(200, {{"access_token", pair.access_token},
                                {"refresh_token", pair.refresh_token},
                                {"token_type", "bearer"},
                                {"expires_in", pair.expires_in}});
}

std::int64_t id_param(const Request& req) {
    const auto& text = req.param("id");
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
        throw sdk::ApiError::not_found("user not found");
    }
    return id;
}

int int_query(const Request& req, const std::string& name, int fallback, int min, int max) {
    const auto value = req.query_param(name);
    if (!value) {
        return fallback;
    }
    int n = 0;
    const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
    if (ec != std::errc() || end != value->data() + value->size() || n < min || n > max) {
        throw sdk::ApiError(400, "bad_request",
                            name + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return n;
}

bool required_bool(const nlohmann::json& body, const std::string& name) {
    if (!body.contains(name) || !body[name].is_boolean()) {
        throw sdk::ApiError::validation({{name, "required, true or false"}});
    }
    return body[name].get<bool>();
}

Response register_user(AuthService& service, const Request& req) {
    const auto body = object_body(req);
    Problems problems;
    NewUser input;
    input.email = string_field(body, "email", problems).value_or("");
    input.username = string_field(body, "username", problems).value_or("");
    input.password = string_field(body, "password", problems).value_or("");
    input.full_name = string_field(body, "full_name", problems).value_or("");
    if (!problems.empty()) {
        throw sdk::ApiError::validation(problems);
    }
    const auto user = service.register_member(input);
    auto response = Response::json(201, to_json(user, true));
    response.headers["Location"] = "/api/v1/users/" + std::to_string(user.id);
    return response;
}

Response login(AuthService& service, const Request& req) {
    std::string login_name;
    std::string password;
    if (req.media_type() == "application/x-www-form-urlencoded") {
        // OAuth2 password-flow clients send a form.
        const auto form = sdk::parse_form(req.body);
        auto field = [&](const std::string& name) {
            auto it = form.find(name);
            return it == form.end() ? std::string() : it->second;
        };
        login_name = field("username");
        password = field("password");
    } else {
        const auto body = object_body(req);
        Problems problems;
        login_name = string_field(body, "username", problems).value_or(string_field(body, "email", problems).value_or(""));
        password = string_field(body, "password", problems).value_or("");
        if (!problems.empty()) {
            throw sdk::ApiError::validation(problems);
        }
    }
    Problems missing;
    if (login_name.empty()) {
        missing.push_back({"username", "username or email is required"});
    }
    if (password.empty()) {
        missing.push_back({"password", "required"});
    }
    if (!missing.empty()) {
        throw sdk::ApiError::validation(missing);
    }
    return tokens(service.login(login_name, password, req.remote_address));
}

Response update_profile(AuthService& service, const Request& req) {
    const auto body = object_body(req);
    Problems problems;
    ProfileChange change;
    change.full_name = string_field(body, "full_name", problems);
    change.email = string_field(body, "email", problems);
    change.password = string_field(body, "password", problems);
    change.current_password = string_field(body, "current_password", problems);
    if (!problems.empty()) {
        throw sdk::ApiError::validation(problems);
    }
    return Response::json(200, to_json(service.update_profile(req.require_caller().user_id, change), true));
}

}  // namespace

std::optional<std::string> bearer_token(const Request& request) {
    const auto header = request.header("Authorization");
    if (!header) {
        return std::nullopt;
    }
    static const std::string scheme = "bearer ";
    if (header->size() <= scheme.size() || lower(header->substr(0, scheme.size())) != scheme) {
        throw sdk::ApiError::unauthorized("Authorization must be 'Bearer <access token>'");
    }
    return header->substr(scheme.size());
}

void register_auth_routes(sdk::Routes& routes, AuthService& service) {
    const std::vector<std::string> auth_tag = {"auth"};
    const std::vector<std::string> users_tag = {"users"};
    routes.add({.method = "POST", .path = "/api/v1/auth/register", .summary = "Register a member account",
                .tags = auth_tag,
                .request_schema = {{"type", "object"},
                                   {"required", {"email", "username", "password"}},
                                   {"properties",
                                    {{"email", {{"type", "string"}}},
                                     {"username", {{"type", "string"}, {"pattern", "^[A-Za-z0-9_.-]{3,32}$"}}},
                                     {"password", {{"type", "string"}, {"minLength", 8}, {"maxLength", 128}}},
                                     {"full_name", {{"type", "string"}}}}}},
                .response_schema = kUserSchema,
                .success_status = 201},
               [&service](const Request& req) { return register_user(service, req); });
    routes.add({.method = "POST", .path = "/api/v1/auth/login",
                .summary = "Log in with username or email (JSON or OAuth2 form)", .tags = auth_tag,
                .request_schema = {{"type", "object"},
                                   {"properties",
                                    {{"username", {{"type", "string"}}},
                                     {"email", {{"type", "string"}}},
                                     {"password", {{"type", "string"}}}}}},
                .response_schema = kTokenSchema},
               [&service](const Request& req) { return login(service, req); });
    routes.add({.method = "POST", .path = "/api/v1/auth/refresh", .summary = "Exchange a refresh token for a new pair",
                .tags = auth_tag,
                .request_schema = {{"type", "object"},
                                   {"required", {"refresh_token"}},
                                   {"properties", {{"refresh_token", {{"type", "string"}}}}}},
                .response_schema = kTokenSchema},
               [&service](const Request& req) {
                   const auto body = object_body(req);
                   Problems problems;
                   const auto token = string_field(body, "refresh_token", problems);
                   if (!token || token->empty()) {
                       problems.push_back({"refresh_token", "required"});
                   }
                   if (!problems.empty()) {
                       throw sdk::ApiError::validation(problems);
                   }
                   return tokens(service.refresh(*token));
               });
    routes.add({.method = "POST", .path = "/api/v1/auth/logout", .access = Access::Authenticated,
                .summary = "Revoke the refresh token and the current access token", .tags = auth_tag,
                .success_status = 204},
               [&service](const Request& req) {
                   std::optional<std::string> refresh;
                   if (!req.body.empty()) {
                       Problems problems;
                       refresh = string_field(object_body(req), "refresh_token", problems);
                       if (!problems.empty()) {
                           throw sdk::ApiError::validation(problems);
                       }
                   }
                   service.logout(req.require_caller(), bearer_token(req).value_or(""), refresh);
                   return Response::no_content();
               });
    auto me = [&service](const Request& req) {
        return Response::json(200, to_json(service.get(req.require_caller().user_id), true));
    };
    for (const char* path : {"/api/v1/auth/me", "/api/v1/users/profile", "/api/v1/users/me"}) {
        routes.add({.method = "GET", .path = path, .access = Access::Authenticated, .summary = "The caller",
                    .tags = users_tag, .response_schema = kUserSchema},
                   me);
    }
    for (const char* path : {"/api/v1/users/profile", "/api/v1/users/me"}) {
        routes.add({.method = "PUT", .path = path, .access = Access::Authenticated,
                    .summary = "Change the caller's name, email or password (current_password required for a new password)",
                    .tags = users_tag, .response_schema = kUserSchema},
                   [&service](const Request& req) { return update_profile(service, req); });
    }
    routes.add({.method = "GET", .path = "/api/v1/users", .access = Access::Authenticated,
                .summary = "List users (?q=, page, per_page); emails for admins only", .tags = users_tag},
               [&service](const Request& req) {
                   const int page = int_query(req, "page", 1, 1, 1000000);
                   const int per_page = int_query(req, "per_page", 20, 1, 100);
                   const auto result = service.list(req.query_param("q").value_or(""), page, per_page);
                   const auto& caller = req.require_caller();
                   nlohmann::json items = nlohmann::json::array();
                   for (const auto& u : result.items) {
                       items.push_back(to_json(u, caller.is_admin() || caller.user_id == u.id));
                   }
                   return Response::json(
                       200, {{"items", items}, {"total", result.total}, {"page", page}, {"per_page", per_page}});
               });
    routes.add({.method = "GET", .path = "/api/v1/users/{id}", .access = Access::Authenticated,
                .summary = "One user", .tags = users_tag, .response_schema = kUserSchema},
               [&service](const Request& req) {
                   const auto& caller = req.require_caller();
                   const auto user = service.get(id_param(req));
                   return Response::json(200, to_json(user, caller.is_admin() || caller.user_id == user.id));
               });
    routes.add({.method = "PUT", .path = "/api/v1/users/{id}/role", .access = Access::Admin,
                .summary = "Change a user's role (admin only)", .tags = users_tag,
                .request_schema = {{"type", "object"},
                                   {"required", {"role"}},
                                   {"properties", {{"role", {{"type", "string"}, {"enum", {"admin", "member"}}}}}}},
                .response_schema = kUserSchema},
               [&service](const Request& req) {
                   const auto body = object_body(req);
                   Problems problems;
                   const auto role = string_field(body, "role", problems).value_or("");
                   return Response::json(200, to_json(service.set_role(req.require_caller(), id_param(req), role), true));
               });
    routes.add({.method = "PUT", .path = "/api/v1/users/{id}/active", .access = Access::Admin,
                .summary = "Activate or deactivate a user (admin only); deactivation revokes their tokens",
                .tags = users_tag,
                .request_schema = {{"type", "object"},
                                   {"required", {"is_active"}},
                                   {"properties", {{"is_active", {{"type", "boolean"}}}}}},
                .response_schema = kUserSchema},
               [&service](const Request& req) {
                   const bool active = required_bool(object_body(req), "is_active");
                   return Response::json(200,
                                         to_json(service.set_active(req.require_caller(), id_param(req), active), true));
               });
}

}  // namespace tasklane::auth
