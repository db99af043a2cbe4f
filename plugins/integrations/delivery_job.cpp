#include "delivery_job.hpp"

#include "address_guard.hpp"
#include "http_post.hpp"
#include "signing.hpp"
#include "webhook_url.hpp"

#include <stdexcept>

namespace tasklane::integrations {

void DeliveryJob::run(const sdk::Job& job) {
    const std::string delivery_id = job.payload.is_object() ? job.payload.value("delivery_id", "") : "";
    if (delivery_id.empty()) {
        throw sdk::PermanentJobFailure("integrations.deliver job without a delivery_id");
    }
    std::optional<Delivery> delivery;
    std::optional<Destination> destination;
    {
        auto session = db_.session();
        delivery = store_.delivery(session->sql(), delivery_id);
        if (!delivery) {
            return;  // its webhook was deleted meanwhile: nothing left to send
        }
        if (delivery->webhook_id) {
            const auto webhook = store_.webhook(session->sql(), *delivery->webhook_id);
            if (!webhook) {
                return;
            }
            if (webhook->active) {
                destination = Destination{webhook->url, webhook->secret};
            }
        } else if (delivery->target) {
            const auto it = settings_.targets.find(*delivery->target);
            if (it != settings_.targets.end()) {
                destination = Destination{it->second.url, it->second.secret};
            }
        }
    }
    if (!destination) {
        fail(job, delivery_id, false, std::nullopt, std::chrono::milliseconds(0),
               delivery->webhook_id ? "webhook is inactive"
                                    : "target '" + delivery->target.value_or("") + "' is no longer configured");
    }
    std::string problem;
    const auto url = parse_webhook_url(destination->url, problem);
    if (!url) {
        fail(job, delivery_id, false, std::nullopt, std::chrono::milliseconds(0), "url " + problem);
    }

    // The SSRF guard judges what the name resolves to now, and curl is then
    // pinned to exactly those addresses.
    std::vector<IpAddress> addresses;
    const auto resolve_started = std::chrono::steady_clock::now();
    try {
        addresses = resolve_host(url->host, url->port);
    } catch (const std::runtime_error& e) {
        fail(job, delivery_id, true, std::nullopt,
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                     resolve_started),
               e.what());
    }
    for (const auto& address : addresses) {
        if (!may_connect(address, settings_.allowlist)) {
            fail(job, delivery_id, false, std::nullopt, std::chrono::milliseconds(0),
                   "address not allowed: " + url->host + " resolves to " + address.to_string() + " (" +
                       *restricted_reason(address) + "), which is not on integrations.allowlist");
        }
    }

    const std::string timestamp = std::to_string(clock_() / 1000);
    PostRequest request;
    request.url = destination->url;
    request.target = *url;
    request.pinned_addresses = addresses;
    request.body = delivery->body;
    request.headers = {"Content-Type: application/json",
                       "User-Agent: Tasklane-Webhooks/1",
                       "Accept:",  // no default Accept header: receivers need nothing from us there
                       "Expect:",  // no 100-continue round trip for larger bodies
                       "X-Tasklane-Event: " + delivery->event_type,
                       "X-Tasklane-Delivery: " + delivery_id,
                       "X-Tasklane-Timestamp: " + timestamp,
                       "X-Tasklane-Signature: " + signature_header(destination->secret, timestamp, delivery->body)};
    request.connect_timeout = settings_.connect_timeout;
    request.timeout = settings_.timeout;
    const Allowlist& allowlist = settings_.allowlist;
    request.may_connect = [&allowlist](const IpAddress& address) { return may_connect(address, allowlist); };

    const auto result = http_post(request);
    if (result.status >= 200 && result.status < 300) {
        record(delivery_id, "succeeded", result.status, result.duration, "");
        return;
    }
    if (result.status == 0) {
        fail(job, delivery_id, true, std::nullopt, result.duration,
               result.timed_out ? "timed out: " + result.error : result.error);
    }
    // 408 and 429 say "later", like a 5xx; other answers will not change by retrying.
    const bool retry = result.status >= 500 || result.status == 408 || result.status == 429;
    fail(job, delivery_id, retry, result.status, result.duration,
           "HTTP " + std::to_string(result.status));
}

void DeliveryJob::record(const std::string& delivery_id, const std::string& status, std::optional<long> status_code,
                         std::chrono::milliseconds duration, const std::string& error) {
    const auto now = clock_();
    Attempt attempt;
    attempt.status_code = status_code ? std::optional<std::int64_t>(*status_code) : std::nullopt;
    attempt.duration_ms = duration.count();
    attempt.error = error.empty() ? std::nullopt : std::optional<std::string>(error);
    attempt.created_at = now;
    auto tx = db_.begin();
    store_.insert_attempt(tx->sql(), delivery_id, attempt);
    store_.set_delivery_status(tx->sql(), delivery_id, status, attempt.error, true, now);
    tx->commit();
}

void DeliveryJob::fail(const sdk::Job& job, const std::string& delivery_id, bool retry,
                       std::optional<long> status_code, std::chrono::milliseconds duration, const std::string& error) {
    // The queue makes the last allowed attempt's failure dead; say so in the log now.
    const std::string status = !retry ? "failed" : job.attempt >= job.max_attempts ? "dead" : "retrying";
    record(delivery_id, status, status_code, duration, error);
    log_->info("webhook delivery {} attempt {} failed ({}): {}", delivery_id, job.attempt, status, error);
    if (!retry) {
        throw sdk::PermanentJobFailure(error);
    }
    throw std::runtime_error(error);
}

}  // namespace tasklane::integrations
