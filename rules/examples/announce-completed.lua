-- Tell the team chat when a high-priority task is done, through the webhook
-- target "team-chat" named in the config (integrations.targets).
return {
  name = "announce-completed",
  on = "task.completed",
  when = function(event)
    local p = event.data.task.priority
    return p == "high" or p == "urgent"
  end,
  run = function(event, api)
    local t = event.data.task
    api.webhook("team-chat", { text = "Done: " .. t.title .. " (#" .. t.id .. ")" })
  end,
}
