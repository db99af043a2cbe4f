#include "rule_store.hpp"

#include <set>

namespace tasklane::rules {

namespace {

constexpr const char* kRuleColumns =
    "id, name, source, enabled, origin, file, owner_id, version, created_at, updated_at";

struct RuleRow {
    long long id = 0, enabled = 0, owner_id = 0, version = 0, created_at = 0, updated_at = 0;
    std::string name, source, origin, file;
    soci::indicator file_ind = soci::i_null, owner_ind = soci::i_null;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(name));
        st.exchange(soci::into(source));
        st.exchange(soci::into(enabled));
        st.exchange(soci::into(origin));
        st.exchange(soci::into(file, file_ind));
        st.exchange(soci::into(owner_id, owner_ind));
        st.exchange(soci::into(version));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(updated_at));
    }
    StoredRule to_rule() const {
        StoredRule r;
        r.id = id;
        r.name = name;
        r.source = source;
        r.enabled = enabled != 0;
        r.origin = origin;
        if (file_ind == soci::i_ok) {
            r.file = file;
        }
        if (owner_ind == soci::i_ok) {
            r.owner_id = owner_id;
        }
        r.version = version;
        r.created_at = created_at;
        r.updated_at = updated_at;
        return r;
    }
};

struct RunRow {
    long long id = 0, rule_id = 0, event_id = 0, duration_us = 0, created_at = 0;
    std::string outcome, error, actions, logs;
    soci::indicator event_ind = soci::i_null, error_ind = soci::i_null;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(rule_id));
        st.exchange(soci::into(event_id, event_ind));
        st.exchange(soci::into(outcome));
        st.exchange(soci::into(error, error_ind));
        st.exchange(soci::into(duration_us));
        st.exchange(soci::into(actions));
        st.exchange(soci::into(logs));
        st.exchange(soci::into(created_at));
    }
};

struct CountRow {
    long long n = 0;
    void bind(soci::statement& st) { st.exchange(soci::into(n)); }
};

struct IdRow {
    long long id = 0;
    void bind(soci::statement& st) { st.exchange(soci::into(id)); }
};

struct FingerprintRow {
    long long count = 0, id_sum = 0, version_sum = 0, enabled_sum = 0;
    soci::indicator ids_ind = soci::i_null, versions_ind = soci::i_null, enabled_ind = soci::i_null;
    void bind(soci::statement& st) {
        st.exchange(soci::into(count));
        st.exchange(soci::into(id_sum, ids_ind));
        st.exchange(soci::into(version_sum, versions_ind));
        st.exchange(soci::into(enabled_sum, enabled_ind));
    }
};

std::vector<StoredRule> select_rules(sdk::Database& db, soci::session& sql, sdk::Query& q) {
    std::vector<StoredRule> out;
    q.run<RuleRow>(db, sql, [&](const RuleRow& row) { out.push_back(row.to_rule()); });
    return out;
}

bool is_unique_violation(const std::exception& e) {
    const std::string what = e.what();
    return what.find("UNIQUE") != std::string::npos || what.find("unique") != std::string::npos ||
           what.find("duplicate key") != std::string::npos;
}

}  // namespace

std::vector<StoredRule> RuleStore::all() {
    auto session = db_.session();
    sdk::Query q;
    q.text = std::string("SELECT ") + kRuleColumns + " FROM rules ORDER BY id";
    return select_rules(db_, session->sql(), q);
}

std::optional<StoredRule> RuleStore::find(std::int64_t id) {
    auto session = db_.session();
    sdk::Query q;
    q.text = std::string("SELECT ") + kRuleColumns + " FROM rules WHERE id = " + q.param(static_cast<long long>(id));
    auto rules = select_rules(db_, session->sql(), q);
    return rules.empty() ? std::nullopt : std::optional<StoredRule>(rules.front());
}

std::optional<StoredRule> RuleStore::find_by_name(const std::string& name) {
    auto session = db_.session();
    sdk::Query q;
    q.text = std::string("SELECT ") + kRuleColumns + " FROM rules WHERE name = " + q.param(name);
    auto rules = select_rules(db_, session->sql(), q);
    return rules.empty() ? std::nullopt : std::optional<StoredRule>(rules.front());
}

