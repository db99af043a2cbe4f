// Who a task event notifies, as a pure function, and the due-date row it
// implies.
#include "task_event_notices.hpp"

#include <gtest/gtest.h>

namespace tasklane::notifications {
namespace {

nlohmann::json task(std::int64_t creator, nlohmann::json assignee, nlohmann::json due = nullptr,
                    nlohmann::json completed_at = nullptr) {
    return {{"id", 5}, {"title", "T"}, {"creator_id", creator}, {"assignee_id", assignee},
            {"due_date", due}, {"completed_at", completed_at}};
}

sdk::Event event(const std::string& type, sdk::Actor actor, nlohmann::json data) {
    sdk::Event e;
    e.id = 100;
    e.type = type;
    e.actor = std::move(actor);
    e.data = std::move(data);
    return e;
}

std::vector<std::pair<std::int64_t, std::string>> who(const sdk::Event& e) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (const auto& p : notices_for(e, [](const sdk::Actor&) { return std::string("someone"); })) {
        out.emplace_back(p.notice.user_id, p.notice.type);
    }
    return out;
}

using Who = std::vector<std::pair<std::int64_t, std::string>>;

TEST(TaskEventNotices, AssignmentNotifiesTheNewAssigneeUnlessSheDidIt) {
    const nlohmann::json changes = {{"assignee_id", {nullptr, 2}}};
    EXPECT_EQ(who(event("task.assigned", sdk::Actor::user(1), {{"task", task(1, 2)}, {"changes", changes}})),
              (Who{{2, "task.assigned"}}));
    EXPECT_EQ(who(event("task.assigned", sdk::Actor::user(2), {{"task", task(1, 2)}, {"changes", changes}})), Who{});
    // A rule assigning you is someone else, even when it carries your id.
    EXPECT_EQ(who(event("task.updated", sdk::Actor::rule("2"), {{"task", task(1, 2)}, {"changes", changes}})),
              (Who{{2, "task.assigned"}}));
    EXPECT_EQ(who(event("task.created", sdk::Actor::user(1), {{"task", task(1, 3)}})), (Who{{3, "task.assigned"}}));
    EXPECT_EQ(who(event("task.created", sdk::Actor::user(1), {{"task", task(1, 1)}})), Who{});
    EXPECT_EQ(who(event("task.assigned", sdk::Actor::user(1),
                        {{"task", task(1, nullptr)}, {"changes", {{"assignee_id", {2, nullptr}}}}})),
              Who{});
}

TEST(TaskEventNotices, CompletionNotifiesTheCreatorAndCommentsTheOthers) {
    const nlohmann::json completed = {{"completed_at", {nullptr, "2026-01-01T00:00:00Z"}}};
    EXPECT_EQ(who(event("task.completed", sdk::Actor::user(2), {{"task", task(1, 2)}, {"changes", completed}})),
              (Who{{1, "task.completed"}}));
    EXPECT_EQ(who(event("task.status_changed", sdk::Actor::system(), {{"task", task(1, 1)}, {"changes", completed}})),
              (Who{{1, "task.completed"}}));
    EXPECT_EQ(who(event("task.completed", sdk::Actor::user(1), {{"task", task(1, 2)}, {"changes", completed}})), Who{});
    const nlohmann::json comment = {{"id", 9}, {"body", "hi"}};
    EXPECT_EQ(who(event("comment.created", sdk::Actor::user(3), {{"task", task(1, 2)}, {"comment", comment}})),
              (Who{{1, "comment.created"}, {2, "comment.created"}}));
    EXPECT_EQ(who(event("comment.created", sdk::Actor::user(1), {{"task", task(1, 1)}, {"comment", comment}})), Who{});
}

TEST(TaskEventNotices, SourceKeysAreDistinctPerKind) {
    const auto e = event("task.updated", sdk::Actor::user(3),
                         {{"task", task(1, 1)},
                          {"changes", {{"assignee_id", {2, 1}}, {"completed_at", {nullptr, "2026-01-01T00:00:00Z"}}}}});
    const auto planned = notices_for(e, [](const sdk::Actor&) { return std::string("x"); });
    ASSERT_EQ(planned.size(), 2u);
    EXPECT_EQ(planned[0].source_key, "event:100:assigned");
    EXPECT_EQ(planned[1].source_key, "event:100:completed");
}

TEST(TaskEventNotices, DueDateRowFollowsTheTask) {
    EXPECT_EQ(parse_iso8601_utc("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parse_iso8601_utc(sdk::iso8601_utc(1795858746000)), 1795858746000);
    EXPECT_EQ(parse_iso8601_utc("2026-13-01T00:00:00Z"), std::nullopt);
    EXPECT_EQ(parse_iso8601_utc("2026-01-01 00:00:00"), std::nullopt);

    const auto due = due_date_of(event("task.updated", sdk::Actor::user(1), {{"task", task(1, nullptr, "1970-01-01T00:00:01Z")}}));
    ASSERT_TRUE(due);
    EXPECT_EQ(due->task_id, 5);
    EXPECT_EQ(due->due_at, 1000);
    EXPECT_EQ(due->user_id, 1);  // unassigned: the creator
    EXPECT_EQ(due_date_of(event("task.updated", sdk::Actor::user(1), {{"task", task(1, 2, "1970-01-01T00:00:01Z")}}))->user_id, 2);
    EXPECT_FALSE(due_date_of(event("task.updated", sdk::Actor::user(1), {{"task", task(1, 2)}})));
    EXPECT_FALSE(due_date_of(
        event("task.completed", sdk::Actor::user(1), {{"task", task(1, 2, "1970-01-01T00:00:01Z", "1970-01-01T00:00:02Z")}})));
    EXPECT_FALSE(due_date_of(event("task.deleted", sdk::Actor::user(1), {{"task", task(1, 2, "1970-01-01T00:00:01Z")}})));
}

}  // namespace
}  // namespace tasklane::notifications
