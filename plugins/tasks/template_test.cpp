// Template blueprints: normalised items with defaults, every bad field named
// with its path, partial updates, and the task body an item instantiates to.
#include "template.hpp"

#include <tasklane/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <set>

namespace tasklane::tasks {
namespace {

using nlohmann::json;

std::set<std::string> invalid_fields(TaskTemplate tmpl, const json& body, bool creating) {
    try {
        apply_template_body(tmpl, body, creating);
    } catch (const sdk::ApiError& e) {
        EXPECT_EQ(e.status(), 422);
        std::set<std::string> fields;
        for (const auto& d : e.details()) {
            fields.insert(d.field);
        }
        return fields;
    }
    return {};
}

TEST(TemplateBody, FillsEveryItemFieldWithItsDefault) {
    TaskTemplate tmpl;
    apply_template_body(tmpl, {{"name", "  Onboarding "}, {"task", {{"title", " Welcome "}}}}, true);
    EXPECT_EQ(tmpl.name, "Onboarding");
    EXPECT_EQ(tmpl.task, (json{{"title", "Welcome"},
                               {"description", ""},
                               {"priority", "medium"},
                               {"tags", json::array()},
                               {"recurrence", nullptr},
                               {"assignee_id", nullptr},
                               {"due_in_days", nullptr}}));
    EXPECT_EQ(tmpl.subtasks, json::array());
}

TEST(TemplateBody, NamesEveryBadFieldWithItsPath) {
    const json body = {{"name", ""},
                       {"colour", "red"},
                       {"task", {{"priority", "whenever"}, {"due_in_days", -1}}},
                       {"subtasks", {{{"title", "ok"}}, {{"title", "x"}, {"tags", {"no spaces"}}}, 7}}};
    EXPECT_EQ(invalid_fields({}, body, true),
              (std::set<std::string>{"name", "colour", "task.title", "task.priority", "task.due_in_days",
                                     "subtasks[1].tags", "subtasks[2]"}));
    EXPECT_EQ(invalid_fields({}, {{"name", "n"}, {"task", {{"title", "t"}}}, {"subtasks", "many"}}, true),
              (std::set<std::string>{"subtasks"}));
    EXPECT_EQ(invalid_fields({}, {{"name", "n"}, {"task", {{"title", "t"}, {"recurrence", "hourly"}}}}, true),
              (std::set<std::string>{"task.recurrence"}));
}

TEST(TemplateBody, AnUpdateChangesOnlyTheGivenKeys) {
    TaskTemplate tmpl;
    apply_template_body(tmpl, {{"name", "A"}, {"task", {{"title", "T"}}}, {"subtasks", {{{"title", "S"}}}}}, true);
    apply_template_body(tmpl, {{"description", "why"}}, false);
    EXPECT_EQ(tmpl.name, "A");
    EXPECT_EQ(tmpl.description, "why");
    EXPECT_EQ(tmpl.task["title"], "T");
    EXPECT_EQ(tmpl.subtasks.size(), 1u);
    EXPECT_EQ(invalid_fields(tmpl, {{"name", nullptr}}, false), (std::set<std::string>{"name"}));
}

TEST(TemplateBody, AnItemBecomesATaskBodyDueItsDaysAfterNow) {
    const json item = {{"title", "T"},       {"description", ""}, {"priority", "high"}, {"tags", {"a"}},
                       {"recurrence", nullptr}, {"assignee_id", 3}, {"due_in_days", 2}};
    const std::int64_t now = 1'800'000'000'000;  // 2027-01-15T08:00:00Z
    const auto body = task_body_of(item, now);
    EXPECT_FALSE(body.contains("due_in_days"));
    EXPECT_EQ(body["due_date"], "2027-01-17T08:00:00Z");
    EXPECT_EQ(body["assignee_id"], 3);
    json undated = item;
    undated["due_in_days"] = nullptr;
    EXPECT_FALSE(task_body_of(undated, now).contains("due_date"));
}

}  // namespace
}  // namespace tasklane::tasks
