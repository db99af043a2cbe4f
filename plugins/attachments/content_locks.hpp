#pragma once
// Serialises, per blob, "store the blob and commit a row naming it" against
// "delete a row and remove the blob if no row names it any more". Without it
// a removal that counted zero references could delete a blob that an upload
// of the same bytes has just stored and is about to reference.
//
// Striped: 256 mutexes chosen by the hash, so unrelated uploads rarely
// wait for each other. Lock before beginning a database transaction, never
// inside one (on SQLite the transaction queue is a lock too). In-process
// only: one node owns an attachments directory (see local_blob_store.hpp).
#include <array>
#include <mutex>
#include <string>

namespace tasklane::attachments {

class ContentLocks {
public:
    std::unique_lock<std::mutex> lock(const std::string& sha256);

private:
    std::array<std::mutex, 256> stripes_;
};

}  // namespace tasklane::attachments
