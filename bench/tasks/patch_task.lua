-- PATCH /api/v1/tasks/{id} changing only the description (no If-Match), the
-- id drawn at random from [FIRST, LAST] so writers rarely meet on one row;
-- the text is new every time, so every request is a real write (version bump,
-- activity row, event):
--   wrk ... -s bench/tasks/patch_task.lua http://HOST:PORT -- FIRST LAST
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")

local n = 0

function init(args) read_id_range(args) end

function request()
  n = n + 1
  local body = string.format('{"description":"patched by wrk thread %d, request %d"}', thread_no or 0, n)
  return wrk.format("PATCH", "/api/v1/tasks/" .. random_id(),
                    headers_with({ ["Content-Type"] = "application/json" }), body)
end
