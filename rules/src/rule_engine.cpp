#include "rule_engine.hpp"

#include "cron.hpp"
#include "service_actions.hpp"

#include <tasklane/sdk/errors.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tasklane::rules {

namespace {

using sdk::ConfigKey;
using sdk::ConfigType;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool listens_to(const RuleSpec& spec, const std::string& type) {
    return std::any_of(spec.on.begin(), spec.on.end(), [&](const std::string& t) { return t == type || t == "*"; });
}

// The task an event is about, for ordering: events of one task go to one worker.
std::int64_t task_of(const sdk::Event& event) {
    const auto& d = event.data;
    if (d.contains("task") && d["task"].is_object() && d["task"].contains("id") && d["task"]["id"].is_number()) {
        return d["task"]["id"].get<std::int64_t>();
    }
    if (d.contains("task_id") && d["task_id"].is_number()) {
        return d["task_id"].get<std::int64_t>();
    }
    return 0;
}

std::string compile_message(const RuleCompileError& e) {
    return e.line() ? "line " + std::to_string(*e.line()) + ": " + e.what() : e.what();
}

}  // namespace

sdk::ConfigKey rules_config_schema() {
    return ConfigKey::section(
        "rules", "The Lua rule engine (README: Writing rules).",
        {ConfigKey::value("dir", ConfigType::String, "./rules",
                          "Directory whose *.lua files are loaded as rules (reloaded when they change; missing: none)."),
         ConfigKey::value("workers", ConfigType::Integer, 2, "Rule worker threads, each with its own Lua state."),
         ConfigKey::value("run_as", ConfigType::String, "",
                          "Username of the administrator file rules act as (API rules act as the admin who saved them)."),
         ConfigKey::value("reload_interval", ConfigType::Duration, "2s",
                          "How often rules.dir and other nodes' rule changes are checked."),
         ConfigKey::section(
             "limits", "Per-run limits; a rule that breaks one is stopped and its run logged limit_exceeded.",
             {ConfigKey::value("instructions", ConfigType::Integer, 1000000, "Lua VM instructions per call."),
              ConfigKey::value("memory", ConfigType::ByteSize, "8MiB", "Memory a call may allocate."),
              ConfigKey::value("actions", ConfigType::Integer, 20, "api.* calls per run (api.log and api.now are free)."),
              ConfigKey::value("wall_time", ConfigType::Duration, "1s", "Wall-clock time per call."),
              ConfigKey::value("depth", ConfigType::Integer, 3,
                               "Events caused by rule actions this many levels deep trigger no rule.")}),
         ConfigKey::section("runs", "The run log per rule.",
                            {ConfigKey::value("keep", ConfigType::Integer, 1000, "Newest runs kept per rule."),
                             ConfigKey::value("max_age", ConfigType::Duration, "7d", "Runs older than this go.")})});
}

RuleEngineOptions RuleEngineOptions::from_config(const nlohmann::json& section) {
    RuleEngineOptions o;
    o.dir = section.value("dir", "./rules");
    o.workers = section.value("workers", 2);
    if (o.workers < 1 || o.workers > 64) {
        throw std::runtime_error("rules.workers must be from 1 to 64");
    }
    o.run_as = section.value("run_as", "");
    o.reload_interval = std::chrono::milliseconds(section.value("reload_interval", 2000LL));
    const auto limits = section.value("limits", nlohmann::json::object());
    o.limits.lua.instructions = limits.value("instructions", 1000000ULL);
    o.limits.lua.memory_bytes = limits.value("memory", std::size_t{8u << 20});
    o.limits.lua.wall_time = std::chrono::milliseconds(limits.value("wall_time", 1000LL));
    o.limits.actions = limits.value("actions", 20);
    o.depth = limits.value("depth", 3);
    const auto runs = section.value("runs", nlohmann::json::object());
    o.runs_per_rule = runs.value("keep", 1000LL);
    o.runs_max_age = std::chrono::milliseconds(runs.value("max_age", 7LL * 24 * 3600 * 1000));
    if (o.runs_per_rule < 1) {
        throw std::runtime_error("rules.runs.keep must be at least 1");
    }
    return o;
}

