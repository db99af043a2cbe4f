-- Shared by the wrk scripts of bench/tasks_bench.sh (loaded with dofile).
-- setup() numbers the threads so each one seeds its own random sequence and
-- writes distinct values; request headers are wrk's own (the -H options,
-- e.g. Authorization) plus the ones given.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_no", counter)
end

-- Task ids the script may touch: `-- FIRST LAST` after the URL.
function read_id_range(args)
  first_id = tonumber(args[1])
  last_id = tonumber(args[2])
  if not first_id or not last_id or last_id < first_id then
    error("usage: wrk ... URL -- FIRST_ID LAST_ID")
  end
  math.randomseed(os.time() * 100 + (thread_no or 0))
end

function headers_with(extra)
  local h = {}
  for name, value in pairs(wrk.headers) do h[name] = value end
  for name, value in pairs(extra or {}) do h[name] = value end
  return h
end

function random_id()
  return math.random(first_id, last_id)
end
