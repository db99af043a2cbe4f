#include "server_process.hpp"

#include "test_env.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace tasklane::test {

ServerProcess::ServerProcess(const std::string& config, const std::string& log_file) : log_file_(log_file) {
    // Everything the child needs is built before fork(): in a multi-threaded
    // parent the child may only call async-signal-safe functions until exec.
    const std::string binary = tasklane_binary();
    pid_ = ::fork();
    if (pid_ == 0) {
        const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
        ::execl(binary.c_str(), "tasklane", "serve", "--config", config.c_str(), nullptr);
        ::_exit(127);
    }
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

std::uint16_t ServerProcess::wait_for_port() {
    std::uint16_t port = 0;
    const std::regex listening("listening on http://[^:]+:([0-9]+)");
    eventually(
        [&] {
            std::smatch m;
            const auto text = log();
            if (std::regex_search(text, m, listening)) {
                port = static_cast<std::uint16_t>(std::stoi(m[1]));
            }
            return port != 0;
        },
        std::chrono::seconds(30));
    return port;
}

void ServerProcess::kill_hard() { signal_and_wait(SIGKILL); }

int ServerProcess::terminate() { return signal_and_wait(SIGTERM); }

std::string ServerProcess::log() const {
    std::ifstream in(log_file_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int ServerProcess::signal_and_wait(int sig) {
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::int64_t> recorded_ids(const std::string& file) {
    std::vector<std::int64_t> ids;
    std::ifstream in(file);
    std::int64_t id = 0;
    while (in >> id) {
        ids.push_back(id);
    }
    return ids;
}

}  // namespace tasklane::test
