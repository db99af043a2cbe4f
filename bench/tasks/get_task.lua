-- GET /api/v1/tasks/{id}, the id drawn at random from [FIRST, LAST]:
--   wrk ... -s bench/tasks/get_task.lua http://HOST:PORT -- FIRST LAST
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")

function init(args) read_id_range(args) end

function request()
  return wrk.format("GET", "/api/v1/tasks/" .. random_id(), headers_with())
end
