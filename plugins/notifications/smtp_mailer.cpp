#include "smtp_mailer.hpp"

#include <curl/curl.h>

#include <memory>

namespace tasklane::notifications {

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Easy = std::unique_ptr<CURL, Deleter<CURL, curl_easy_cleanup>>;
using Mime = std::unique_ptr<curl_mime, Deleter<curl_mime, curl_mime_free>>;
using List = std::unique_ptr<curl_slist, Deleter<curl_slist, curl_slist_free_all>>;

void append(List& list, const std::string& line) {
    curl_slist* grown = curl_slist_append(list.get(), line.c_str());
    if (grown == nullptr) {
        throw std::runtime_error("out of memory building the SMTP request");
    }
    list.release();
    list.reset(grown);
}

void add_text_part(curl_mime* mime, const std::string& body, const char* type) {
    curl_mimepart* part = curl_mime_addpart(mime);
    curl_mime_data(part, body.data(), body.size());
    curl_mime_type(part, type);
    // Lines of any length and any UTF-8 survive every relay.
    curl_mime_encoder(part, "quoted-printable");
}

}  // namespace

SmtpConfig SmtpConfig::from_json(const nlohmann::json& smtp) {
    SmtpConfig c;
    c.host = smtp.value("host", "");
    c.port = smtp.value("port", 25);
    c.from = smtp.value("from", c.from);
    c.username = smtp.value("username", "");
    c.password = smtp.value("password", "");
    c.security = smtp.value("security", "none");
    c.timeout = std::chrono::milliseconds(smtp.value("timeout", 10000));
    return c;
}

void SmtpMailer::send(const EmailMessage& message) const {
    Easy curl(curl_easy_init());
    if (!curl) {
        throw std::runtime_error("curl_easy_init failed");
    }
    CURL* h = curl.get();
    const std::string scheme = config_.security == "tls" ? "smtps://" : "smtp://";
    const std::string url = scheme + config_.host + ":" + std::to_string(config_.port);
    const std::string mail_from = "<" + message.from + ">";
    const std::string rcpt = "<" + message.to + ">";
    List recipients;
    append(recipients, rcpt);
    List headers;
    for (const auto& line : message.headers) {
        append(headers, line);
    }

    // multipart/alternative (plain text first, HTML preferred by clients that
    // show it) inside the top-level part curl builds, as curl's own
    // smtp-mime example does.
    Mime message_mime(curl_mime_init(h));
    Mime alternative(curl_mime_init(h));
    add_text_part(alternative.get(), message.text, "text/plain; charset=utf-8");
    add_text_part(alternative.get(), message.html, "text/html; charset=utf-8");
    curl_mimepart* part = curl_mime_addpart(message_mime.get());
    curl_mime_subparts(part, alternative.release());  // owned by message_mime from here
    curl_mime_type(part, "multipart/alternative");
    List part_headers;
    append(part_headers, "Content-Disposition: inline");
    curl_mime_headers(part, part_headers.release(), 1);
    // The task's images after the text, as multipart/mixed parts.
    for (const auto& file : message.attachments) {
        curl_mimepart* attachment = curl_mime_addpart(message_mime.get());
        curl_mime_data(attachment, file.bytes.data(), file.bytes.size());
        curl_mime_type(attachment, mail_safe_type(file.content_type).c_str());
        curl_mime_filename(attachment, mail_safe_filename(file.filename).c_str());
        curl_mime_encoder(attachment, "base64");
    }

    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout.count()));
    if (config_.security == "starttls") {
        curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    }
    if (!config_.username.empty()) {
        curl_easy_setopt(h, CURLOPT_USERNAME, config_.username.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, config_.password.c_str());
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_MIMEPOST, message_mime.get());

    const CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) {
        return;
    }
    long reply = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
    // The password is never part of the message: curl's error text names
    // the failure and the server's reply code only.
    const std::string what = std::string("SMTP to ") + config_.host + ":" + std::to_string(config_.port) + " failed: " +
                             curl_easy_strerror(rc) + (reply > 0 ? " (reply " + std::to_string(reply) + ")" : "");
    // 550-553 (mailbox unavailable, not local, over quota for good, name
    // not allowed; RFC 5321 4.2.3) mean this address will not be accepted
    // however often we try: curl reports them as a failed RCPT with that
    // reply code. Any other failure, a 5xx elsewhere included (a failed
    // login, a policy at DATA), is usually the network's or the operator's
    // to fix, so it is retried with backoff.
    if (reply >= 550 && reply <= 553) {
        throw PermanentSmtpFailure(what);
    }
    throw std::runtime_error(what);
}

}  // namespace tasklane::notifications
