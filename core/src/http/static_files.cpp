#include "static_files.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace tasklane::core {

namespace {

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

sdk::Response serve(const std::filesystem::path& dir, const std::string& name, const std::string& cache_control) {
    if (!safe_name(name)) {
        throw sdk::ApiError(404, "not_found", "no such file");
    }
    std::ifstream in(dir / name, std::ios::binary);
    if (!in) {
        throw sdk::ApiError(404, "not_found",
                            std::filesystem::exists(dir) ? "no such file"
                                                         : "the API docs viewer is not built (build with npm: see README)");
    }
    std::ostringstream body;
    body << in.rdbuf();
    auto response = sdk::Response::text(200, body.str(), content_type_of(name));
    response.headers["Cache-Control"] = cache_control;
    return response;
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
                 [docs](const sdk::Request&) { return serve(docs, "index.html", "no-cache"); });
    pipeline.add({.method = "GET", .path = "/docs/{file}", .summary = "Assets of the API docs viewer",
                  .tags = {"operations"}},
                 [docs](const sdk::Request& req) { return serve(docs, req.param("file"), "public, max-age=3600"); });
}

}  // namespace tasklane::core
