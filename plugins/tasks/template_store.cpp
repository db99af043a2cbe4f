#include "template_store.hpp"

namespace tasklane::tasks {

namespace {

const char* const kColumns = "id, name, description, body, creator_id, created_at, updated_at";

struct TemplateRow {
    long long id = 0, creator_id = 0, created_at = 0, updated_at = 0;
    std::string name, description, body;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(name));
        st.exchange(soci::into(description));
        st.exchange(soci::into(body));
        st.exchange(soci::into(creator_id));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(updated_at));
    }

    TaskTemplate to_template() const {
        const auto blueprint = nlohmann::json::parse(body);
        return {id, name, description, blueprint.at("task"), blueprint.at("subtasks"), creator_id, created_at,
                updated_at};
    }
};

std::string blueprint_of(const TaskTemplate& tmpl) {
    return nlohmann::json{{"task", tmpl.task}, {"subtasks", tmpl.subtasks}}.dump();
}

// Runs a SELECT of kColumns with `bind_use` binding its parameters.
template <typename BindUse>
std::vector<TaskTemplate> select(soci::session& sql, const std::string& rest, BindUse bind_use) {
    std::vector<TaskTemplate> out;
    TemplateRow row;
    soci::statement st(sql);
    row.bind(st);
    bind_use(st);
    st.alloc();
    st.prepare(std::string("SELECT ") + kColumns + " FROM task_templates " + rest);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
        out.push_back(row.to_template());
    }
    return out;
}

}  // namespace

void TemplateStore::insert(soci::session& sql, TaskTemplate& tmpl) {
    std::string body = blueprint_of(tmpl);
    long long creator = tmpl.creator_id, created = tmpl.created_at, updated = tmpl.updated_at;
    long long id = 0;
    sql << "INSERT INTO task_templates (name, description, body, creator_id, created_at, updated_at) "
           "VALUES (:n, :d, :b, :c, :ca, :ua) RETURNING id",
        soci::use(tmpl.name), soci::use(tmpl.description), soci::use(body), soci::use(creator), soci::use(created),
        soci::use(updated), soci::into(id);
    tmpl.id = id;
}

std::optional<TaskTemplate> TemplateStore::find(soci::session& sql, std::int64_t id) {
    long long key = id;
    auto rows = select(sql, "WHERE id = :id", [&](soci::statement& st) { st.exchange(soci::use(key, "id")); });
    if (rows.empty()) {
        return std::nullopt;
    }
    return rows.front();
}

std::vector<TaskTemplate> TemplateStore::list(soci::session& sql, int page, int per_page) {
    long long limit = per_page;
    long long offset = static_cast<long long>(page - 1) * per_page;
    return select(sql, "ORDER BY name, id LIMIT :l OFFSET :o", [&](soci::statement& st) {
        st.exchange(soci::use(limit, "l"));
        st.exchange(soci::use(offset, "o"));
    });
}

std::int64_t TemplateStore::count(soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM task_templates", soci::into(n);
    return n;
}

void TemplateStore::update(soci::session& sql, const TaskTemplate& tmpl) {
    std::string body = blueprint_of(tmpl);
    long long id = tmpl.id, updated = tmpl.updated_at;
    sql << "UPDATE task_templates SET name = :n, description = :d, body = :b, updated_at = :u WHERE id = :id",
        soci::use(tmpl.name), soci::use(tmpl.description), soci::use(body), soci::use(updated), soci::use(id);
}

void TemplateStore::remove(soci::session& sql, std::int64_t id) {
    long long key = id;
    sql << "DELETE FROM task_templates WHERE id = :id", soci::use(key);
}

}  // namespace tasklane::tasks
