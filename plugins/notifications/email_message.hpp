#pragma once
// An email for one notification: headers and a plain-text and an HTML body.
// Pure text work, no I/O, so it is tested without a mail server.
#include "notification.hpp"

#include <tasklane/sdk/attachments.hpp>

#include <string>
#include <vector>

namespace tasklane::notifications {

struct EmailMessage {
    std::string from;        // bare address, for MAIL FROM
    std::string to;          // bare address, for RCPT TO
    std::vector<std::string> headers;  // "Name: value", already encoded
    std::string text;        // text/plain body, UTF-8
    std::string html;        // text/html body, UTF-8, user text escaped
    std::vector<sdk::AttachmentFile> attachments;  // sent as base64 parts after the bodies
};

// A filename safe inside Content-Disposition's quotes: printable ASCII
// without quotes, backslashes or slashes (others become '_'); "attachment"
// when nothing is left.
std::string mail_safe_filename(const std::string& name);
// `type` when it is a plain media type ("image/png"), else application/octet-stream.
std::string mail_safe_type(const std::string& type);

std::string html_escape(const std::string& text);
// RFC 5322 date in UTC: "Sat, 28 Nov 2026 10:39:06 +0000".
std::string rfc5322_date(std::int64_t epoch_ms);
// An RFC 2047 encoded-word when `text` is not plain printable ASCII.
std::string encode_header_text(const std::string& text);

// Message-ID "<notification-<id>@<domain of from>>": the same on every retry,
// so a receiving system can drop a duplicate of an at-least-once delivery.
EmailMessage compose_email(const Notification& n, const std::string& from, const std::string& to,
                           const std::string& display_name, std::int64_t now_ms);

}  // namespace tasklane::notifications
