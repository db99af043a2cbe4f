-- A first comment on every new task tagged "support", pointing to the playbook.
return {
  name = "support-playbook",
  on = "task.created",
  when = function(event)
    for _, tag in ipairs(event.data.task.tags or {}) do
      if tag == "support" then return true end
    end
    return false
  end,
  run = function(event, api)
    api.tasks.comment(event.data.task.id, "Support playbook: https://wiki.example.com/support")
  end,
}
