#include "openapi.hpp"

#include <algorithm>
#include <cctype>

namespace tasklane::core {

namespace {

const nlohmann::json kErrorSchema = {
    {"type", "object"},
    {"required", {"error"}},
    {"properties",
     {{"error",
       {{"type", "object"},
        {"required", {"code", "message", "details", "request_id"}},
        {"properties",
         {{"code", {{"type", "string"}}},
          {"message", {{"type", "string"}}},
          {"details",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties", {{"field", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}},
          {"request_id", {{"type", "string"}}}}}}}}}};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

nlohmann::json error_response(const std::string& description) {
    return {{"description", description},
            {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

std::string operation_id(const RegisteredRoute& r) {
    std::string id = lower(r.route.method);
    for (const auto& seg : r.segments) {
        std::string word;
        for (char c : seg) {
            if (std::isalnum(static_cast<unsigned char>(c))) {
                word.push_back(c);
            }
        }
        if (!word.empty()) {
            word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
            id += word;
        }
    }
    return id;
}

}  // namespace

nlohmann::json openapi_document(const RouteTable& routes, const std::string& version) {
    nlohmann::json paths = nlohmann::json::object();
    for (const auto& r : routes.routes()) {
        nlohmann::json op;
        op["operationId"] = operation_id(r);
        op["summary"] = r.route.summary;
        if (!r.route.tags.empty()) {
            op["tags"] = r.route.tags;
        }
        nlohmann::json params = nlohmann::json::array();
        for (const auto& seg : r.segments) {
            if (seg.size() > 2 && seg.front() == '{') {
                params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                                  {"in", "path"},
                                  {"required", true},
                                  {"schema", {{"type", "string"}}}});
            }
        }
        if (!params.empty()) {
            op["parameters"] = params;
        }
        if (!r.route.request_schema.is_null()) {
            op["requestBody"] = {{"required", true},
                                 {"content", {{"application/json", {{"schema", r.route.request_schema}}}}}};
        }
        nlohmann::json success = {{"description", "success"}};
        if (!r.route.response_schema.is_null()) {
            success["content"] = {{"application/json", {{"schema", r.route.response_schema}}}};
        }
        op["responses"][std::to_string(r.route.success_status)] = success;
        op["responses"]["default"] = error_response("error (uniform error body)");
        if (r.route.access != sdk::Access::Public) {
            op["security"] = nlohmann::json::array({{{"bearerAuth", nlohmann::json::array()}}});
            op["responses"]["401"] = error_response("missing, invalid or expired token");
        }
        if (r.route.access == sdk::Access::Admin) {
            op["responses"]["403"] = error_response("administrator role required");
        }
        paths[r.route.path][lower(r.route.method)] = op;
    }
    return {{"openapi", "3.0.3"},
            {"info", {{"title", "Tasklane API"}, {"version", version}}},
            {"paths", paths},
            {"components",
             {{"schemas", {{"Error", kErrorSchema}}},
              {"securitySchemes", {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}}}}};
}

}  // namespace tasklane::core
