#include "inbound_service.hpp"

#include "secrets.hpp"
#include "signing.hpp"
#include "webhook_service.hpp"

#include <charconv>
#include <set>

namespace tasklane::integrations {

namespace {

using nlohmann::json;

sdk::ApiError rejected() {
    return sdk::ApiError::unauthorized("invalid inbound token or signature");
}

std::optional<std::int64_t> parse_seconds(const std::string& text) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || text.size() > 12 || ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return n;
}

// Only the fields a task's creation takes from the outside; the rest of the
// task (creator, status) is decided by the tasks service.
const std::set<std::string> kTaskFields = {"title", "description", "priority", "tags", "due_date"};
const std::set<std::string> kDefaultFields = {"tags", "priority", "assignee_id"};

json token_json(const InboundToken& t) {
    return {{"id", t.id},
            {"name", t.name},
            {"defaults", json::parse(t.defaults, nullptr, false)},
            {"created_by", t.created_by},
            {"created_at", sdk::iso8601_utc(t.created_at)}};
}

}  // namespace

json InboundService::create_token(const json& body, const sdk::Caller& caller) {
    std::vector<sdk::FieldError> errors;
    for (const auto& [key, value] : body.items()) {
        if (key != "name" && key != "defaults") {
            errors.push_back({key, "is not an inbound token field (known: name, defaults)"});
        }
    }
    const auto name = body.contains("name") && body["name"].is_string() ? body["name"].get<std::string>() : "";
    if (name.empty() || name.size() > 100) {
        errors.push_back({"name", "is required: a string of 1 to 100 characters (it names the actor inbound:<name>)"});
    }
    json defaults = body.value("defaults", json::object());
    if (!defaults.is_object()) {
        errors.push_back({"defaults", "must be an object with any of tags, priority, assignee_id"});
        defaults = json::object();
    }
    for (const auto& [key, value] : defaults.items()) {
        if (kDefaultFields.count(key) == 0) {
            errors.push_back({"defaults." + key, "is not a default (known: tags, priority, assignee_id)"});
        }
    }
    if (defaults.contains("tags") && !defaults["tags"].is_array()) {
        errors.push_back({"defaults.tags", "must be a list of strings"});
    }
    if (defaults.contains("priority") && !defaults["priority"].is_string()) {
        errors.push_back({"defaults.priority", "must be a string"});
    }
    if (defaults.contains("assignee_id") && !defaults["assignee_id"].is_number_integer()) {
        errors.push_back({"defaults.assignee_id", "must be a user id"});
    }
    auto tx = db_.begin();
    if (errors.empty() && store_.inbound_token_name_taken(tx->sql(), name)) {
        throw sdk::ApiError::conflict("duplicate_name", "an inbound token named '" + name + "' already exists");
    }
    if (!errors.empty()) {
        throw sdk::ApiError::validation(std::move(errors));
    }
    const auto token = secrets::random_token(32);
    InboundToken t;
    t.name = name;
    t.token_hash = secrets::sha256_hex(token);
    t.secret = secrets::random_token(32);
    t.defaults = defaults.dump();
    t.created_by = caller.user_id;
    t.created_at = clock_();
    store_.insert_inbound_token(tx->sql(), t);
    tx->commit();
    auto out = token_json(t);
    out["token"] = token;
    out["secret"] = t.secret;
    out["url"] = "/api/v1/integrations/inbound/" + token;
    return out;
}

json InboundService::list_tokens(std::int64_t page, std::int64_t per_page) {
    auto session = db_.session();
    json items = json::array();
    for (const auto& t : store_.inbound_tokens(session->sql(), (page - 1) * per_page, per_page)) {
        items.push_back(token_json(t));
    }
    return list_body(std::move(items), store_.count_inbound_tokens(session->sql()), page, per_page);
}

void InboundService::delete_token(std::int64_t id) {
    auto tx = db_.begin();
    if (!store_.delete_inbound_token(tx->sql(), id)) {
        throw sdk::ApiError::not_found("inbound token " + std::to_string(id) + " not found");
    }
    tx->commit();
}

json InboundService::receive(const std::string& token, const std::optional<std::string>& timestamp,
                             const std::optional<std::string>& signature, const std::string& raw_body,
                             const std::function<json()>& parse_body) {
    std::optional<InboundToken> found;
    {
        auto session = db_.session();
        found = store_.inbound_token_by_hash(session->sql(), secrets::sha256_hex(token));
    }
    // An unknown token still costs one HMAC, so timing does not tell it apart
    // from a known token with a bad signature.
    const std::string secret = found ? found->secret : std::string(43, 'x');
    const bool signed_ok = signature_matches(secret, timestamp.value_or(""), raw_body, signature.value_or(""));
    const auto seconds = parse_seconds(timestamp.value_or(""));
    const auto now_s = clock_() / 1000;
    const bool fresh = seconds && *seconds >= now_s - kInboundWindowSeconds && *seconds <= now_s + kInboundWindowSeconds;
    if (!found || !signed_ok || !fresh) {
        throw rejected();
    }
    const auto creator = users_->get(found->created_by);
    if (!creator || !creator->active) {
        throw rejected();
    }

    const json payload = parse_body();
    if (!payload.is_object()) {
        throw sdk::ApiError::bad_request("the body must be a JSON object");
    }
    std::vector<sdk::FieldError> unknown;
    json task = json::object();
    for (const auto& [key, value] : payload.items()) {
        if (kTaskFields.count(key) == 0) {
            unknown.push_back({key, "is not accepted here (known: title, description, priority, tags, due_date)"});
        } else {
            task[key] = value;
        }
    }
    if (!unknown.empty()) {
        throw sdk::ApiError::validation(std::move(unknown));
    }
    const auto defaults = json::parse(found->defaults, nullptr, false);
    if (defaults.is_object()) {
        if (defaults.contains("priority") && !task.contains("priority")) {
            task["priority"] = defaults["priority"];
        }
        if (defaults.contains("assignee_id")) {
            task["assignee_id"] = defaults["assignee_id"];
        }
        if (defaults.contains("tags") && defaults["tags"].is_array()) {
            json tags = task.contains("tags") && task["tags"].is_array() ? task["tags"] : json::array();
            for (const auto& tag : defaults["tags"]) {
                if (std::find(tags.begin(), tags.end(), tag) == tags.end()) {
                    tags.push_back(tag);
                }
            }
            if (!task.contains("tags") || task["tags"].is_array()) {
                task["tags"] = tags;
            }
        }
    }
    return tasks_->create(creator->as_caller(), task, sdk::Actor{"system", "inbound:" + found->name});
}

}  // namespace tasklane::integrations