RuleEngine::RuleEngine(sdk::Host& host, RuleEngineOptions options)
    : host_(host), options_(std::move(options)), store_(host.database()), log_(host.logger()) {}

RuleEngine::~RuleEngine() { stop(); }

void RuleEngine::start() {
    {
        std::lock_guard lock(set_mutex_);
        set_ = std::make_shared<RuleSet>();
    }
    try {
        sync_dir();
        reload();
    } catch (const std::exception& e) {
        // The server starts without its database; the scheduler loads the rules once it is back.
        log_->warn("rules not loaded yet: {}", e.what());
    }
    for (int i = 0; i < options_.workers; ++i) {
        workers_.push_back(std::make_unique<Worker>());
    }
    for (auto& w : workers_) {
        w->thread = std::thread([this, worker = w.get()] { work(*worker); });
    }
    host_.events().subscribe({.name = "rules", .types = {}, .handler = [this](const sdk::Event& e) { on_event(e); },
                              .durable = true});
    scheduler_ = std::thread([this] { scheduler(); });
}

void RuleEngine::stop() {
    if (stopping_.exchange(true)) {
        return;
    }
    scheduler_cv_.notify_all();
    if (scheduler_.joinable()) {
        scheduler_.join();
    }
    for (auto& w : workers_) {
        w->cv.notify_all();
        if (w->thread.joinable()) {
            w->thread.join();
        }
    }
    workers_.clear();
}

std::shared_ptr<const RuleEngine::RuleSet> RuleEngine::current() const {
    std::lock_guard lock(set_mutex_);
    return set_;
}

void RuleEngine::reload() {
    std::lock_guard reload_lock(reload_mutex_);
    reload_locked();
}

void RuleEngine::reload_if_changed() {
    std::lock_guard reload_lock(reload_mutex_);
    if (store_.fingerprint() != fingerprint_) {
        reload_locked();
    }
}

void RuleEngine::reload_locked() {
    fingerprint_ = store_.fingerprint();
    auto set = std::make_shared<RuleSet>();
    RuleRuntime checker(options_.limits);
    for (auto& stored : store_.all()) {
        Active active{stored, std::nullopt, ""};
        try {
            active.spec = checker.add("check", stored.source, stored.name);
        } catch (const RuleCompileError& e) {
            active.error = compile_message(e);
            log_->error("rule '{}' ({}) does not compile: {}", stored.name,
                        stored.file ? *stored.file : "id " + std::to_string(stored.id), active.error);
        }
        set->rules.push_back(std::move(active));
    }
    std::lock_guard lock(set_mutex_);
    set->version = next_version_++;
    set_ = std::move(set);
}

void RuleEngine::sync_dir() {
    namespace fs = std::filesystem;
    std::vector<std::pair<fs::path, std::string>> sources;
    std::string listing;  // names and contents: any change reloads
    std::error_code ec;
    if (!options_.dir.empty() && fs::is_directory(options_.dir, ec)) {
        std::vector<fs::path> paths;
        for (const auto& entry : fs::directory_iterator(options_.dir, ec)) {
            if (entry.is_regular_file() && entry.path().extension() == ".lua") {
                paths.push_back(entry.path());
            }
        }
        std::sort(paths.begin(), paths.end());
        for (const auto& path : paths) {
            sources.emplace_back(path, read_file(path));
            listing += path.string() + "\n" + sources.back().second + "\n";
        }
    }
    if (listing == dir_listing_) {
        return;
    }
    std::vector<StoredRule> files;
    for (const auto& [path, source] : sources) {
        RuleRuntime checker(options_.limits);
        try {
            const auto spec = checker.add("check", source, path.filename().string());
            StoredRule rule;
            rule.name = spec.name;
            rule.source = source;
            rule.origin = "file";
            rule.file = path.string();
            files.push_back(std::move(rule));
        } catch (const RuleCompileError& e) {
            // A broken file does not stop the others; without a name it is not stored.
            log_->error("rule file {} does not compile: {}", path.string(), compile_message(e));
        }
    }
    for (const auto& clash : store_.sync_files(files, now_ms())) {
        log_->error("the rule '{}' of rules.dir is not loaded: an API rule has that name", clash);
    }
    dir_listing_ = listing;  // only once stored: a database outage is retried next round
}

