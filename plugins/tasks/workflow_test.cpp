// The status workflow from tasks.workflow: DESIGN.md's default transitions
// when none are configured, configured ones otherwise, and a refusal naming
// the problem when the config names a status that does not exist.
#include "workflow.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace tasklane::tasks {
namespace {

using nlohmann::json;

// The section as the config resolver hands it over with no tasks.workflow in the YAML.
json default_section() {
    return {{"statuses", {"todo", "in_progress", "done", "cancelled"}},
            {"initial", "todo"},
            {"done", {"done"}},
            {"transitions", json::object()}};
}

json review_section() {
    return {{"statuses", {"open", "review", "closed", "archived"}},
            {"initial", "open"},
            {"done", {"closed", "archived"}},
            {"transitions", {{"open", {"review"}}, {"review", {"closed", "open"}}, {"closed", {"archived"}}}}};
}

// The message of the std::invalid_argument from_config throws, or "" when it does not throw.
std::string refusal(const json& section) {
    try {
        Workflow::from_config(section);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(Workflow, AnEmptyTransitionMapGivesTheDefaultOfTheDesign) {
    const auto w = Workflow::from_config(default_section());
    // todo -> in_progress -> done
    EXPECT_TRUE(w.allows("todo", "in_progress"));
    EXPECT_TRUE(w.allows("in_progress", "done"));
    // done -> todo
    EXPECT_TRUE(w.allows("done", "todo"));
    // any -> cancelled
    for (const std::string from : {"todo", "in_progress", "done"}) {
        EXPECT_TRUE(w.allows(from, "cancelled")) << from;
    }
    // No shortcut past in_progress.
    EXPECT_FALSE(w.allows("todo", "done"));
    EXPECT_EQ(w.next("todo"), (std::vector<std::string>{"in_progress", "cancelled"}));
}

TEST(Workflow, DefaultWorkflowStartsAtTodoAndCompletesToDone) {
    const auto w = Workflow::from_config(default_section());
    EXPECT_EQ(w.initial(), "todo");
    EXPECT_EQ(w.completed_status(), "done");
    EXPECT_TRUE(w.is_done("done"));
    EXPECT_FALSE(w.is_done("todo"));
    EXPECT_FALSE(w.is_done("in_progress"));
    EXPECT_EQ(w.statuses(), (std::vector<std::string>{"todo", "in_progress", "done", "cancelled"}));
    for (const std::string s : {"todo", "in_progress", "done", "cancelled"}) {
        EXPECT_TRUE(w.has(s)) << s;
    }
    EXPECT_FALSE(w.has("archived"));
}

TEST(Workflow, ConfiguredTransitionsReplaceTheDefault) {
    const auto w = Workflow::from_config(review_section());
    EXPECT_TRUE(w.allows("open", "review"));
    EXPECT_TRUE(w.allows("review", "closed"));
    EXPECT_TRUE(w.allows("review", "open"));
    EXPECT_FALSE(w.allows("open", "closed"));
    EXPECT_FALSE(w.allows("closed", "open"));
    // A status with no transitions listed is a dead end, not "anything goes".
    EXPECT_TRUE(w.next("archived").empty());
    EXPECT_FALSE(w.allows("archived", "open"));
    // Nothing of the default leaks in.
    EXPECT_FALSE(w.has("todo"));
    EXPECT_FALSE(w.allows("open", "cancelled"));
}

TEST(Workflow, TheFirstDoneStatusIsWhereCompleteMoves) {
    const auto w = Workflow::from_config(review_section());
    EXPECT_EQ(w.initial(), "open");
    EXPECT_EQ(w.completed_status(), "closed");
    EXPECT_TRUE(w.is_done("closed"));
    EXPECT_TRUE(w.is_done("archived"));
    EXPECT_FALSE(w.is_done("review"));
}

TEST(Workflow, AnUnknownStatusInATransitionTargetIsRefusedByName) {
    auto section = review_section();
    section["transitions"]["review"] = {"closed", "shipped"};
    const auto message = refusal(section);
    EXPECT_NE(message.find("'shipped'"), std::string::npos) << message;
    EXPECT_NE(message.find("tasks.workflow.statuses"), std::string::npos) << message;
}

TEST(Workflow, AnUnknownStatusAsATransitionSourceIsRefusedByName) {
    auto section = review_section();
    section["transitions"]["draft"] = {"open"};
    const auto message = refusal(section);
    EXPECT_NE(message.find("'draft'"), std::string::npos) << message;
}

TEST(Workflow, AnUnknownInitialOrDoneStatusIsRefusedByName) {
    auto initial = default_section();
    initial["initial"] = "backlog";
    const auto initial_message = refusal(initial);
    EXPECT_NE(initial_message.find("'backlog'"), std::string::npos) << initial_message;
    EXPECT_NE(initial_message.find("initial"), std::string::npos) << initial_message;

    auto done = default_section();
    done["done"] = {"finished"};
    const auto done_message = refusal(done);
    EXPECT_NE(done_message.find("'finished'"), std::string::npos) << done_message;
}

TEST(Workflow, AWorkflowWithoutADoneStatusIsRefused) {
    auto section = default_section();
    section["done"] = json::array();
    EXPECT_EQ(refusal(section), "tasks.workflow.done must name at least one status");
}

TEST(Workflow, ToJsonDescribesTheEffectiveWorkflow) {
    const auto j = Workflow::from_config(default_section()).to_json();
    EXPECT_EQ(j["initial"], "todo");
    EXPECT_EQ(j["done"], json({"done"}));
    EXPECT_EQ(j["statuses"], json({"todo", "in_progress", "done", "cancelled"}));
    EXPECT_EQ(j["transitions"]["todo"], json({"in_progress", "cancelled"}));
    EXPECT_EQ(j["transitions"]["done"], json({"todo", "cancelled"}));
}

}  // namespace
}  // namespace tasklane::tasks
