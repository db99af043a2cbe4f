#pragma once
// Where attachment content lives, apart from its metadata. Blobs are named by
// the SHA-256 of their bytes (content-addressed): the same bytes uploaded
// twice are one blob, and a name always means the same bytes. Deciding when a
// blob is no longer referenced is the caller's job (the database knows).
//
// One small interface so that an S3-compatible backend can come later next to
// LocalBlobStore: put/read/exists/remove map to PUT/GET/HEAD/DELETE of an
// object, list() to a listing, discard_unfinished() to aborting multipart
// uploads.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tasklane::attachments {

class BlobStore {
public:
    virtual ~BlobStore() = default;

    // Stores `content` under `sha256` (its SHA-256 as lower-case hex) so that
    // it survives a crash once put() returns; a crash during put() leaves no
    // partial blob. A blob that exists already is kept as it is. Throws
    // sdk::ApiError 507 when the storage is full, std::runtime_error otherwise.
    virtual void put(const std::string& sha256, std::string_view content) = 0;
    // The whole content, or nullopt when there is no such blob.
    virtual std::optional<std::string> read(const std::string& sha256) const = 0;
    virtual bool exists(const std::string& sha256) const = 0;
    // Removing a missing blob is not an error.
    virtual void remove(const std::string& sha256) = 0;
    // Every stored blob's name (for the start-up sweep of unreferenced ones).
    virtual std::vector<std::string> list() const = 0;
    // Drops what put() calls interrupted by a crash left behind.
    virtual void discard_unfinished() = 0;
};

}  // namespace tasklane::attachments