void RuleEngine::work(Worker& worker) {
    RuleRuntime runtime(options_.limits);
    while (true) {
        std::function<void(RuleRuntime&)> job;
        {
            std::unique_lock lock(worker.mutex);
            worker.cv.wait(lock, [&] { return stopping_ || !worker.queue.empty(); });
            if (worker.queue.empty()) {
                return;
            }
            job = std::move(worker.queue.front());
            worker.queue.pop_front();
        }
        const auto set = current();
        if (worker.compiled_version != set->version) {
            compile_into(runtime, *set);
            worker.compiled_version = set->version;
        }
        job(runtime);
    }
}

void RuleEngine::compile_into(RuleRuntime& runtime, const RuleSet& set) {
    runtime.clear();
    for (const auto& rule : set.rules) {
        if (rule.spec && rule.stored.enabled) {
            try {
                runtime.add(std::to_string(rule.stored.id), rule.stored.source, rule.stored.name);
            } catch (const RuleCompileError& e) {
                log_->error("rule '{}' stopped compiling: {}", rule.stored.name, compile_message(e));
            }
        }
    }
}

void RuleEngine::on_worker(std::size_t index, std::function<void(RuleRuntime&)> job) {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    auto& worker = *workers_.at(index % workers_.size());
    {
        std::lock_guard lock(worker.mutex);
        if (stopping_) {
            throw std::runtime_error("the rule engine is stopping");
        }
        worker.queue.push_back([job = std::move(job), done](RuleRuntime& runtime) {
            try {
                job(runtime);
                done->set_value();
            } catch (...) {
                done->set_exception(std::current_exception());
            }
        });
    }
    worker.cv.notify_one();
    finished.get();
}

void RuleEngine::on_event(const sdk::Event& event) {
    const auto set = current();
    const bool any = std::any_of(set->rules.begin(), set->rules.end(), [&](const Active& r) {
        return r.spec && r.stored.enabled && listens_to(*r.spec, event.type);
    });
    if (!any) {
        return;
    }
    const auto envelope = sdk::to_json(event);
    on_worker(static_cast<std::size_t>(task_of(event)),
              [this, &envelope, &event](RuleRuntime& runtime) { run_matching(runtime, *current(), envelope, event); });
}

void RuleEngine::run_matching(RuleRuntime& runtime, const RuleSet& set, const nlohmann::json& envelope,
                              const sdk::Event& event) {
    for (const auto& rule : set.rules) {
        if (!rule.spec || !rule.stored.enabled || !listens_to(*rule.spec, event.type)) {
            continue;
        }
        const bool own = event.actor.type == "rule" && event.actor.id == rule.stored.name;
        if (own && !rule.spec->retrigger) {
            continue;  // a rule is not re-triggered by its own actions unless it says so
        }
        if (event.actor.depth >= options_.depth) {
            RunResult skipped;
            skipped.outcome = "skipped";
            skipped.error = "rule depth limit of " + std::to_string(options_.depth) +
                            " reached (the event was caused by rule actions " + std::to_string(event.actor.depth) +
                            " levels deep)";
            record(rule, event.id, skipped);
            continue;
        }
        run_one(runtime, rule, envelope, event.id, event.actor.depth + 1);
    }
}

void RuleEngine::run_one(RuleRuntime& runtime, const Active& rule, const nlohmann::json& event,
                         std::optional<std::int64_t> event_id, int depth) {
    const auto key = std::to_string(rule.stored.id);
    if (!runtime.has(key)) {
        return;
    }
    RunAs run_as{rule.stored.origin == "api" ? rule.stored.owner_id : std::nullopt, options_.run_as};
    ServiceActions actions(host_.services(), host_.database(), rule.stored.name, run_as, depth, false);
    const auto result = runtime.run(key, event, actions);
    if (result.outcome == "error" || result.outcome == "limit_exceeded") {
        log_->warn("rule '{}' {} on event {}: {}", rule.stored.name, result.outcome,
                   event_id ? std::to_string(*event_id) : "schedule", result.error);
    }
    if (result.matched || result.outcome != "skipped") {
        record(rule, event_id, result);
    }
}

