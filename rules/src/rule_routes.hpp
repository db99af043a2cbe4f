#pragma once
// HTTP <-> RuleEngine: the admin-only rules API of DESIGN.md section 5.
#include "rule_engine.hpp"

#include <tasklane/sdk/http.hpp>

namespace tasklane::rules {

void register_rule_routes(sdk::Routes& routes, RuleEngine& engine);

}  // namespace tasklane::rules
