#pragma once
// The download response of GET /api/v1/attachments/{id}.
//
// The body is the whole file in memory: Pistache 0.0.5 cannot stream a
// response with backpressure (what a handler writes is queued until it
// returns), so a download costs its size in memory for as long as it is sent,
// bounded by attachments.max_bytes. An S3 backend would answer with a
// redirect to a pre-signed URL instead.
#include "attachment.hpp"

#include <tasklane/sdk/http.hpp>

#include <string>

namespace tasklane::attachments {

// "\"<sha256>\"": the content's hash is a strong validator.
std::string etag_of(const Attachment& attachment);

// Whether an If-None-Match value ("*" or a list of entity tags, weak or
// strong: RFC 9110 uses the weak comparison here) names `etag`.
bool if_none_match_hits(const std::string& if_none_match, const std::string& etag);

// 200 with the content, its stored Content-Type, Content-Disposition:
// attachment (never rendered inline), nosniff and a sandboxing CSP.
sdk::Response download_response(const Attachment& attachment, std::string content);
// 304 without a body, with the ETag.
sdk::Response not_modified_response(const Attachment& attachment);

}  // namespace tasklane::attachments