std::map<std::string, std::uint64_t> RuleEngine::run_counts() const {
    std::lock_guard lock(counts_mutex_);
    return run_counts_;
}

void RuleEngine::record(const Active& rule, std::optional<std::int64_t> event_id, const RunResult& result) {
    {
        std::lock_guard lock(counts_mutex_);
        ++run_counts_[result.outcome];
    }
    RuleRun run;
    run.rule_id = rule.stored.id;
    run.event_id = event_id;
    run.outcome = result.outcome;
    if (!result.error.empty()) {
        run.error = result.error;
    }
    run.duration_us = result.duration_us;
    run.actions = result.actions;
    run.logs = result.logs;
    run.created_at = now_ms();
    try {
        store_.insert_run(run);
    } catch (const std::exception& e) {
        log_->error("cannot record a run of rule '{}': {}", rule.stored.name, e.what());
    }
}

void RuleEngine::scheduler() {
    auto next_sync = std::chrono::steady_clock::now() + options_.reload_interval;
    std::int64_t next_purge_ms = 0;
    bool paused_logged = false;
    while (!stopping_) {
        {
            std::unique_lock lock(scheduler_mutex_);
            scheduler_cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_.load(); });
        }
        if (stopping_) {
            return;
        }
        try {
            if (std::chrono::steady_clock::now() >= next_sync) {
                next_sync = std::chrono::steady_clock::now() + options_.reload_interval;
                sync_dir();
                reload_if_changed();
            }
            run_schedules(now_ms() / 60000);
            if (now_ms() >= next_purge_ms) {
                next_purge_ms = now_ms() + 3600 * 1000;
                store_.purge_runs(options_.runs_per_rule, now_ms() - options_.runs_max_age.count());
            }
            paused_logged = false;
        } catch (const std::exception& e) {
            // The database may be away or not migrated yet; the next round retries. Said once.
            if (!paused_logged) {
                log_->warn("rule scheduler paused: {}", e.what());
                paused_logged = true;
            }
        }
    }
}

void RuleEngine::run_schedules(std::int64_t minute) {
    const auto set = current();
    for (const auto& rule : set->rules) {
        if (!rule.spec || !rule.spec->schedule || !rule.stored.enabled) {
            continue;
        }
        auto& last = last_tick_[rule.stored.id];
        if (last == 0) {
            last = minute - 1;  // from now on: a restart does not replay missed ticks
        }
        if (minute <= last) {
            continue;
        }
        last = minute;
        if (!CronSchedule::parse(*rule.spec->schedule).matches(minute) || !store_.claim_tick(rule.stored.id, minute)) {
            continue;
        }
        const nlohmann::json event = {{"id", 0},
                                      {"type", "schedule"},
                                      {"occurred_at", sdk::iso8601_utc(minute * 60000)},
                                      {"actor", {{"type", "system"}, {"id", nullptr}}},
                                      {"data", {{"rule", rule.stored.name}, {"schedule", *rule.spec->schedule}}}};
        on_worker(static_cast<std::size_t>(rule.stored.id),
                  [this, &rule, &event](RuleRuntime& runtime) { run_one(runtime, rule, event, std::nullopt, 1); });
    }
}

// ---- the rules API -------------------------------------------------------

nlohmann::json RuleEngine::to_json(const Active& rule) const {
    const auto& r = rule.stored;
    nlohmann::json out = {{"id", r.id},
                          {"name", r.name},
                          {"source", r.source},
                          {"enabled", r.enabled},
                          {"origin", r.origin},
                          {"file", r.file ? nlohmann::json(*r.file) : nlohmann::json(nullptr)},
                          {"owner_id", r.owner_id ? nlohmann::json(*r.owner_id) : nlohmann::json(nullptr)},
                          {"version", r.version},
                          {"created_at", sdk::iso8601_utc(r.created_at)},
                          {"updated_at", sdk::iso8601_utc(r.updated_at)},
                          {"error", rule.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(rule.error)}};
    if (rule.spec) {
        out["on"] = rule.spec->on;
        out["schedule"] = rule.spec->schedule ? nlohmann::json(*rule.spec->schedule) : nlohmann::json(nullptr);
        out["description"] = rule.spec->description;
        out["retrigger"] = rule.spec->retrigger;
    }
    return out;
}

