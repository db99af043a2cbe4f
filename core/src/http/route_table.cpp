#include "route_table.hpp"

#include <stdexcept>

namespace tasklane::core {

namespace {

bool is_param(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Literal segments score higher the earlier they appear: /a/b/{x} beats /a/{y}/{x}.
int specificity(const RegisteredRoute& r) {
    int score = 0;
    for (const auto& s : r.segments) {
        score = score * 2 + (is_param(s) ? 0 : 1);
    }
    return score;
}

bool match_segments(const RegisteredRoute& r, const std::vector<std::string>& parts,
                    std::map<std::string, std::string>* params) {
    if (r.segments.size() != parts.size()) {
        return false;
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto& seg = r.segments[i];
        if (is_param(seg)) {
            if (parts[i].empty()) {
                return false;
            }
            if (params) {
                (*params)[seg.substr(1, seg.size() - 2)] = sdk::url_decode(parts[i], false);
            }
        } else if (seg != parts[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t start = path.empty() || path[0] != '/' ? 0 : 1;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto end = slash == std::string::npos ? path.size() : slash;
        parts.push_back(path.substr(start, end - start));
        if (slash == std::string::npos) {
            break;
        }
        start = slash + 1;
    }
    return parts;
}

void RouteTable::add(sdk::Route route, sdk::Handler handler, const std::string& owner) {
    if (route.path.empty() || route.path[0] != '/') {
        throw std::invalid_argument("route path '" + route.path + "' of " + owner + " must start with '/'");
    }
    if (!handler) {
        throw std::invalid_argument("route " + route.method + " " + route.path + " of " + owner + " has no handler");
    }
    for (const auto& r : routes_) {
        if (r.route.method == route.method && r.route.path == route.path) {
            throw std::invalid_argument("route " + route.method + " " + route.path + " is registered twice: by " +
                                        r.owner + " and by " + owner);
        }
    }
    RegisteredRoute entry{std::move(route), std::move(handler), owner, {}};
    entry.segments = split_path(entry.route.path);
    routes_.push_back(std::move(entry));
}

RouteMatch RouteTable::match(const std::string& method, const std::string& path) const {
    const auto parts = split_path(path);
    RouteMatch result;
    int best = -1;
    for (const auto& r : routes_) {
        if (!match_segments(r, parts, nullptr)) {
            continue;
        }
        if (r.route.method != method) {
            result.allowed_methods.push_back(r.route.method);
            continue;
        }
        const int score = specificity(r);
        if (score > best) {
            best = score;
            result.route = &r;
        }
    }
    if (result.route) {
        match_segments(*result.route, parts, &result.params);
        result.allowed_methods.clear();
    }
    return result;
}

}  // namespace tasklane::core
