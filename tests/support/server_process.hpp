#pragma once
// The real `tasklane serve --config FILE` as a child process, with its log in
// a file: for tests that kill it, signal it or read what it logged.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tasklane::test {

class ServerProcess {
public:
    ServerProcess(const std::string& config, const std::string& log_file);
    ~ServerProcess();  // SIGKILL if still running
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // The port from the "listening on http://host:PORT" log line; 0 if it never came.
    std::uint16_t wait_for_port();
    void kill_hard();  // SIGKILL and reap
    int terminate();   // SIGTERM and reap: the exit status, or -1 if it did not exit normally
    std::string log() const;

private:
    int signal_and_wait(int sig);
    std::string log_file_;
    pid_t pid_ = -1;
};

// One integer per line (the probe plugin's record file).
std::vector<std::int64_t> recorded_ids(const std::string& file);

}  // namespace tasklane::test
