// CPU cost of the rule engine per event (issue 6): evaluating `when` of N
// loaded rules for one task event, as a worker does (the event converted to a
// read-only Lua table once, then each rule's `when` under its limits), and
// the same with `run` called for every rule (an action that goes nowhere).
#include "rule_runtime.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

using namespace tasklane::rules;

class NoActions : public RuleActions {
public:
    nlohmann::json call(const std::string&, const nlohmann::json&) override { return nullptr; }
};

nlohmann::json task_event(std::int64_t id) {
    return {{"id", id},
            {"type", "task.updated"},
            {"occurred_at", "2026-11-28T10:00:00Z"},
            {"actor", {{"type", "user"}, {"id", 3}}},
            {"data",
             {{"task",
               {{"id", 7},
                {"title", "Fix the login page"},
                {"description", "Users see a blank page after the redirect"},
                {"status", "in_progress"},
                {"priority", "high"},
                {"assignee_id", 4},
                {"creator_id", 3},
                {"due_date", "2026-12-01T00:00:00Z"},
                {"tags", {"web", "auth"}},
                {"version", 5}}},
              {"changes", {{"status", {"todo", "in_progress"}}}}}}};
}

// `when` looks at a couple of fields, as typical rules do; it holds for none.
std::string rule_source(int i) {
    return "return { name = 'rule-" + std::to_string(i) +
           "', on = { 'task.created', 'task.updated' },\n"
           "  when = function(event) local t = event.data.task\n"
           "    return t.priority == 'urgent' and t.assignee_id == nil and #t.tags > " +
           std::to_string(i % 3) +
           " end,\n"
           "  run = function(event, api) api.tasks.get(event.data.task.id) end }";
}

void run_rules(benchmark::State& state, bool always_run) {
    const int n = static_cast<int>(state.range(0));
    RuleRuntime runtime{RunLimitsConfig{}};
    for (int i = 0; i < n; ++i) {
        auto source = rule_source(i);
        if (always_run) {
            source.replace(source.find("return t.priority"), 17, "return true or t.priority");
        }
        runtime.add(std::to_string(i), source, "rule-" + std::to_string(i));
    }
    NoActions actions;
    std::int64_t event_id = 1;
    for (auto _ : state) {
        const auto event = task_event(event_id++);  // a new event each time: its Lua table is built once per event
        for (int i = 0; i < n; ++i) {
            benchmark::DoNotOptimize(runtime.run(std::to_string(i), event, actions));
        }
    }
    state.counters["rules"] = n;
    state.counters["us_per_event"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_WhenPerEvent(benchmark::State& state) { run_rules(state, false); }
void BM_WhenAndRunPerEvent(benchmark::State& state) { run_rules(state, true); }

BENCHMARK(BM_WhenPerEvent)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WhenAndRunPerEvent)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace
