-- When an urgent task has no owner, give it to the on-call user and tell
-- its creator (DESIGN.md section 7's example).
return {
  name = "auto-assign-urgent",
  description = "Urgent tasks without an assignee go to the on-call user",
  on = { "task.created", "task.updated" },
  when = function(event)
    local t = event.data.task
    return t.priority == "urgent" and t.assignee_id == nil
  end,
  run = function(event, api)
    local t = event.data.task
    local oncall = api.users.find("oncall")
    if oncall == nil then
      api.log("no user named oncall; task " .. t.id .. " stays unassigned")
      return
    end
    api.tasks.assign(t.id, oncall.id)
    api.notify(t.creator_id, "Urgent task auto-assigned to " .. oncall.username)
  end,
}
