#pragma once
// Errors a handler throws to answer with the uniform error body of DESIGN.md
// section 5. The host adds the request id and renders
// {"error":{"code","message","details","request_id"}}. Any other exception
// escaping a handler becomes 500 "internal_error" with the request id; the
// server keeps serving.
#include "export.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tasklane::sdk {

struct FieldError {
    std::string field;
    std::string message;
};

class TASKLANE_SDK_VISIBLE ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string code, const std::string& message,
             std::vector<FieldError> details = {})
        : std::runtime_error(message), status_(status), code_(std::move(code)), details_(std::move(details)) {}

    int status() const noexcept { return status_; }
    const std::string& code() const noexcept { return code_; }
    const std::vector<FieldError>& details() const noexcept { return details_; }
    // Extra response headers, e.g. Retry-After on 429/503.
    const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return headers_; }
    ApiError&& with_header(std::string name, std::string value) && {
        headers_.emplace_back(std::move(name), std::move(value));
        return std::move(*this);
    }

    static ApiError bad_request(const std::string& message) { return {400, "bad_request", message}; }
    static ApiError unauthorized(const std::string& message = "authentication required") {
        return {401, "unauthorized", message};
    }
    static ApiError forbidden(const std::string& message = "not allowed") { return {403, "forbidden", message}; }
    static ApiError not_found(const std::string& message = "not found") { return {404, "not_found", message}; }
    static ApiError conflict(std::string code, const std::string& message) { return {409, std::move(code), message}; }
    static ApiError validation(std::vector<FieldError> details, const std::string& message = "validation failed") {
        return {422, "validation_failed", message, std::move(details)};
    }

private:
    int status_;
    std::string code_;
    std::vector<FieldError> details_;
    std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace tasklane::sdk
