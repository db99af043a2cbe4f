#include "content_locks.hpp"

#include <functional>

namespace tasklane::attachments {

std::unique_lock<std::mutex> ContentLocks::lock(const std::string& sha256) {
    return std::unique_lock<std::mutex>(stripes_[std::hash<std::string>{}(sha256) % stripes_.size()]);
}

}  // namespace tasklane::attachments
