#pragma once
// HTTP as plugins see it: plain values, no Pistache types. The host owns the
// server, routing, middleware (request id, limits, metrics, logging, auth) and
// error rendering.
//
// Threading: a handler runs on one of the server's worker threads and must
// return its Response; it may block on the database but should not block for
// long (password hashing, outbound HTTP): several connections share a worker.
// Handlers of one route run concurrently on different workers.
#include "errors.hpp"
#include "export.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tasklane::sdk {

// Header names are compared case-insensitively.
struct CaseInsensitiveLess {
    bool operator()(const std::string& a, const std::string& b) const {
        const auto n = a.size() < b.size() ? a.size() : b.size();
        for (std::size_t i = 0; i < n; ++i) {
            const char x = static_cast<char>(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
            const char y = static_cast<char>(b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i]);
            if (x != y) {
                return x < y;
            }
        }
        return a.size() < b.size();
    }
};
using Headers = std::map<std::string, std::string, CaseInsensitiveLess>;

// The authenticated caller, set by the authentication provider (the auth
// plugin) before the handler runs.
struct Caller {
    std::int64_t user_id = 0;
    std::string username;
    std::string role;  // "admin" | "member"
    bool is_admin() const { return role == "admin"; }
};

// Decodes %XX escapes (and '+' as space in query strings and form bodies);
// malformed escapes are kept as they are.
inline std::string url_decode(const std::string& text, bool plus_is_space) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
            i += 2;
        } else {
            out.push_back(plus_is_space && c == '+' ? ' ' : c);
        }
    }
    return out;
}

// application/x-www-form-urlencoded: "a=1&b=x+y" -> {a:1, b:"x y"}.
inline std::multimap<std::string, std::string> parse_form(const std::string& body) {
    std::multimap<std::string, std::string> out;
    std::size_t start = 0;
    while (start <= body.size()) {
        auto end = body.find('&', start);
        if (end == std::string::npos) {
            end = body.size();
        }
        const auto pair = body.substr(start, end - start);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            out.emplace(url_decode(pair.substr(0, eq), true),
                        eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1), true));
        }
        start = end + 1;
    }
    return out;
}

struct Request {
    std::string method;  // "GET", "POST", ...
    std::string path;    // without the query string
    std::string route;   // the route template that matched, e.g. /api/v1/tasks/{id}
    std::map<std::string, std::string> path_params;
    std::multimap<std::string, std::string> query;
    Headers headers;
    std::string body;
    std::string request_id;
    std::string remote_address;
    std::optional<Caller> caller;

    std::optional<std::string> header(const std::string& name) const {
        auto it = headers.find(name);
        if (it == headers.end()) {
            return std::nullopt;
        }
        return it->second;
    }
    std::optional<std::string> query_param(const std::string& name) const {
        auto it = query.find(name);
        if (it == query.end()) {
            return std::nullopt;
        }
        return it->second;
    }
    const std::string& param(const std::string& name) const { return path_params.at(name); }
    // The media type without parameters, lower-cased: "application/json".
    std::string media_type() const {
        auto type = header("Content-Type").value_or("");
        type = type.substr(0, type.find(';'));
        while (!type.empty() && type.back() == ' ') {
            type.pop_back();
        }
        for (auto& c : type) {
            c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        return type;
    }
    bool has_json_body() const {
        const auto type = media_type();
        return type == "application/json" || (type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0);
    }
    // The body parsed as JSON: 415 when it is declared as something else,
    // 400 when it is malformed.
    nlohmann::json json() const {
        if (!media_type().empty() && !has_json_body()) {
            throw ApiError(415, "unsupported_media_type",
                           "the body must be application/json (Content-Type was '" + media_type() + "')");
        }
        try {
            return nlohmann::json::parse(body);
        } catch (const nlohmann::json::parse_error& e) {
            throw ApiError::bad_request(std::string("malformed JSON body: ") + e.what());
        }
    }
    // The caller, or 401 if the request is anonymous.
    const Caller& require_caller() const {
        if (!caller) {
            throw ApiError::unauthorized();
        }
        return *caller;
    }
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;

    static Response json(int status, const nlohmann::json& body) {
        Response r;
        r.status = status;
        r.headers["Content-Type"] = "application/json";
        r.body = body.dump();
        return r;
    }
    static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8") {
        Response r;
        r.status = status;
        r.headers["Content-Type"] = std::move(content_type);
        r.body = std::move(body);
        return r;
    }
    static Response no_content() {
        Response r;
        r.status = 204;
        return r;
    }
};

using Handler = std::function<Response(const Request&)>;

enum class Access {
    Public,         // anyone; the caller is not resolved (Request::caller stays empty), so a
                    // token costs a public route nothing and a stale one cannot break it
    Authenticated,  // a caller is required (401 otherwise)
    Admin,          // an admin caller is required (401/403 otherwise)
};

// A route and the metadata the host publishes in /openapi.json.
struct Route {
    // Every member has an initializer so designated initializers may omit
    // any of them without -Wmissing-field-initializers.
    std::string method{};  // GET, POST, PUT, PATCH, DELETE
    std::string path{};    // template with {name} segments: /api/v1/tasks/{id}
    Access access = Access::Public;
    std::string summary{};
    std::vector<std::string> tags{};
    nlohmann::json request_schema{};   // JSON Schema of the body, or null
    nlohmann::json response_schema{};  // JSON Schema of the success body, or null
    int success_status = 200;
    // Largest body the route takes (413 beyond); 0: server.max_body_bytes.
    // Raise it only for routes that take files: the whole request is held in
    // memory while it is handled.
    std::size_t max_body_bytes = 0;
};

// Resolves the caller of a request (e.g. from a bearer token). Returns nullopt
// for an anonymous request; throws ApiError(401) for a bad credential.
using Authenticator = std::function<std::optional<Caller>(const Request&)>;

class TASKLANE_SDK_VISIBLE Routes {
public:
    virtual ~Routes() = default;
    // Registers a route; a duplicate method+path is refused with an exception
    // naming both owners.
    virtual void add(Route route, Handler handler) = 0;
    // Installs the single authentication provider; a second one is refused.
    virtual void set_authenticator(Authenticator authenticator) = 0;
};

}  // namespace tasklane::sdk