RuleEngine::Active RuleEngine::find_active(std::int64_t id) {
    const auto set = current();
    for (const auto& rule : set->rules) {
        if (rule.stored.id == id) {
            return rule;
        }
    }
    // Another node may have created it since the last reload.
    auto stored = store_.find(id);
    if (!stored) {
        throw sdk::ApiError::not_found("rule not found");
    }
    Active active{*stored, std::nullopt, ""};
    RuleRuntime checker(options_.limits);
    try {
        active.spec = checker.add("check", stored->source, stored->name);
    } catch (const RuleCompileError& e) {
        active.error = compile_message(e);
    }
    return active;
}

nlohmann::json RuleEngine::list(int page, int per_page) {
    reload_if_changed();  // the list shows what the database holds now (another node may have changed it)
    const auto set = current();
    nlohmann::json items = nlohmann::json::array();
    const auto total = static_cast<std::int64_t>(set->rules.size());
    for (auto i = static_cast<std::int64_t>(page - 1) * per_page; i < total && items.size() < static_cast<std::size_t>(per_page); ++i) {
        items.push_back(to_json(set->rules[static_cast<std::size_t>(i)]));
    }
    return {{"items", items}, {"total", total}, {"page", page}, {"per_page", per_page}};
}

nlohmann::json RuleEngine::get(std::int64_t id) { return to_json(find_active(id)); }

// Applies {name, source, enabled} onto `rule`; 422 naming the field (with the
// Lua line for a source that does not compile).
StoredRule RuleEngine::checked(const sdk::Caller& caller, StoredRule rule, const nlohmann::json& body,
                               bool creating) {
    if (!body.is_object()) {
        throw sdk::ApiError::bad_request("the body must be a JSON object");
    }
    std::vector<sdk::FieldError> problems;
    if (body.contains("source")) {
        if (!body["source"].is_string() || body["source"].get<std::string>().empty()) {
            problems.push_back({"source", "must be the rule's Lua source"});
        } else if (rule.origin == "file" && body["source"] != rule.source) {
            throw sdk::ApiError::conflict("file_rule", "rule '" + rule.name + "' comes from " + rule.file.value_or("a file") +
                                                           "; edit the file instead");
        } else {
            rule.source = body["source"].get<std::string>();
        }
    } else if (creating) {
        problems.push_back({"source", "required"});
    }
    if (body.contains("enabled")) {
        if (!body["enabled"].is_boolean()) {
            problems.push_back({"enabled", "must be true or false"});
        } else {
            rule.enabled = body["enabled"].get<bool>();
        }
    }
    if (!problems.empty()) {
        throw sdk::ApiError::validation(problems);
    }
    RuleRuntime checker(options_.limits);
    RuleSpec spec;
    try {
        spec = checker.add("check", rule.source, body.value("name", rule.name.empty() ? "rule" : rule.name));
    } catch (const RuleCompileError& e) {
        sdk::ApiError error(422, "validation_failed", "the rule does not compile: " + compile_message(e),
                            {{"source", compile_message(e)}});
        throw error;
    }
    if (body.contains("name") && (!body["name"].is_string() || body["name"] != spec.name)) {
        throw sdk::ApiError::validation({{"name", "must be the name the source declares ('" + spec.name + "')"}});
    }
    if (rule.origin == "file" && spec.name != rule.name) {
        throw sdk::ApiError::conflict("file_rule", "a file rule cannot be renamed");
    }
    rule.name = spec.name;
    if (rule.origin == "api") {
        rule.owner_id = caller.user_id;  // its actions run as the admin who saved it last
    }
    rule.updated_at = now_ms();
    return rule;
}

nlohmann::json RuleEngine::create(const sdk::Caller& caller, const nlohmann::json& body) {
    StoredRule rule;
    rule.origin = "api";
    rule.created_at = now_ms();
    rule = checked(caller, rule, body, true);
    if (!store_.insert(rule)) {
        throw sdk::ApiError::conflict("name_taken", "a rule named '" + rule.name + "' exists already");
    }
    reload();
    return get(rule.id);
}

