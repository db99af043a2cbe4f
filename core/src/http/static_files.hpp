#pragma once
// Files the core serves to browsers from the built web directory
// (server.web_dir): the web app at / (its assets at /assets) and the API docs
// viewer at /docs. Names are looked up in one flat directory, never joined
// into a path from the request.
#include "http_pipeline.hpp"

#include <string>

namespace tasklane::core {

// The directory to serve: `configured`, or <directory of the running executable>/web.
std::string resolve_web_dir(const std::string& configured);

// GET /docs (the viewer) and GET /docs/{file} (its assets).
void register_docs_routes(HttpPipeline& pipeline, const std::string& web_dir);

// GET / (index.html), GET /assets/{file} (hashed, cached for good), and
// index.html for every other GET that is an app route (/tasks/5), so a
// bookmarked or reloaded page opens; /api, /ws, /health, /metrics, /docs,
// /openapi.json, /public and file names keep their own answers (404 included).
void register_web_app_routes(HttpPipeline& pipeline, const std::string& web_dir);

}  // namespace tasklane::core
