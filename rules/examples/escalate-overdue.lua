-- Every 15 minutes: open tasks past their due date become urgent and get a
-- comment, once (the "escalated" tag marks them).
return {
  name = "escalate-overdue",
  description = "Overdue open tasks become urgent",
  schedule = "*/15 * * * *",
  run = function(event, api)
    local page = api.tasks.query({ status = "todo", due_before = api.now(), per_page = 20 })
    for _, t in ipairs(page.items) do
      local escalated = false
      for _, tag in ipairs(t.tags) do
        if tag == "escalated" then escalated = true end
      end
      if not escalated then
        local tags = { "escalated" }
        for _, tag in ipairs(t.tags) do tags[#tags + 1] = tag end
        api.tasks.update(t.id, { priority = "urgent", tags = tags })
        api.tasks.comment(t.id, "Overdue since " .. t.due_date .. ": escalated to urgent.")
      end
    end
  end,
}
