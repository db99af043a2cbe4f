// The pure pieces of the attachments plugin: multipart parsing, file names in
// Content-Disposition, media types and entity tags.
#include "download.hpp"
#include "file_name.hpp"
#include "media_type.hpp"
#include "multipart.hpp"
#include "sha256.hpp"

#include <tasklane/sdk/errors.hpp>

#include <gtest/gtest.h>

namespace tasklane::attachments {
namespace {

int status_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const sdk::ApiError& e) {
        return e.status();
    }
    return 0;
}

TEST(AttachmentMultipart, TakesTheFilePartAndIgnoresOtherFields) {
    const std::string body =
        "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b \\\"q\\\".png\"\r\n"
        "Content-Type: image/png\r\n\r\n\x89PNG\r\n--XyZ-inside\r\n--XyZ--\r\nepilogue";
    EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=XyZ"), "XyZ");
    EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"XyZ\""), "XyZ");
    EXPECT_FALSE(multipart_boundary("multipart/form-data"));
    const auto part = file_part(body, "XyZ");
    EXPECT_EQ(part.filename, "a;b \"q\".png");
    EXPECT_EQ(part.content_type, "image/png");
    EXPECT_EQ(part.content, "\x89PNG\r\n--XyZ-inside");
}

TEST(AttachmentMultipart, PrefersTheUtf8ExtendedFilename) {
    const std::string body =
        "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"EUR.txt\"; filename*=UTF-8''%E2%82%AC.txt\r\n"
        "\r\nx\r\n--b--\r\n";
    EXPECT_EQ(file_part(body, "b").filename, "\xE2\x82\xAC.txt");
}

TEST(AttachmentMultipart, RefusesBodiesWithoutExactlyOneFile) {
    const std::string no_file = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n";
    const std::string empty_input =
        "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n\r\n--b--\r\n";
    const std::string two = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"1\"\r\n\r\n1\r\n"
                            "--b\r\nContent-Disposition: form-data; name=\"g\"; filename=\"2\"\r\n\r\n2\r\n--b--\r\n";
    EXPECT_EQ(status_of([&] { file_part(no_file, "b"); }), 422);
    EXPECT_EQ(status_of([&] { file_part(empty_input, "b"); }), 422);
    EXPECT_EQ(status_of([&] { file_part(two, "b"); }), 422);
    const std::string unterminated = "--b\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\nunterminated";
    EXPECT_EQ(status_of([&] { file_part(unterminated, "b"); }), 400);
    EXPECT_EQ(status_of([&] { file_part("no boundary at all", "b"); }), 400);
    EXPECT_EQ(status_of([&] { file_part("--b\r\nno blank line\r\n--b--\r\n", "b"); }), 400);
}

TEST(AttachmentFileName, KeepsPathsAsTextButDropsControlCharacters) {
    EXPECT_EQ(checked_file_name("../../etc/passwd"), "../../etc/passwd");
    EXPECT_EQ(checked_file_name("a\r\nb\x7F\tc.txt"), "abc.txt");
    EXPECT_EQ(status_of([] { checked_file_name(""); }), 422);
    EXPECT_EQ(status_of([] { checked_file_name("\r\n"); }), 422);
    EXPECT_EQ(status_of([] { checked_file_name("bad\xC3(utf8"); }), 422);
    EXPECT_EQ(status_of([] { checked_file_name("\xC0\xAF"); }), 422);  // overlong '/'
    EXPECT_EQ(status_of([] { checked_file_name(std::string(256, 'a')); }), 422);
    EXPECT_EQ(checked_file_name(std::string(255, 'a')).size(), 255u);
}

TEST(AttachmentFileName, ContentDispositionIsSafeAscii) {
    EXPECT_EQ(content_disposition("../../etc/passwd"),
              "attachment; filename=\".._.._etc_passwd\"; filename*=UTF-8''.._.._etc_passwd");
    EXPECT_EQ(content_disposition("r\xC3\xA9sum\xC3\xA9 \"1\" 100%.pdf"),
              "attachment; filename=\"r_sum_ _1_ 100_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%221%22%20100%25.pdf");
    // A right-to-left override would make "evil<RLO>fdp.exe" read as "evilexe.pdf".
    EXPECT_EQ(content_disposition("evil\xE2\x80\xAE" "fdp.exe"),
              "attachment; filename=\"evilfdp.exe\"; filename*=UTF-8''evilfdp.exe");
    EXPECT_EQ(content_disposition("\\/"), "attachment; filename=\"__\"; filename*=UTF-8''__");
}

TEST(AttachmentMediaType, StoresOnlyWellFormedTypesAndMatchesWildcards) {
    EXPECT_EQ(storable_content_type(""), "application/octet-stream");
    EXPECT_EQ(storable_content_type(" Text/Plain; charset=UTF-8 "), "text/plain; charset=UTF-8");
    EXPECT_FALSE(storable_content_type("text/plain\r\nX-Evil: 1"));
    EXPECT_FALSE(storable_content_type("nonsense"));
    EXPECT_FALSE(storable_content_type("a b/c"));
    EXPECT_TRUE(type_allowed("text/plain", {}));
    EXPECT_TRUE(type_allowed("image/png", {"image/*", "application/pdf"}));
    EXPECT_TRUE(type_allowed("application/pdf", {"image/*", "application/pdf"}));
    EXPECT_FALSE(type_allowed("text/plain", {"image/*", "application/pdf"}));
    EXPECT_FALSE(type_allowed("imagex/png", {"image/*"}));
    EXPECT_TRUE(type_allowed("text/plain", {"*/*"}));
}

TEST(AttachmentDownload, IfNoneMatchUsesTheWeakComparison) {
    const std::string etag = "\"abc\"";
    EXPECT_TRUE(if_none_match_hits("\"abc\"", etag));
    EXPECT_TRUE(if_none_match_hits("\"x\", W/\"abc\"", etag));
    EXPECT_TRUE(if_none_match_hits("*", etag));
    EXPECT_FALSE(if_none_match_hits("\"abcd\"", etag));
    EXPECT_FALSE(if_none_match_hits("", etag));
}

TEST(AttachmentSha256, OnlyDigestsNameBlobs) {
    EXPECT_TRUE(is_sha256_hex(sha256_hex("")));
    EXPECT_FALSE(is_sha256_hex("../" + std::string(61, 'a')));
    EXPECT_FALSE(is_sha256_hex(std::string(64, 'A')));
}

}  // namespace
}  // namespace tasklane::attachments
