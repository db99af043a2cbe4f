// The email text work without a mail server: escaping, dates, header
// encoding, and what compose_email puts in a message.
#include "email_message.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace tasklane::notifications {
namespace {

TEST(EmailMessage, HtmlEscapeCoversMarkupAndQuotes) {
    EXPECT_EQ(html_escape("<b>\"Tom\" & 'Jerry'</b>"), "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;");
}

TEST(EmailMessage, DateIsRfc5322InUtc) {
    EXPECT_EQ(rfc5322_date(0), "Thu, 1 Jan 1970 00:00:00 +0000");
    EXPECT_EQ(rfc5322_date(1795858746000), "Sat, 28 Nov 2026 09:39:06 +0000");
}

TEST(EmailMessage, NonAsciiHeaderTextIsAnEncodedWordAndNewlinesCannotInjectHeaders) {
    EXPECT_EQ(encode_header_text("Plain title"), "Plain title");
    EXPECT_EQ(encode_header_text("Caf\xc3\xa9"), "=?UTF-8?B?Q2Fmw6k=?=");
    EXPECT_EQ(encode_header_text("a\r\nBcc: x@y"), "a  Bcc: x@y");
}

TEST(EmailMessage, ComposeHasStableMessageIdBothBodiesAndEscapedHtml) {
    Notification n;
    n.id = 42;
    n.type = "task.assigned";
    n.title = "Fix <script>";
    n.body = "a & b";
    const auto m = compose_email(n, "bot@tasks.example.org", "bob@example.com", "Bob B", 0);
    EXPECT_EQ(m.from, "bot@tasks.example.org");
    EXPECT_EQ(m.to, "bob@example.com");
    const auto has = [&](const std::string& h) {
        return std::find(m.headers.begin(), m.headers.end(), h) != m.headers.end();
    };
    EXPECT_TRUE(has("Subject: Fix <script>"));
    EXPECT_TRUE(has("Message-ID: <notification-42@tasks.example.org>"));
    EXPECT_TRUE(has("To: Bob B <bob@example.com>"));
    EXPECT_TRUE(has("Date: Thu, 1 Jan 1970 00:00:00 +0000"));
    EXPECT_NE(m.text.find("Fix <script>"), std::string::npos);
    EXPECT_NE(m.text.find("a & b"), std::string::npos);
    EXPECT_NE(m.html.find("Fix &lt;script&gt;"), std::string::npos);
    EXPECT_NE(m.html.find("a &amp; b"), std::string::npos);
    EXPECT_EQ(m.html.find("<script>"), std::string::npos);
}

TEST(Preferences, UpdateAcceptsKnownBooleansAndReportsEveryProblem) {
    EXPECT_EQ(parse_preferences_update({{"email", {{"task.completed", true}}}}),
              (std::map<std::string, bool>{{"task.completed", true}}));
    try {
        parse_preferences_update({{"email", {{"x", true}, {"task.assigned", 1}}}, {"y", 2}});
        FAIL() << "accepted";
    } catch (const sdk::ApiError& e) {
        EXPECT_EQ(e.status(), 422);
        EXPECT_EQ(e.details().size(), 3u);
    }
    EXPECT_EQ(preference_key("task.assigned"), "task.assigned");
    EXPECT_EQ(preference_key("acme.deploy"), "message");
}

}  // namespace
}  // namespace tasklane::notifications

namespace tasklane::notifications {
namespace {

TEST(MailAttachment, FilenamesAndTypesCannotBreakTheHeaders) {
    EXPECT_EQ(mail_safe_filename("photo.png"), "photo.png");
    EXPECT_EQ(mail_safe_filename("../../etc/passwd"), ".._.._etc_passwd");
    EXPECT_EQ(mail_safe_filename("a\"b\r\nX-Evil: 1.png"), "a_b__X-Evil: 1.png");
    EXPECT_EQ(mail_safe_filename("\xC3\xA9t\xC3\xA9.jpg"), "__t__.jpg");
    EXPECT_EQ(mail_safe_filename("///"), "attachment");
    EXPECT_EQ(mail_safe_type("image/png"), "image/png");
    EXPECT_EQ(mail_safe_type("image/png\r\nBcc: x@example.com"), "application/octet-stream");
    EXPECT_EQ(mail_safe_type("png"), "application/octet-stream");
}

}  // namespace
}  // namespace tasklane::notifications
