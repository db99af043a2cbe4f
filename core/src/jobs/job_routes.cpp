#include "job_routes.hpp"

#include <charconv>
#include <set>

namespace tasklane::core {

namespace {

std::optional<std::int64_t> int_in(const std::optional<std::string>& text, std::int64_t min, std::int64_t max) {
    if (!text) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc() || end != text->data() + text->size() || n < min || n > max) {
        throw std::out_of_range("");
    }
    return n;
}

int page_param(const sdk::Request& req, const std::string& name, int fallback, int max) {
    try {
        return static_cast<int>(int_in(req.query_param(name), 1, max).value_or(fallback));
    } catch (const std::out_of_range&) {
        throw sdk::ApiError::bad_request("query parameter " + name + " must be an integer from 1 to " +
                                         std::to_string(max));
    }
}

std::string escape_label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
        }
        out += c == '\n' ? ' ' : c;
    }
    return out;
}

}  // namespace

void register_job_routes(HttpPipeline& pipeline, JobQueue& jobs) {
    pipeline.add({.method = "GET", .path = "/api/v1/jobs", .access = sdk::Access::Admin,
                  .summary = "Jobs, newest first (?status=queued|running|done|dead, ?kind=, page, per_page)",
                  .tags = {"operations"}},
                 [&jobs](const sdk::Request& req) {
                     static const std::set<std::string> statuses = {"queued", "running", "done", "dead"};
                     const auto status = req.query_param("status");
                     if (status && !statuses.count(*status)) {
                         throw sdk::ApiError::bad_request("query parameter status must be queued, running, done or dead");
                     }
                     const int page = page_param(req, "page", 1, 1000000);
                     const int per_page = page_param(req, "per_page", 20, 100);
                     const auto [items, total] = jobs.list(status, req.query_param("kind"), page, per_page);
                     nlohmann::json list = nlohmann::json::array();
                     for (const auto& job : items) {
                         list.push_back(to_json(job));
                     }
                     return sdk::Response::json(
                         200, {{"items", list}, {"total", total}, {"page", page}, {"per_page", per_page}});
                 });
    pipeline.add({.method = "POST", .path = "/api/v1/jobs/{id}/retry", .access = sdk::Access::Admin,
                  .summary = "Run a dead or waiting job again now, with fresh attempts (409 when running or done)",
                  .tags = {"operations"}},
                 [&jobs](const sdk::Request& req) {
                     std::optional<std::int64_t> id;
                     try {
                         id = int_in(req.param("id"), 1, INT64_MAX);
                     } catch (const std::out_of_range&) {
                     }
                     const auto job = id ? jobs.retry(*id) : std::nullopt;
                     if (!job) {
                         throw sdk::ApiError::not_found("job not found");
                     }
                     return sdk::Response::json(200, to_json(*job));
                 });
}

void render_job_metrics(JobQueue& jobs, std::string& out) {
    out += "# HELP jobs_runs_total Job runs finished on this node, by kind and outcome (done, retry, dead).\n"
           "# TYPE jobs_runs_total counter\n";
    for (const auto& [key, n] : jobs.outcomes().counts) {
        out += "jobs_runs_total{kind=\"" + escape_label(key.first) + "\",outcome=\"" + key.second + "\"} " +
               std::to_string(n) + "\n";
    }
    try {
        const auto counts = jobs.counts_by_status();
        out += "# HELP jobs Jobs in the queue table, by status.\n# TYPE jobs gauge\n";
        for (const auto& [status, n] : counts) {
            out += "jobs{status=\"" + status + "\"} " + std::to_string(n) + "\n";
        }
        out += "# HELP jobs_lag_seconds How late the most overdue queued job is.\n# TYPE jobs_lag_seconds gauge\n"
               "jobs_lag_seconds " +
               std::to_string(static_cast<double>(jobs.lag_ms()) / 1000.0) + "\n";
    } catch (const std::exception&) {
        // Database down: /health/ready says so; the in-process counters above still render.
    }
}

}  // namespace tasklane::core
