#include "attachment_service.hpp"

#include "file_name.hpp"
#include "media_type.hpp"
#include "sha256.hpp"

namespace tasklane::attachments {

namespace {

// Whether a task exists at all, whoever may see it: an administrator's view.
const sdk::Caller kSystemCaller{0, "attachments", "admin"};

nlohmann::json event_data(const Attachment& attachment, const nlohmann::json& task) {
    return {{"attachment", to_json(attachment)}, {"task", task}};
}

sdk::ApiError too_large(const std::string& message) { return {413, "payload_too_large", message}; }

}  // namespace

AttachmentService::AttachmentService(sdk::Database& db, AttachmentStore& store, BlobStore& blobs,
                                     std::shared_ptr<sdk::TaskApi> tasks, Settings settings, Clock clock,
                                     std::shared_ptr<spdlog::logger> log)
    : db_(db),
      store_(store),
      blobs_(blobs),
      tasks_(std::move(tasks)),
      settings_(std::move(settings)),
      clock_(std::move(clock)),
      log_(std::move(log)) {}

Attachment AttachmentService::upload(const sdk::Caller& caller, std::int64_t task_id, const UploadBody& body,
                                     const sdk::Actor& actor) {
    const auto task = tasks_->get(caller, task_id);  // first: no other answer may reveal the task
    Attachment a;
    a.task_id = task_id;
    a.uploader_id = caller.user_id;
    a.filename = checked_file_name(body.filename);
    const auto content_type = storable_content_type(body.content_type);
    if (!content_type) {
        throw sdk::ApiError::validation({{"content_type", "not a media type (type/subtype)"}});
    }
    a.content_type = *content_type;
    a.size = static_cast<std::int64_t>(body.content.size());
    if (body.content.size() > settings_.max_bytes) {
        throw too_large("the file is " + std::to_string(body.content.size()) + " bytes; attachments may be at most " +
                        std::to_string(settings_.max_bytes) + " bytes");
    }
    if (!type_allowed(media_type_of(a.content_type), settings_.allowed_types)) {
        std::string allowed;
        for (const auto& t : settings_.allowed_types) {
            allowed += (allowed.empty() ? "" : ", ") + t;
        }
        throw sdk::ApiError(415, "unsupported_media_type",
                            "files of type " + media_type_of(a.content_type) + " are not accepted (allowed: " +
                                allowed + ")");
    }
    {
        auto session = db_.session();  // refuse before writing anything; re-checked under lock below
        check_quota(session->sql(), a);
    }
    a.sha256 = sha256_hex(body.content);

    {
        const auto guard = locks_.lock(a.sha256);
        blobs_.put(a.sha256, body.content);
        try {
            auto tx = db_.begin();
            store_.lock_quota(tx->sql(), a.uploader_id);
            check_quota(tx->sql(), a);
            a.created_at = clock_();
            store_.insert(tx->sql(), a);
            tx->publish("attachment.added", actor, event_data(a, task));
            tx->commit();
        } catch (...) {
            try {
                remove_blob_if_unreferenced(a.sha256);
            } catch (const std::exception& e) {
                log_->warn("could not remove the unreferenced blob {}: {} (the next start removes it)", a.sha256,
                           e.what());
            }
            throw;
        }
    }
    ensure_task_still_exists(a, task, actor);
    return a;
}

void AttachmentService::check_quota(soci::session& sql, const Attachment& a) {
    const auto used = store_.bytes_uploaded_by(sql, a.uploader_id);
    if (static_cast<std::uint64_t>(used) + static_cast<std::uint64_t>(a.size) > settings_.quota_bytes) {
        throw too_large("over the upload quota of " + std::to_string(settings_.quota_bytes) +
                        " bytes per user (attachments.quota_bytes): " + std::to_string(used) +
                        " bytes used, this file is " + std::to_string(a.size) + " bytes");
    }
}

// The task was visible before the upload; if it was deleted while the upload
// ran, its task.deleted subscriber may already have run and missed the new
// row. Checking after our commit closes that gap: either the deletion
// committed before this check (we see it and clean up), or after (its
// subscriber runs later and sees our row).
void AttachmentService::ensure_task_still_exists(const Attachment& a, const nlohmann::json& task,
                                                 const sdk::Actor& actor) {
    try {
        tasks_->get(kSystemCaller, a.task_id);
    } catch (const sdk::ApiError& e) {
        if (e.status() != 404) {
            throw;
        }
        delete_attachment(a, task, actor);
        throw;
    }
}

AttachmentPage AttachmentService::list(const sdk::Caller& caller, std::int64_t task_id, std::int64_t page,
                                       std::int64_t per_page) {
    tasks_->get(caller, task_id);
    auto session = db_.session();
    return store_.list(session->sql(), task_id, page, per_page);
}

VisibleAttachment AttachmentService::find(const sdk::Caller& caller, std::int64_t id) {
    std::optional<Attachment> a;
    {
        auto session = db_.session();
        a = store_.find(session->sql(), id);
    }
    const auto not_found = sdk::ApiError::not_found("no such attachment");
    if (!a) {
        throw not_found;
    }
    try {
        return {*a, tasks_->get(caller, a->task_id)};
    } catch (const sdk::ApiError& e) {
        if (e.status() == 404) {
            throw not_found;  // the same answer as for an id that never existed
        }
        throw;
    }
}

std::string AttachmentService::content(const Attachment& a) {
    auto bytes = blobs_.read(a.sha256);
    if (!bytes) {
        log_->error("attachment {} (task {}): its content {} is missing from the store", a.id, a.task_id, a.sha256);
        throw std::runtime_error("attachment content missing");
    }
    return std::move(*bytes);
}

void AttachmentService::remove(const sdk::Caller& caller, std::int64_t id, const sdk::Actor& actor) {
    const auto found = find(caller, id);
    if (!caller.is_admin() && found.attachment.uploader_id != caller.user_id) {
        throw sdk::ApiError::forbidden("only the uploader or an administrator may delete this attachment");
    }
    delete_attachment(found.attachment, found.task, actor);
}

void AttachmentService::delete_attachment(const Attachment& a, const nlohmann::json& task, const sdk::Actor& actor) {
    const auto guard = locks_.lock(a.sha256);
    {
        auto tx = db_.begin();
        if (store_.remove(tx->sql(), a.id)) {
            tx->publish("attachment.deleted", actor, event_data(a, task));
        }
        tx->commit();
    }
    // After commit: a crash before this line leaves an unreferenced blob (the
    // sweep's job), never a row without its content.
    remove_blob_if_unreferenced(a.sha256);
}

void AttachmentService::remove_blob_if_unreferenced(const std::string& sha256) {
    bool referenced = false;
    {
        auto session = db_.session();
        referenced = store_.referenced(session->sql(), sha256);
    }
    if (!referenced) {
        blobs_.remove(sha256);
    }
}

void AttachmentService::on_task_deleted(const sdk::Event& event) {
    const auto& task = event.data.contains("task") ? event.data["task"] : nlohmann::json();
    const auto task_id = task.is_object() ? task.value("id", std::int64_t{0}) : 0;
    if (task_id <= 0) {
        return;
    }
    std::vector<Attachment> attachments;
    {
        auto session = db_.session();
        attachments = store_.all_of_task(session->sql(), task_id);
    }
    for (const auto& a : attachments) {
        delete_attachment(a, task, event.actor);
    }
    if (!attachments.empty()) {
        log_->info("task {} deleted: removed its {} attachment(s)", task_id, attachments.size());
    }
}

SweepResult AttachmentService::sweep() {
    blobs_.discard_unfinished();
    std::set<std::string> referenced;
    {
        auto session = db_.session();
        referenced = store_.referenced_hashes(session->sql());
    }
    SweepResult result;
    for (const auto& name : blobs_.list()) {
        if (referenced.count(name)) {
            ++result.kept;
            continue;
        }
        // Under the blob's lock and re-checked, in case an upload already runs.
        const auto guard = locks_.lock(name);
        remove_blob_if_unreferenced(name);
        ++result.removed;
    }
    return result;
}

}  // namespace tasklane::attachments
