-- POST /api/v1/tasks with a JSON body; every request creates a new task
-- (status and priority rotate, two tags, a due date):
--   wrk ... -s bench/tasks/post_task.lua http://HOST:PORT
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")

local statuses = { "todo", "in_progress", "done", "cancelled" }
local priorities = { "low", "medium", "high", "urgent" }
local n = 0

function request()
  n = n + 1
  local body = string.format(
    '{"title":"wrk task %d-%d","description":"created under load","status":"%s",' ..
    '"priority":"%s","tags":["wrk","t%d"],"due_date":"2027-%02d-%02dT12:00:00Z"}',
    thread_no or 0, n, statuses[n % 4 + 1], priorities[n % 4 + 1], n % 10, n % 12 + 1, n % 28 + 1)
  return wrk.format("POST", "/api/v1/tasks", headers_with({ ["Content-Type"] = "application/json" }), body)
end
