#include "local_blob_store.hpp"

#include "sha256.hpp"

#include <tasklane/sdk/errors.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

namespace tasklane::attachments {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPartSuffix = ".part";

[[noreturn]] void fail(const std::string& what, const fs::path& path, int error) {
    if (error == ENOSPC || error == EDQUOT) {
        throw sdk::ApiError(507, "insufficient_storage", "no space left to store the attachment");
    }
    throw std::runtime_error(what + " " + path.string() + ": " + std::strerror(error));
}

// Closes the descriptor on every path out.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    // close() reports write-back errors (NFS, quota) that write() did not.
    int close() {
        const int rc = ::close(fd_);
        fd_ = -1;
        return rc;
    }

private:
    int fd_;
};

// A rename or a new entry is durable only once its directory is fsync'd.
void fsync_dir(const fs::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) {
        fail("cannot open directory", dir, errno);
    }
    if (::fsync(fd.get()) != 0) {
        fail("cannot fsync directory", dir, errno);
    }
}

void write_all(int fd, std::string_view content, const fs::path& path) {
    while (!content.empty()) {
        const auto n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("cannot write", path, errno);
        }
        content.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string random_name() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

bool is_shard_name(const std::string& name) {
    return name.size() == 2 && is_sha256_hex(name + std::string(62, '0'));
}

// A directory the store needs, made durable when it is new.
void ensure_dir(const fs::path& dir) {
    if (::mkdir(dir.c_str(), 0750) == 0) {
        fsync_dir(dir.parent_path());
    } else if (errno != EEXIST) {
        fail("cannot create directory", dir, errno);
    }
}

}  // namespace

LocalBlobStore::LocalBlobStore(fs::path dir) : dir_(std::move(dir)), tmp_(dir_ / "tmp") {
    std::error_code ec;
    fs::create_directories(tmp_, ec);
    if (ec || !fs::is_directory(tmp_)) {
        throw std::runtime_error("attachments.dir: cannot create " + tmp_.string() + ": " + ec.message());
    }
}

fs::path LocalBlobStore::path_of(const std::string& sha256) const {
    if (!is_sha256_hex(sha256)) {
        throw std::invalid_argument("not a blob name: " + sha256.substr(0, 80));
    }
    return dir_ / sha256.substr(0, 2) / sha256;
}

void LocalBlobStore::put(const std::string& sha256, std::string_view content) {
    const auto target = path_of(sha256);
    if (exists(sha256)) {
        return;  // same name, same bytes: only complete files are ever renamed into place
    }
    const auto temp = tmp_ / (random_name() + kPartSuffix);
    try {
        Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
        if (fd.get() < 0) {
            fail("cannot create", temp, errno);
        }
        write_all(fd.get(), content, temp);
        if (::fsync(fd.get()) != 0) {
            fail("cannot fsync", temp, errno);
        }
        if (fd.close() != 0) {
            fail("cannot close", temp, errno);
        }
        ensure_dir(target.parent_path());
        if (::rename(temp.c_str(), target.c_str()) != 0) {
            fail("cannot rename into", target, errno);
        }
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    fsync_dir(target.parent_path());
}

std::optional<std::string> LocalBlobStore::read(const std::string& sha256) const {
    const auto path = path_of(sha256);
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        fail("cannot open", path, errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        fail("cannot stat", path, errno);
    }
    std::string content(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < content.size()) {
        const auto n = ::read(fd.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fail("cannot read", path, errno);
        }
        if (n == 0) {
            throw std::runtime_error("blob " + path.string() + " shrank while it was read");
        }
        done += static_cast<std::size_t>(n);
    }
    return content;
}

bool LocalBlobStore::exists(const std::string& sha256) const {
    struct stat st {};
    return ::stat(path_of(sha256).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void LocalBlobStore::remove(const std::string& sha256) {
    const auto path = path_of(sha256);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        fail("cannot remove", path, errno);
    }
    // No directory fsync: a removal lost in a crash leaves an unreferenced
    // blob, which the next start-up sweep removes.
}

std::vector<std::string> LocalBlobStore::list() const {
    std::vector<std::string> names;
    for (const auto& shard : fs::directory_iterator(dir_)) {
        const auto shard_name = shard.path().filename().string();
        if (!shard.is_directory() || !is_shard_name(shard_name)) {
            continue;  // tmp/ and anything an operator put here
        }
        for (const auto& file : fs::directory_iterator(shard.path())) {
            const auto name = file.path().filename().string();
            if (file.is_regular_file() && is_sha256_hex(name) && name.compare(0, 2, shard_name) == 0) {
                names.push_back(name);
            }
        }
    }
    return names;
}

void LocalBlobStore::discard_unfinished() {
    for (const auto& entry : fs::directory_iterator(tmp_)) {
        const auto name = entry.path().filename().string();
        if (entry.is_regular_file() && name.size() > 5 && name.compare(name.size() - 5, 5, kPartSuffix) == 0) {
            fs::remove(entry.path());
        }
    }
}

}  // namespace tasklane::attachments
