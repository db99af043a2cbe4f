#include "attachment_store.hpp"

#include <tasklane/sdk/query.hpp>

namespace tasklane::attachments {

namespace {

// Column list and bind() in the same order.
constexpr const char* kColumns = "id, task_id, filename, content_type, size, sha256, uploader_id, created_at";

struct AttachmentRow {
    long long id = 0, task_id = 0, size = 0, uploader_id = 0, created_at = 0;
    std::string filename, content_type, sha256;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(task_id));
        st.exchange(soci::into(filename));
        st.exchange(soci::into(content_type));
        st.exchange(soci::into(size));
        st.exchange(soci::into(sha256));
        st.exchange(soci::into(uploader_id));
        st.exchange(soci::into(created_at));
    }

    Attachment to_attachment() const {
        return {id, task_id, filename, content_type, size, sha256, uploader_id, created_at};
    }
};

struct IntRow {
    long long n = 0;
    soci::indicator ind = soci::i_null;
    void bind(soci::statement& st) { st.exchange(soci::into(n, ind)); }
};

struct TextRow {
    std::string text;
    void bind(soci::statement& st) { st.exchange(soci::into(text)); }
};

long long single_int(sdk::Database& db, soci::session& sql, const sdk::Query& q) {
    long long n = 0;
    q.run<IntRow>(db, sql, [&](const IntRow& row) { n = row.ind == soci::i_ok ? row.n : 0; });
    return n;
}

}  // namespace

void AttachmentStore::insert(soci::session& sql, Attachment& a) {
    sdk::Query q;
    q.text = "INSERT INTO attachments (task_id, filename, content_type, size, sha256, uploader_id, created_at) "
             "VALUES (" +
             q.param(static_cast<long long>(a.task_id)) + ", " + q.param(a.filename) + ", " + q.param(a.content_type) +
             ", " + q.param(static_cast<long long>(a.size)) + ", " + q.param(a.sha256) + ", " +
             q.param(static_cast<long long>(a.uploader_id)) + ", " + q.param(static_cast<long long>(a.created_at)) +
             ") RETURNING id";
    a.id = single_int(db_, sql, q);
}

std::optional<Attachment> AttachmentStore::find(soci::session& sql, std::int64_t id) {
    sdk::Query q;
    q.text = std::string("SELECT ") + kColumns + " FROM attachments WHERE id = " + q.param(static_cast<long long>(id));
    std::optional<Attachment> out;
    q.run<AttachmentRow>(db_, sql, [&](const AttachmentRow& row) { out = row.to_attachment(); });
    return out;
}

AttachmentPage AttachmentStore::list(soci::session& sql, std::int64_t task_id, std::int64_t page,
                                     std::int64_t per_page) {
    const long long task = task_id;
    AttachmentPage out;
    sdk::Query items;
    // id order is upload order: ids come from one sequence, created_at may tie.
    items.text = std::string("SELECT ") + kColumns + " FROM attachments WHERE task_id = " + items.param(task) +
                 " ORDER BY id DESC LIMIT " + items.param(static_cast<long long>(per_page)) + " OFFSET " +
                 items.param(static_cast<long long>((page - 1) * per_page));
    items.run<AttachmentRow>(db_, sql, [&](const AttachmentRow& row) { out.items.push_back(row.to_attachment()); });
    sdk::Query total;
    total.text = "SELECT COUNT(*) FROM attachments WHERE task_id = " + total.param(task);
    out.total = single_int(db_, sql, total);
    return out;
}

std::vector<Attachment> AttachmentStore::all_of_task(soci::session& sql, std::int64_t task_id) {
    sdk::Query q;
    q.text = std::string("SELECT ") + kColumns + " FROM attachments WHERE task_id = " +
             q.param(static_cast<long long>(task_id)) + " ORDER BY id";
    std::vector<Attachment> out;
    q.run<AttachmentRow>(db_, sql, [&](const AttachmentRow& row) { out.push_back(row.to_attachment()); });
    return out;
}

bool AttachmentStore::remove(soci::session& sql, std::int64_t id) {
    sdk::Query q;
    q.text = "DELETE FROM attachments WHERE id = " + q.param(static_cast<long long>(id));
    return q.execute(db_, sql) > 0;
}

bool AttachmentStore::referenced(soci::session& sql, const std::string& sha256) {
    sdk::Query q;
    q.text = "SELECT COUNT(*) FROM attachments WHERE sha256 = " + q.param(sha256);
    return single_int(db_, sql, q) > 0;
}

std::set<std::string> AttachmentStore::referenced_hashes(soci::session& sql) {
    sdk::Query q;
    q.text = "SELECT DISTINCT sha256 FROM attachments";
    std::set<std::string> out;
    q.run<TextRow>(db_, sql, [&](const TextRow& row) { out.insert(row.text); });
    return out;
}

std::int64_t AttachmentStore::bytes_uploaded_by(soci::session& sql, std::int64_t uploader_id) {
    sdk::Query q;
    // SUM is NULL without rows, BIGINT/NUMERIC on PostgreSQL: cast for one type on both.
    q.text = "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM attachments WHERE uploader_id = " +
             q.param(static_cast<long long>(uploader_id));
    return single_int(db_, sql, q);
}

void AttachmentStore::lock_quota(soci::session& sql, std::int64_t uploader_id) {
    if (db_.dialect() != sdk::Dialect::Postgresql) {
        return;
    }
    sdk::Query q;
    // The two-key form is a key space of its own, apart from the host's
    // single-key locks (7170000...). 7170010 names "attachments quota".
    q.text = "SELECT pg_advisory_xact_lock(7170010, CAST(CAST(" + q.param(static_cast<long long>(uploader_id)) +
             " AS BIGINT) % 2147483647 AS INTEGER))";
    q.execute(db_, sql);
}

}  // namespace tasklane::attachments
