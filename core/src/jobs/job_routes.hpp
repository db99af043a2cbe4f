#pragma once
// Admin API of the job queue (DESIGN.md section 5, Operations) and its
// Prometheus lines.
#include "../http/http_pipeline.hpp"
#include "job_queue.hpp"

namespace tasklane::core {

void register_job_routes(HttpPipeline& pipeline, JobQueue& jobs);
// jobs{status} gauges, jobs_runs_total{kind,outcome} counters and the lag.
void render_job_metrics(JobQueue& jobs, std::string& out);

}  // namespace tasklane::core
