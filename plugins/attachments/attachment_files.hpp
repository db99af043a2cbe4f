#pragma once
// sdk::AttachmentFiles over AttachmentService: a task's images for other
// plugins (notification mails), read as the caller would read them.
#include "attachment_service.hpp"

#include <tasklane/sdk/attachments.hpp>

namespace tasklane::attachments {

class AttachmentFilesService : public sdk::AttachmentFiles {
public:
    explicit AttachmentFilesService(AttachmentService& service) : service_(service) {}
    std::vector<sdk::AttachmentFile> images_of(const sdk::Caller& caller, std::int64_t task_id,
                                               std::size_t max_total_bytes) override;

private:
    AttachmentService& service_;
};

}  // namespace tasklane::attachments
