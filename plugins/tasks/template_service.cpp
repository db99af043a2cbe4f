#include "template_service.hpp"

namespace tasklane::tasks {

namespace {

sdk::ApiError not_found() { return sdk::ApiError::not_found("template not found"); }

}  // namespace

TaskTemplate TemplateService::create(const sdk::Caller& caller, const nlohmann::json& body) {
    TaskTemplate tmpl;
    apply_template_body(tmpl, body, /*creating=*/true);
    tmpl.creator_id = caller.user_id;
    tmpl.created_at = tmpl.updated_at = clock_();
    auto session = database_.session();
    store_.insert(session->sql(), tmpl);
    return tmpl;
}

TaskTemplate TemplateService::get(std::int64_t id) {
    auto session = database_.session();
    auto tmpl = store_.find(session->sql(), id);
    if (!tmpl) {
        throw not_found();
    }
    return *tmpl;
}

std::pair<std::vector<TaskTemplate>, std::int64_t> TemplateService::list(int page, int per_page) {
    auto session = database_.session();
    return {store_.list(session->sql(), page, per_page), store_.count(session->sql())};
}

TaskTemplate TemplateService::editable(soci::session& sql, const sdk::Caller& caller, std::int64_t id) {
    auto tmpl = store_.find(sql, id);
    if (!tmpl) {
        throw not_found();
    }
    if (!caller.is_admin() && tmpl->creator_id != caller.user_id) {
        throw sdk::ApiError::forbidden("only the template's creator or an administrator may change it");
    }
    return *tmpl;
}

TaskTemplate TemplateService::update(const sdk::Caller& caller, std::int64_t id, const nlohmann::json& body) {
    auto tx = database_.begin();
    auto tmpl = editable(tx->sql(), caller, id);
    apply_template_body(tmpl, body, /*creating=*/false);
    tmpl.updated_at = clock_();
    store_.update(tx->sql(), tmpl);
    tx->commit();
    return tmpl;
}

void TemplateService::remove(const sdk::Caller& caller, std::int64_t id) {
    auto tx = database_.begin();
    editable(tx->sql(), caller, id);
    store_.remove(tx->sql(), id);
    tx->commit();
}

}  // namespace tasklane::tasks
