#pragma once
// The attachments use cases. Visibility is the task's: every call first asks
// the tasks plugin (TaskApi::get), which answers 404 to a caller who may not
// see the task, and an attachment of such a task is "not found" too.
//
// Crash safety of an upload: the content is stored first (temp file, fsync,
// rename: BlobStore::put), then the row and its event commit in one
// transaction. A crash in between leaves an unreferenced blob and no row; the
// start-up sweep removes it. A row therefore always has its content.
#include "attachment.hpp"
#include "attachment_store.hpp"
#include "blob_store.hpp"
#include "content_locks.hpp"
#include "settings.hpp"
#include "upload_body.hpp"

#include <tasklane/sdk/database.hpp>
#include <tasklane/sdk/events.hpp>
#include <tasklane/sdk/http.hpp>
#include <tasklane/sdk/tasks_api.hpp>

#include <spdlog/logger.h>

#include <functional>
#include <memory>

namespace tasklane::attachments {

using Clock = std::function<std::int64_t()>;  // epoch ms

// An attachment with the task it belongs to, as TaskApi::get returns it.
struct VisibleAttachment {
    Attachment attachment;
    nlohmann::json task;
};

struct SweepResult {
    std::size_t kept = 0;
    std::size_t removed = 0;
};

class AttachmentService {
public:
    AttachmentService(sdk::Database& db, AttachmentStore& store, BlobStore& blobs,
                      std::shared_ptr<sdk::TaskApi> tasks, Settings settings, Clock clock,
                      std::shared_ptr<spdlog::logger> log);

    // 404 (task not visible), 422 (file name, content type), 413 (max_bytes,
    // quota), 415 (allowed_types), 507 (storage full). Publishes attachment.added.
    Attachment upload(const sdk::Caller& caller, std::int64_t task_id, const UploadBody& body,
                      const sdk::Actor& actor);
    AttachmentPage list(const sdk::Caller& caller, std::int64_t task_id, std::int64_t page, std::int64_t per_page);
    // 404 when it does not exist or its task is not visible to the caller.
    VisibleAttachment find(const sdk::Caller& caller, std::int64_t id);
    // The stored bytes; throws (500) when they are missing.
    std::string content(const Attachment& attachment);
    // The uploader or an administrator (403 for others who see the task).
    // Publishes attachment.deleted.
    void remove(const sdk::Caller& caller, std::int64_t id, const sdk::Actor& actor);

    // task.deleted: the task's attachments go too, each with its
    // attachment.deleted event. Idempotent (a redelivered event finds none).
    void on_task_deleted(const sdk::Event& event);

    // At start: drops unfinished writes and blobs no row references (left by
    // a crash between storing a blob and committing its row, or between
    // deleting the last row and removing the blob).
    SweepResult sweep();

    const Settings& settings() const { return settings_; }

private:
    void check_quota(soci::session& sql, const Attachment& attachment);
    void delete_attachment(const Attachment& attachment, const nlohmann::json& task, const sdk::Actor& actor);
    // Call with the blob's content lock held.
    void remove_blob_if_unreferenced(const std::string& sha256);
    void ensure_task_still_exists(const Attachment& attachment, const nlohmann::json& task, const sdk::Actor& actor);

    sdk::Database& db_;
    AttachmentStore& store_;
    BlobStore& blobs_;
    std::shared_ptr<sdk::TaskApi> tasks_;
    Settings settings_;
    Clock clock_;
    std::shared_ptr<spdlog::logger> log_;
    ContentLocks locks_;
};

}  // namespace tasklane::attachments
