#pragma once
// Sends an EmailMessage through SMTP with libcurl. Blocking: call it from a
// job worker, never from an HTTP handler.
#include "email_message.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>
#include <string>

namespace tasklane::notifications {

struct SmtpConfig {
    std::string host;  // empty: email is off
    int port = 25;
    std::string from = "tasklane@example.com";
    std::string username;
    std::string password;  // never logged
    std::string security = "none";  // none | starttls | tls
    std::chrono::milliseconds timeout{10000};

    static SmtpConfig from_json(const nlohmann::json& smtp);
    bool enabled() const { return !host.empty(); }
};

// The server refused the recipient for good (5xx to RCPT TO, e.g. 550):
// retrying cannot help.
class PermanentSmtpFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class SmtpMailer {
public:
    explicit SmtpMailer(SmtpConfig config) : config_(std::move(config)) {}
    const SmtpConfig& config() const { return config_; }
    // Throws PermanentSmtpFailure for a permanent refusal and
    // std::runtime_error for anything worth retrying (connection refused,
    // timeout, 4xx, other 5xx such as a failed login).
    void send(const EmailMessage& message) const;

private:
    SmtpConfig config_;
};

}  // namespace tasklane::notifications
