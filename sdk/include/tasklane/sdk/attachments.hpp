#pragma once
// Service: the files attached to tasks (provided by the attachments plugin),
// for plugins that send them on, e.g. notification emails with the task's
// images. Visibility follows the task's: `caller` must be able to see it.
#include "http.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tasklane::sdk {

struct AttachmentFile {
    std::string filename;      // as uploaded; never a path
    std::string content_type;  // as stored, e.g. image/png
    std::string bytes;
};

class TASKLANE_SDK_VISIBLE AttachmentFiles {
public:
    static constexpr const char* kServiceName = "attachments";
    virtual ~AttachmentFiles() = default;

    // The task's image/* attachments, oldest first, as many as fit together
    // in `max_total_bytes` (a larger one is skipped, later ones may still
    // fit). Nothing when the task is gone or `caller` may not see it.
    virtual std::vector<AttachmentFile> images_of(const Caller& caller, std::int64_t task_id,
                                                  std::size_t max_total_bytes) = 0;
};

}  // namespace tasklane::sdk
