// TaskService's export and import: batches out, one all-or-nothing
// transaction in.
#include "task_service.hpp"
#include "task_transfer.hpp"

#include <map>
#include <set>

namespace tasklane::tasks {

namespace {

// Fields an import record may carry besides the writable ones, and the ones
// an exported JSON task carries that are derived (ignored).
const std::set<std::string> kImportOnly = {"id", "creator_id", "parent_id", "depends_on", "created_at", "updated_at",
                                           "completed_at"};
const std::set<std::string> kDerived = {"version", "blocked_by"};
const std::set<std::string> kImportWritable = {"title",    "description", "status", "priority",  "due_date",
                                               "assignee_id", "tags",     "recurrence", "position"};

std::string row_field(std::size_t row, const std::string& field) { return "row " + std::to_string(row) + ": " + field; }

}  // namespace

void TaskService::export_tasks(const sdk::Caller& caller, TaskFilter filter,
                               const std::function<void(const Task&)>& on_task, int batch) {
    filter.sort = "id";
    filter.page = 1;
    filter.per_page = batch;
    filter.count_total = false;
    const auto viewer = viewer_of(caller);
    while (true) {
        TaskPage page;
        {
            auto session = database_.session();
            page = store_.list(session->sql(), filter, viewer);
        }
        for (const auto& task : page.items) {
            on_task(task);
        }
        if (static_cast<int>(page.items.size()) < batch) {
            return;
        }
        filter.after_id = page.items.back().id;
    }
}

TaskService::ImportReport TaskService::import_tasks(const sdk::Caller& caller, const std::vector<ImportRecord>& records,
                                                    bool dry_run, const sdk::Actor& actor) {
    ImportReport report;
    report.rows = records.size();
    auto& problems = report.problems;
    const auto viewer = viewer_of(caller);
    auto tx = database_.begin();
    auto& sql = tx->sql();
    store_.lock_dependency_graph(sql);

    std::map<std::int64_t, std::int64_t> new_id_of;  // id in the file -> new id
    std::set<std::int64_t> ids_in_file;
    for (const auto& r : records) {
        if (r.fields.contains("id") && r.fields["id"].is_number_integer()) {
            if (!ids_in_file.insert(r.fields["id"].get<std::int64_t>()).second) {
                problems.push_back({row_field(r.row, "id"), "repeats the id of an earlier row"});
            }
        }
    }
    // Resolves a task reference of row `row`: an id in the file (imported
    // already or not) or a task the caller sees.
    const auto reference = [&](std::size_t row, const std::string& field,
                               const nlohmann::json& value) -> std::optional<std::int64_t> {
        if (!value.is_number_integer()) {
            problems.push_back({row_field(row, field), "must be a task id"});
            return std::nullopt;
        }
        const auto id = value.get<std::int64_t>();
        if (ids_in_file.count(id)) {
            return id;  // mapped once every row is in
        }
        if (!store_.find(sql, id, viewer)) {
            problems.push_back({row_field(row, field), "task " + std::to_string(id) + " is neither in the file nor a task you can see"});
            return std::nullopt;
        }
        return -id;  // negative: an existing task, not a file id
    };

    struct Link {
        std::size_t row;
        Task task;                               // as inserted
        std::optional<std::int64_t> parent;      // file id (> 0) or -existing id
        std::vector<std::int64_t> depends_on;    // the same
    };
    std::vector<Link> links;
    const auto now = clock_();
    for (const auto& record : records) {
        const auto& f = record.fields;
        nlohmann::json body = nlohmann::json::object();
        for (const auto& [key, value] : f.items()) {
            if (kImportWritable.count(key)) {
                body[key] = value;
            } else if (!kImportOnly.count(key) && !kDerived.count(key)) {
                problems.push_back({row_field(record.row, key), "is not a task column"});
            }
        }
        Task task;
        task.status = workflow_.initial();
        task.creator_id = caller.user_id;
        task.created_at = task.updated_at = now;
        task.position = now;
        const auto problems_before = problems.size();
        try {
            apply(sql, viewer, task, body, /*creating=*/true);
        } catch (const sdk::ApiError& e) {
            for (const auto& d : e.details()) {
                problems.push_back({row_field(record.row, d.field), d.message});
            }
            if (e.details().empty()) {
                problems.push_back({row_field(record.row, "row"), e.what()});
            }
        }
        if (f.contains("creator_id")) {
            const auto& v = f["creator_id"];
            if (!v.is_number_integer()) {
                problems.push_back({row_field(record.row, "creator_id"), "must be a user id"});
            } else if (v.get<std::int64_t>() != caller.user_id && !caller.is_admin()) {
                problems.push_back({row_field(record.row, "creator_id"), "only an administrator imports tasks for someone else"});
            } else if (!store_.user_exists(sql, v.get<std::int64_t>())) {
                problems.push_back({row_field(record.row, "creator_id"), "no active user with this id"});
            } else {
                task.creator_id = v.get<std::int64_t>();
            }
        }
        for (const char* field : {"created_at", "updated_at", "completed_at"}) {
            if (!f.contains(field)) {
                continue;
            }
            const auto at = f[field].is_string() ? parse_timestamp(f[field].get<std::string>()) : std::nullopt;
            if (!at) {
                problems.push_back({row_field(record.row, field), "must be an ISO 8601 time"});
            } else if (std::string(field) == "created_at") {
                task.created_at = *at;
            } else if (std::string(field) == "updated_at") {
                task.updated_at = *at;
            } else if (workflow_.is_done(task.status)) {
                task.completed_at = *at;  // only a done task has a completion time
            }
        }
        if (workflow_.is_done(task.status) && !task.completed_at) {
            task.completed_at = task.updated_at;
        }
        Link link{record.row, {}, std::nullopt, {}};
        if (f.contains("parent_id")) {
            link.parent = reference(record.row, "parent_id", f["parent_id"]);
        }
        if (f.contains("depends_on")) {
            const auto& deps = f["depends_on"];
            if (!deps.is_array()) {
                problems.push_back({row_field(record.row, "depends_on"), "must be a list of task ids"});
            } else {
                for (const auto& d : deps) {
                    if (auto id = reference(record.row, "depends_on", d)) {
                        link.depends_on.push_back(*id);
                    }
                }
            }
        }
        if (problems.size() > problems_before) {
            continue;  // this row is reported; keep checking the others
        }
        store_.insert(sql, task);
        store_.add_activity(sql, task.id, actor, "created", std::nullopt, nullptr, to_json(task), now);
        link.task = task;
        if (f.contains("id") && f["id"].is_number_integer()) {
            new_id_of[f["id"].get<std::int64_t>()] = task.id;
        }
        report.ids.emplace_back(f.value("id", std::int64_t{0}), task.id);
        links.push_back(std::move(link));
    }

    // Parents and dependencies once every row has its new id.
    const auto resolve = [&](std::int64_t ref) -> std::optional<std::int64_t> {
        if (ref < 0) {
            return -ref;
        }
        const auto it = new_id_of.find(ref);
        return it == new_id_of.end() ? std::nullopt : std::optional(it->second);
    };
    for (auto& link : links) {
        auto& task = link.task;
        if (link.parent) {
            const auto parent = resolve(*link.parent);
            const auto above = parent ? store_.ancestors(sql, *parent) : std::vector<std::int64_t>{};
            if (!parent) {
                problems.push_back({row_field(link.row, "parent_id"), "names a row that has problems"});
            } else if (*parent == task.id || std::find(above.begin(), above.end(), task.id) != above.end()) {
                problems.push_back({row_field(link.row, "parent_id"), "would make a task its own ancestor"});
            } else {
                store_.set_parent(sql, task.id, *parent);  // still version 1, as a new task is
            }
        }
        for (const auto ref : link.depends_on) {
            const auto other = resolve(ref);
            if (!other) {
                problems.push_back({row_field(link.row, "depends_on"), "names a row that has problems"});
            } else if (store_.depends_transitively(sql, *other, task.id)) {
                problems.push_back({row_field(link.row, "depends_on"), "would close a dependency cycle"});
            } else {
                store_.add_dependency(sql, task.id, *other, now);
            }
        }
        if (link.parent || !link.depends_on.empty()) {
            task = *store_.find(sql, task.id, Viewer{caller.user_id, true});  // with its links, for the event
        }
    }
    if (!problems.empty() || dry_run) {
        if (!dry_run) {
            throw sdk::ApiError::validation(problems, std::to_string(problems.size()) +
                                                          " problems in the file; nothing was imported");
        }
        return report;  // the transaction rolls back as it goes out of scope
    }
    for (const auto& link : links) {
        tx->publish("task.created", actor, {{"task", to_json(link.task)}});
    }
    tx->commit();
    return report;
}

}  // namespace tasklane::tasks
