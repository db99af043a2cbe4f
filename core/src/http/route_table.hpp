#pragma once
// Route registration and matching for every plugin's routes. Matching is by
// path segment; a literal segment beats a {param} (so /tasks/search wins over
// /tasks/{id}). Registration happens at start, matching afterwards without locks.
#include <tasklane/sdk/http.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tasklane::core {

struct RegisteredRoute {
    sdk::Route route;
    sdk::Handler handler;
    std::string owner;  // "core" or the plugin's name
    std::vector<std::string> segments;
};

struct RouteMatch {
    const RegisteredRoute* route = nullptr;       // set on a match
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed_methods;     // set when only the method did not match (405)
};

class RouteTable {
public:
    // Throws std::invalid_argument for a duplicate method+path (naming both owners) or a bad template.
    void add(sdk::Route route, sdk::Handler handler, const std::string& owner);
    RouteMatch match(const std::string& method, const std::string& path) const;
    const std::vector<RegisteredRoute>& routes() const { return routes_; }

private:
    std::vector<RegisteredRoute> routes_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace tasklane::core
