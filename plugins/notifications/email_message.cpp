#include "email_message.hpp"

#include <tasklane/sdk/events.hpp>

#include <array>
#include <cstdio>

namespace tasklane::notifications {

namespace {

std::string base64(const std::string& in) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i < in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) {
            v |= static_cast<unsigned char>(in[i + 1]) << 8;
        }
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// Header values must not carry CR/LF (header injection through a title).
std::string one_line(const std::string& text) {
    std::string out;
    for (char c : text) {
        out += (c == '\r' || c == '\n') ? ' ' : c;
    }
    return out;
}

std::string domain_of(const std::string& address) {
    const auto at = address.rfind('@');
    return at == std::string::npos ? "tasklane.invalid" : address.substr(at + 1);
}

}  // namespace

std::string html_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string rfc5322_date(std::int64_t epoch_ms) {
    static constexpr std::array<const char*, 7> kDays = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    // Reuses the SDK's civil-date arithmetic: "YYYY-MM-DDTHH:MM:SSZ".
    const std::string iso = sdk::iso8601_utc(epoch_ms);
    const std::int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
    const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    const auto weekday = kDays[static_cast<std::size_t>(((days % 7) + 7) % 7)];
    const int month = std::stoi(iso.substr(5, 2));
    return std::string(weekday) + ", " + std::to_string(std::stoi(iso.substr(8, 2))) + " " + kMonths[month - 1] + " " +
           iso.substr(0, 4) + " " + iso.substr(11, 8) + " +0000";
}

std::string encode_header_text(const std::string& text) {
    const std::string line = one_line(text);
    bool plain = true;
    for (unsigned char c : line) {
        plain = plain && c >= 0x20 && c < 0x7f;
    }
    if (plain) {
        return line;
    }
    return "=?UTF-8?B?" + base64(line) + "?=";
}

EmailMessage compose_email(const Notification& n, const std::string& from, const std::string& to,
                           const std::string& display_name, std::int64_t now_ms) {
    EmailMessage m;
    m.from = from;
    m.to = to;
    m.headers = {"Date: " + rfc5322_date(now_ms),
                 "From: Tasklane <" + one_line(from) + ">",
                 "To: " + (display_name.empty() ? "" : encode_header_text(display_name) + " ") + "<" + one_line(to) + ">",
                 "Subject: " + encode_header_text(n.title),
                 "Message-ID: <notification-" + std::to_string(n.id) + "@" + domain_of(from) + ">",
                 "X-Tasklane-Notification: " + std::to_string(n.id) + " " + one_line(n.type)};
    m.text = n.title + "\r\n\r\n" + (n.body.empty() ? "" : n.body + "\r\n\r\n") +
             "-- \r\nTasklane notification (" + n.type + "). Change which notifications reach you by email in your "
             "notification preferences.\r\n";
    m.html = "<!DOCTYPE html>\r\n<html><body>\r\n<h2>" + html_escape(n.title) + "</h2>\r\n" +
             (n.body.empty() ? "" : "<p>" + html_escape(n.body) + "</p>\r\n") +
             "<p style=\"color:#666;font-size:small\">Tasklane notification (" + html_escape(n.type) +
             "). Change which notifications reach you by email in your notification preferences.</p>\r\n"
             "</body></html>\r\n";
    return m;
}

std::string mail_safe_filename(const std::string& name) {
    std::string out;
    for (const unsigned char c : name) {
        out += c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '/' ? static_cast<char>(c) : '_';
    }
    return out.find_first_not_of("_. ") == std::string::npos ? "attachment" : out;
}

std::string mail_safe_type(const std::string& type) {
    const auto slash = type.find('/');
    const bool plain = slash != std::string::npos && slash > 0 && slash + 1 < type.size() &&
                       type.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&^_.+-/") ==
                           std::string::npos &&
                       type.find('/', slash + 1) == std::string::npos;
    return plain ? type : "application/octet-stream";
}

}  // namespace tasklane::notifications
