#include "static_files.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace tasklane::core {

namespace {

constexpr const char* kDocsViewer = "the API docs viewer";
constexpr const char* kWebApp = "the web app";

std::string content_type_of(const std::string& name) {
    static const std::map<std::string, std::string> types = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".png", "image/png"},
        {".svg", "image/svg+xml"},             {".json", "application/json"},
        {".map", "application/json"},          {".woff2", "font/woff2"},
    };
    const auto dot = name.rfind('.');
    const auto it = dot == std::string::npos ? types.end() : types.find(name.substr(dot));
    return it == types.end() ? "application/octet-stream" : it->second;
}

bool safe_name(const std::string& name) {
    if (name.empty() || name.front() == '.') {
        return false;
    }
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '-' || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

sdk::Response serve(const std::filesystem::path& dir, const std::string& name, const std::string& cache_control,
                    const char* what) {
    if (!safe_name(name)) {
        throw sdk::ApiError(404, "not_found", "no such file");
    }
    std::ifstream in(dir / name, std::ios::binary);
    if (!in) {
        throw sdk::ApiError(404, "not_found",
                            std::filesystem::exists(dir) ? "no such file"
                                                         : std::string(what) + " is not built (build with npm: see README)");
    }
    std::ostringstream body;
    body << in.rdbuf();
    auto response = sdk::Response::text(200, body.str(), content_type_of(name));
    response.headers["Cache-Control"] = cache_control;
    return response;
}

// Paths the web app never answers: the server's own prefixes, and names with
// a dot in their last segment (a missing file is a 404, not the app).
bool is_app_route(const std::string& path) {
    static const std::vector<std::string> reserved = {"/api", "/ws", "/health", "/metrics", "/docs",
                                                      "/openapi.json", "/public", "/assets"};
    for (const auto& prefix : reserved) {
        if (path.compare(0, prefix.size(), prefix) == 0 &&
            (path.size() == prefix.size() || path[prefix.size()] == '/')) {
            return false;
        }
    }
    const auto last = path.rfind('/');
    return path.find('.', last == std::string::npos ? 0 : last) == std::string::npos;
}

}  // namespace

std::string resolve_web_dir(const std::string& configured) {
    if (!configured.empty()) {
        return configured;
    }
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? "web" : (exe.parent_path() / "web").string();
}

void register_docs_routes(HttpPipeline& pipeline, const std::string& web_dir) {
    const auto docs = std::filesystem::path(web_dir) / "docs";
    pipeline.add({.method = "GET", .path = "/docs", .summary = "The API docs viewer (Swagger UI)", .tags = {"operations"}},
                 [docs](const sdk::Request&) { return serve(docs, "index.html", "no-cache", kDocsViewer); });
    pipeline.add({.method = "GET", .path = "/docs/{file}", .summary = "Assets of the API docs viewer",
                  .tags = {"operations"}},
                 [docs](const sdk::Request& req) {
                     return serve(docs, req.param("file"), "public, max-age=3600", kDocsViewer);
                 });
}

void register_web_app_routes(HttpPipeline& pipeline, const std::string& web_dir) {
    const std::filesystem::path dir = web_dir;
    const auto index = [dir](const sdk::Request&) { return serve(dir, "index.html", "no-cache", kWebApp); };
    pipeline.add({.method = "GET", .path = "/", .summary = "The web app", .tags = {"operations"}}, index);
    // Asset names carry a hash of their content, so a browser may keep them for good.
    pipeline.add({.method = "GET", .path = "/assets/{file}", .summary = "Scripts and styles of the web app",
                  .tags = {"operations"}},
                 [assets = dir / "assets"](const sdk::Request& req) {
                     return serve(assets, req.param("file"), "public, max-age=31536000, immutable", kWebApp);
                 });
    pipeline.set_fallback(is_app_route, index);
}

}  // namespace tasklane::core
