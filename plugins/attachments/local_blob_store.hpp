#pragma once
// The local-directory BlobStore (attachments.dir):
//
//   <dir>/tmp/<random>.part       a put() in progress
//   <dir>/<ab>/<abcdef...64 hex>  a blob, in a subdirectory named by its
//                                 first two hex digits (256 directories keep
//                                 each one small)
//
// put() writes a temp file, fsyncs it, renames it into place and fsyncs the
// directory, so a crash leaves either the whole blob or a .part file that
// discard_unfinished() removes at the next start. Only names that are 64 hex
// digits ever become paths: nothing a user typed reaches the file system.
//
// One node owns a directory: the start-up sweep and the removal of
// unreferenced blobs assume no other process writes to it (see README).
#include "blob_store.hpp"

#include <filesystem>

namespace tasklane::attachments {

class LocalBlobStore : public BlobStore {
public:
    // Creates the directory (and tmp/) if needed; throws naming the path when
    // it cannot.
    explicit LocalBlobStore(std::filesystem::path dir);

    void put(const std::string& sha256, std::string_view content) override;
    std::optional<std::string> read(const std::string& sha256) const override;
    bool exists(const std::string& sha256) const override;
    void remove(const std::string& sha256) override;
    std::vector<std::string> list() const override;
    void discard_unfinished() override;

    const std::filesystem::path& dir() const { return dir_; }
    // Where the blob named `sha256` lives (validated: 64 hex digits).
    std::filesystem::path path_of(const std::string& sha256) const;

private:
    std::filesystem::path dir_;
    std::filesystem::path tmp_;
};

}  // namespace tasklane::attachments