bool RuleStore::insert(StoredRule& rule) {
    auto tx = db_.begin();
    sdk::Query q;
    std::optional<long long> owner;
    if (rule.owner_id) {
        owner = *rule.owner_id;
    }
    q.text = "INSERT INTO rules (name, source, enabled, origin, file, owner_id, version, created_at, updated_at) "
             "VALUES (" +
             q.param(rule.name) + ", " + q.param(rule.source) + ", " + q.param(rule.enabled ? 1LL : 0LL) + ", " +
             q.param(rule.origin) + ", " + q.param(rule.file) + ", " + q.param(owner) + ", 1, " +
             q.param(static_cast<long long>(rule.created_at)) + ", " +
             q.param(static_cast<long long>(rule.updated_at)) + ") RETURNING id";
    try {
        q.run<IdRow>(db_, tx->sql(), [&](const IdRow& row) { rule.id = row.id; });
        tx->commit();
    } catch (const std::exception& e) {
        if (is_unique_violation(e)) {
            return false;
        }
        throw;
    }
    rule.version = 1;
    return true;
}

bool RuleStore::update(StoredRule& rule) {
    auto tx = db_.begin();
    sdk::Query q;
    std::optional<long long> owner;
    if (rule.owner_id) {
        owner = *rule.owner_id;
    }
    q.text = "UPDATE rules SET name = " + q.param(rule.name) + ", source = " + q.param(rule.source) +
             ", enabled = " + q.param(rule.enabled ? 1LL : 0LL) + ", owner_id = " + q.param(owner) +
             ", file = " + q.param(rule.file) + ", version = version + 1, updated_at = " +
             q.param(static_cast<long long>(rule.updated_at)) + " WHERE id = " +
             q.param(static_cast<long long>(rule.id));
    try {
        q.execute(db_, tx->sql());
        tx->commit();
    } catch (const std::exception& e) {
        if (is_unique_violation(e)) {
            return false;
        }
        throw;
    }
    ++rule.version;
    return true;
}

void RuleStore::remove(std::int64_t id) {
    auto tx = db_.begin();
    for (const char* table : {"rule_runs", "rule_ticks"}) {
        sdk::Query q;
        q.text = std::string("DELETE FROM ") + table + " WHERE rule_id = " + q.param(static_cast<long long>(id));
        q.execute(db_, tx->sql());
    }
    sdk::Query q;
    q.text = "DELETE FROM rules WHERE id = " + q.param(static_cast<long long>(id));
    q.execute(db_, tx->sql());
    tx->commit();
}

std::vector<std::string> RuleStore::sync_files(const std::vector<StoredRule>& files, std::int64_t now_ms) {
    std::vector<std::string> clashes;
    std::set<std::string> names;
    for (const auto& file_rule : files) {
        names.insert(file_rule.name);
        auto existing = find_by_name(file_rule.name);
        if (!existing) {
            auto fresh = file_rule;
            fresh.origin = "file";
            fresh.created_at = fresh.updated_at = now_ms;
            if (!insert(fresh)) {
                clashes.push_back(file_rule.name);  // another node inserted it meanwhile; next sync updates
            }
        } else if (existing->origin != "file") {
            clashes.push_back(file_rule.name);
        } else if (existing->source != file_rule.source || existing->file != file_rule.file) {
            existing->source = file_rule.source;
            existing->file = file_rule.file;
            existing->updated_at = now_ms;
            update(*existing);
        }
    }
    for (const auto& rule : all()) {
        if (rule.origin == "file" && names.count(rule.name) == 0) {
            remove(rule.id);
        }
    }
    return clashes;
}

std::string RuleStore::fingerprint() {
    auto session = db_.session();
    sdk::Query q;
    q.text = "SELECT COUNT(*), SUM(id), SUM(version), SUM(enabled) FROM rules";
    std::string out;
    q.run<FingerprintRow>(db_, session->sql(), [&](const FingerprintRow& row) {
        out = std::to_string(row.count) + ":" + std::to_string(row.ids_ind == soci::i_ok ? row.id_sum : 0) + ":" +
              std::to_string(row.versions_ind == soci::i_ok ? row.version_sum : 0) + ":" +
              std::to_string(row.enabled_ind == soci::i_ok ? row.enabled_sum : 0);
    });
    return out;
}

