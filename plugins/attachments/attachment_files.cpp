#include "attachment_files.hpp"

#include <algorithm>

namespace tasklane::attachments {

std::vector<sdk::AttachmentFile> AttachmentFilesService::images_of(const sdk::Caller& caller, std::int64_t task_id,
                                                                   std::size_t max_total_bytes) {
    AttachmentPage page;
    try {
        page = service_.list(caller, task_id, 1, 100);
    } catch (const sdk::ApiError&) {
        return {};  // the task is gone or not the caller's to see
    }
    std::reverse(page.items.begin(), page.items.end());  // oldest first
    std::vector<sdk::AttachmentFile> files;
    std::size_t total = 0;
    for (const auto& a : page.items) {
        const auto size = static_cast<std::size_t>(a.size);
        if (a.content_type.rfind("image/", 0) != 0 || total + size > max_total_bytes) {
            continue;
        }
        files.push_back({a.filename, a.content_type, service_.content(a)});
        total += size;
    }
    return files;
}

}  // namespace tasklane::attachments
