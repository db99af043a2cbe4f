#include "transfer_routes.hpp"

#include "csv.hpp"
#include "route_helpers.hpp"
#include "task_routes.hpp"
#include "task_transfer.hpp"

namespace tasklane::tasks {

namespace {

using sdk::Access;
using sdk::Request;
using sdk::Response;

// Also the floor of what Pistache buffers for any request (the largest route
// limit plus server.max_header_bytes): deploy/nginx.conf's 12m for files and
// imports must stay below it, because Pistache spins on a request it refused
// as too large (bench/RESULTS.md).
constexpr std::size_t kMaxImportBytes = 12 << 20;
constexpr std::size_t kMaxImportRows = 50000;

// csv (the default) or json, from ?format= or else the media type.
std::string format_of(const Request& req, const std::string& fallback) {
    const auto format = req.query_param("format").value_or(fallback);
    if (format != "csv" && format != "json") {
        throw bad_query("format", "csv or json");
    }
    return format;
}


// The whole file is built in memory: Pistache queues every write of a
// response until the handler returns, so writing it in pieces would hold it
// all the same (bench/RESULTS.md has the figures). The database is read in
// batches of 500 tasks.
Response export_response(const Request& req, TaskService& service) {
    for (const char* unsupported : {"sort", "page", "per_page"}) {
        if (req.query_param(unsupported)) {
            throw bad_query(unsupported, "absent: an export holds every matching task, in id order");
        }
    }
    const auto format = format_of(req, "csv");
    const auto filter = filter_from(req, service.workflow());
    Response r;
    r.status = 200;
    if (format == "csv") {
        r.body = bool_query(req, "bom") ? "\xEF\xBB\xBF" : "";  // for spreadsheet programs that guess the encoding
        append_csv_row(r.body, transfer_columns());
        service.export_tasks(req.require_caller(), filter, [&](const Task& t) { append_csv_row(r.body, csv_cells(t)); });
        r.headers["Content-Type"] = "text/csv; charset=utf-8";
        r.headers["Content-Disposition"] = "attachment; filename=\"tasks.csv\"";
    } else {
        r.body = "[";
        bool first = true;
        service.export_tasks(req.require_caller(), filter, [&](const Task& t) {
            r.body += first ? "\n" : ",\n";
            r.body += transfer_json(t).dump();
            first = false;
        });
        r.body += "\n]\n";
        r.headers["Content-Type"] = "application/json";
        r.headers["Content-Disposition"] = "attachment; filename=\"tasks.json\"";
    }
    return r;
}

nlohmann::json problems_json(const std::vector<sdk::FieldError>& problems) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : problems) {
        out.push_back({{"field", p.field}, {"message", p.message}});
    }
    return out;
}

Response import_response(const Request& req, TaskService& service) {
    const auto type = req.media_type();
    const auto format = format_of(req, req.has_json_body() ? "json" : "csv");
    if (format == "csv" && !type.empty() && type != "text/csv" && type != "text/plain") {
        throw sdk::ApiError(415, "unsupported_media_type", "a CSV import is sent as text/csv (Content-Type was '" + type + "')");
    }
    const auto records = format == "csv" ? records_from_csv(req.body) : records_from_json(req.json());
    if (records.size() > kMaxImportRows) {
        throw sdk::ApiError(413, "payload_too_large",
                            "at most " + std::to_string(kMaxImportRows) + " tasks per import; split the file");
    }
    const bool dry_run = bool_query(req, "dry_run");
    const auto report = service.import_tasks(req.require_caller(), records, dry_run, actor_of(req));
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& [from, to] : report.ids) {
        ids.push_back({{"row_id", from == 0 ? nlohmann::json() : nlohmann::json(from)}, {"id", to}});
    }
    if (dry_run) {
        return Response::json(200, {{"dry_run", true},
                                    {"rows", report.rows},
                                    {"valid", report.problems.empty()},
                                    {"problems", problems_json(report.problems)}});
    }
    return Response::json(201, {{"imported", report.ids.size()}, {"ids", ids}});
}

}  // namespace

void register_transfer_routes(sdk::Routes& routes, TaskService& service) {
    const std::vector<std::string> tags = {"tasks"};
    routes.add({.method = "GET", .path = "/api/v1/tasks/export", .access = Access::Authenticated,
                .summary = "Every visible task matching the list filters as CSV (format=csv, bom=true for a UTF-8 "
                           "byte order mark; cells that would run as spreadsheet formulas get a leading ') or JSON "
                           "(format=json), in id order",
                .tags = tags},
               [&service](const Request& req) { return export_response(req, service); });
    routes.add({.method = "POST", .path = "/api/v1/tasks/import", .access = Access::Authenticated,
                .summary = "Create the tasks of an exported CSV (text/csv) or JSON file, all or none: 422 names every "
                           "row and field with a problem; dry_run=true reports them and keeps nothing",
                .tags = tags, .success_status = 201, .max_body_bytes = kMaxImportBytes},
               [&service](const Request& req) { return import_response(req, service); });
}

}  // namespace tasklane::tasks