nlohmann::json RuleEngine::update(const sdk::Caller& caller, std::int64_t id, const nlohmann::json& body) {
    auto stored = store_.find(id);
    if (!stored) {
        throw sdk::ApiError::not_found("rule not found");
    }
    auto rule = checked(caller, *stored, body, false);
    if (!store_.update(rule)) {
        throw sdk::ApiError::conflict("name_taken", "a rule named '" + rule.name + "' exists already");
    }
    reload();
    return get(id);
}

void RuleEngine::remove(std::int64_t id) {
    auto stored = store_.find(id);
    if (!stored) {
        throw sdk::ApiError::not_found("rule not found");
    }
    if (stored->origin == "file") {
        throw sdk::ApiError::conflict("file_rule", "rule '" + stored->name + "' comes from " +
                                                       stored->file.value_or("a file") + "; delete the file instead");
    }
    store_.remove(id);
    reload();
}

nlohmann::json RuleEngine::runs(std::int64_t id, int page, int per_page) {
    if (!store_.find(id)) {
        throw sdk::ApiError::not_found("rule not found");
    }
    auto [runs, total] = store_.runs(id, page, per_page);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : runs) {
        items.push_back({{"id", r.id},
                         {"event_id", r.event_id ? nlohmann::json(*r.event_id) : nlohmann::json(nullptr)},
                         {"outcome", r.outcome},
                         {"error", r.error ? nlohmann::json(*r.error) : nlohmann::json(nullptr)},
                         {"duration_us", r.duration_us},
                         {"actions", r.actions},
                         {"logs", r.logs},
                         {"created_at", sdk::iso8601_utc(r.created_at)}});
    }
    return {{"items", items}, {"total", total}, {"page", page}, {"per_page", per_page}};
}

DryRun RuleEngine::test(const sdk::Caller& caller, const std::string& source, const nlohmann::json& event_body) {
    if (!event_body.is_object() || !event_body.contains("type") || !event_body["type"].is_string()) {
        throw sdk::ApiError::validation({{"event", "must be an event: {type, data[, id, actor]}"}});
    }
    if (event_body.contains("data") && !event_body["data"].is_object()) {
        throw sdk::ApiError::validation({{"event.data", "must be an object"}});
    }
    nlohmann::json event = {{"id", event_body.value("id", std::int64_t{0})},
                            {"type", event_body["type"]},
                            {"occurred_at", sdk::iso8601_utc(now_ms())},
                            {"actor", event_body.value("actor", nlohmann::json{{"type", "user"}, {"id", caller.user_id}})},
                            {"data", event_body.value("data", nlohmann::json::object())}};
    // A dry run has its own Lua state on this thread: nothing is shared with
    // the workers, and writes are only listed (ServiceActions dry_run).
    RuleRuntime runtime(options_.limits);
    RuleSpec spec;
    try {
        spec = runtime.add("test", source, "rule");
    } catch (const RuleCompileError& e) {
        throw sdk::ApiError(422, "validation_failed", "the rule does not compile: " + compile_message(e),
                            {{"source", compile_message(e)}});
    }
    DryRun out;
    if (!spec.schedule && !listens_to(spec, event["type"].get<std::string>())) {
        out.outcome = "skipped";
        out.logs.push_back("the rule does not listen to " + event["type"].get<std::string>());
        return out;
    }
    ServiceActions actions(host_.services(), host_.database(), spec.name, RunAs{caller.user_id, caller.username}, 1,
                           true);
    const auto result = runtime.run("test", event, actions);
    out.matched = result.matched;
    out.actions = result.actions;
    out.logs = result.logs;
    out.duration_us = result.duration_us;
    out.outcome = result.outcome;
    out.error = result.error;
    return out;
}

DryRun RuleEngine::test_rule(const sdk::Caller& caller, std::int64_t id, const nlohmann::json& event) {
    auto stored = store_.find(id);
    if (!stored) {
        throw sdk::ApiError::not_found("rule not found");
    }
    return test(caller, stored->source, event);
}

}  // namespace tasklane::rules