void RuleStore::insert_run(const RuleRun& run) {
    auto tx = db_.begin();
    sdk::Query q;
    std::optional<long long> event;
    if (run.event_id) {
        event = *run.event_id;
    }
    q.text = "INSERT INTO rule_runs (rule_id, event_id, outcome, error, duration_us, actions, logs, created_at) "
             "VALUES (" +
             q.param(static_cast<long long>(run.rule_id)) + ", " + q.param(event) + ", " + q.param(run.outcome) +
             ", " + q.param(run.error) + ", " + q.param(static_cast<long long>(run.duration_us)) + ", " +
             q.param(run.actions.dump()) + ", " + q.param(run.logs.dump()) + ", " +
             q.param(static_cast<long long>(run.created_at)) + ")";
    q.execute(db_, tx->sql());
    tx->commit();
}

std::pair<std::vector<RuleRun>, std::int64_t> RuleStore::runs(std::int64_t rule_id, int page, int per_page) {
    auto session = db_.session();
    sdk::Query count;
    count.text = "SELECT COUNT(*) FROM rule_runs WHERE rule_id = " + count.param(static_cast<long long>(rule_id));
    std::int64_t total = 0;
    count.run<CountRow>(db_, session->sql(), [&](const CountRow& row) { total = row.n; });
    sdk::Query q;
    q.text = "SELECT id, rule_id, event_id, outcome, error, duration_us, actions, logs, created_at FROM rule_runs "
             "WHERE rule_id = " +
             q.param(static_cast<long long>(rule_id)) + " ORDER BY id DESC LIMIT " +
             q.param(static_cast<long long>(per_page)) + " OFFSET " +
             q.param(static_cast<long long>(page - 1) * per_page);
    std::vector<RuleRun> out;
    q.run<RunRow>(db_, session->sql(), [&](const RunRow& row) {
        RuleRun r;
        r.id = row.id;
        r.rule_id = row.rule_id;
        if (row.event_ind == soci::i_ok) {
            r.event_id = row.event_id;
        }
        r.outcome = row.outcome;
        if (row.error_ind == soci::i_ok) {
            r.error = row.error;
        }
        r.duration_us = row.duration_us;
        r.actions = nlohmann::json::parse(row.actions, nullptr, false);
        r.logs = nlohmann::json::parse(row.logs, nullptr, false);
        r.created_at = row.created_at;
        out.push_back(std::move(r));
    });
    return {out, total};
}

void RuleStore::purge_runs(std::int64_t keep, std::int64_t before_ms) {
    auto tx = db_.begin();
    sdk::Query old;
    old.text = "DELETE FROM rule_runs WHERE created_at < " + old.param(static_cast<long long>(before_ms));
    old.execute(db_, tx->sql());
    // Beyond the newest `keep` of each rule: the id of each rule's keep-th
    // newest run bounds what stays.
    sdk::Query extra;
    extra.text = "DELETE FROM rule_runs WHERE id < (SELECT r2.id FROM rule_runs r2 WHERE r2.rule_id = "
                 "rule_runs.rule_id ORDER BY r2.id DESC LIMIT 1 OFFSET " +
                 extra.param(static_cast<long long>(keep - 1)) + ")";
    extra.execute(db_, tx->sql());
    sdk::Query ticks;
    ticks.text = "DELETE FROM rule_ticks WHERE tick < " + ticks.param(static_cast<long long>(before_ms / 60000));
    ticks.execute(db_, tx->sql());
    tx->commit();
}

bool RuleStore::claim_tick(std::int64_t rule_id, std::int64_t epoch_minute) {
    auto tx = db_.begin();
    sdk::Query q;
    q.text = "INSERT INTO rule_ticks (rule_id, tick) VALUES (" + q.param(static_cast<long long>(rule_id)) + ", " +
             q.param(static_cast<long long>(epoch_minute)) + ") ON CONFLICT DO NOTHING";
    const auto inserted = q.execute(db_, tx->sql());
    tx->commit();
    return inserted == 1;
}

}  // namespace tasklane::rules
