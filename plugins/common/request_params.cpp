#include "request_params.hpp"

#include <charconv>

namespace tasklane::params {

std::optional<std::int64_t> parse_int(std::string_view text) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return n;
}

std::int64_t path_id(const sdk::Request& req, const std::string& name, const std::string& not_found_message) {
    const auto id = parse_int(req.param(name));
    if (!id || *id <= 0) {
        throw sdk::ApiError::not_found(not_found_message);
    }
    return *id;
}

sdk::ApiError bad_query(const std::string& name, const std::string& expected) {
    return sdk::ApiError(400, "bad_request", "query parameter " + name + " must be " + expected);
}

std::optional<std::int64_t> int_query(const sdk::Request& req, const std::string& name, std::int64_t min,
                                      std::int64_t max) {
    const auto v = req.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    const auto n = parse_int(*v);
    if (!n || *n < min || *n > max) {
        throw bad_query(name, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return n;
}

bool bool_query(const sdk::Request& req, const std::string& name) {
    const auto v = req.query_param(name);
    if (!v || *v == "false" || *v == "0") {
        return false;
    }
    if (*v == "true" || *v == "1") {
        return true;
    }
    throw bad_query(name, "true or false");
}

nlohmann::json object_body(const sdk::Request& req) {
    auto body = req.json();
    if (!body.is_object()) {
        throw sdk::ApiError::bad_request("the body must be a JSON object");
    }
    return body;
}

sdk::Actor actor_of(const sdk::Request& req) { return sdk::Actor::user(req.require_caller().user_id); }

}  // namespace tasklane::params
