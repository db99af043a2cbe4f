// What the dry-run panel sends as `event` to POST /api/v1/rules/test: the
// same shape the server publishes (plugins/tasks/task_service.cpp,
// plugins/attachments, plugins/auth), built from a real task so `when` and
// `run` see realistic data:
//   task.created, task.deleted         {task}
//   task.updated, task.status_changed,
//   task.assigned, task.completed      {task, changes: {field: [old, new]}}
//   comment.created                    {comment, task}
//   attachment.added/deleted           {attachment, task}
//   user.registered                    {user}
//   schedule                           {rule, schedule}   (scheduled rules)
// The server fills id (0), occurred_at and actor (the caller) itself.

export const EVENT_TYPES = [
  "task.created",
  "task.updated",
  "task.status_changed",
  "task.assigned",
  "task.completed",
  "task.deleted",
  "comment.created",
  "attachment.added",
  "attachment.deleted",
  "user.registered",
  "schedule",
];

// Event types that need a task (all but user.registered and schedule).
export function needsTask(type) {
  return type !== "user.registered" && type !== "schedule";
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

// `changes` for an update-like event, as the server's diff() reports them
// ({field: [old, new]}). The old values are invented: the point is that a
// rule reading event.data.changes.<field> finds the field it expects.
function changesFor(type, task, workflow) {
  if (type === "task.assigned") return { assignee_id: [null, task.assignee_id ?? null] };
  if (type === "task.completed") {
    const from = (workflow && workflow.initial) || "todo";
    return { status: [from, task.status], completed_at: [null, task.completed_at || now()] };
  }
  if (type === "task.status_changed") {
    const from = (workflow && workflow.initial) || "todo";
    return { status: [from === task.status ? "in_progress" : from, task.status] };
  }
  return { title: [task.title, task.title] };
}

export function buildEvent(type, { task = null, user = null, ruleName = "rule", schedule = "", workflow = null } = {}) {
  const data = {};
  switch (type) {
    case "user.registered":
      data.user = user || {};
      break;
    case "schedule":
      data.rule = ruleName;
      data.schedule = schedule || "* * * * *";
      break;
    case "comment.created":
      data.comment = { id: 0, task_id: task.id, author_id: user ? user.id : 0, body: "A comment (dry run)", created_at: now() };
      data.task = task;
      break;
    case "attachment.added":
    case "attachment.deleted":
      data.attachment = {
        id: 0, task_id: task.id, filename: "example.txt", content_type: "text/plain", size: 12,
        sha256: "0".repeat(64), uploader_id: user ? user.id : 0, created_at: now(),
      };
      data.task = task;
      break;
    case "task.created":
    case "task.deleted":
      data.task = task;
      break;
    default:
      data.task = task;
      data.changes = changesFor(type, task, workflow);
  }
  return { type, data };
}

// The event types a source listens to (`on = "x"` or `on = { "x", "y" }`)
// and its schedule, read loosely from the text to preselect the dry run.
export function sourceEvents(source) {
  const out = [];
  const single = /^\s*on\s*=\s*["']([^"']+)["']/m.exec(source || "");
  if (single) out.push(single[1]);
  const list = /^\s*on\s*=\s*\{([^}]*)\}/m.exec(source || "");
  if (list) for (const m of list[1].matchAll(/["']([^"']+)["']/g)) out.push(m[1]);
  return out;
}

export function sourceSchedule(source) {
  const m = /^\s*schedule\s*=\s*["']([^"']+)["']/m.exec(source || "");
  return m ? m[1] : "";
}

// The rule table's `name = "..."`, the name the server stores.
const NAME_LINE = /^(\s*name\s*=\s*)(["'])((?:(?!\2).)*)\2/m;

export function sourceName(source) {
  const m = NAME_LINE.exec(source || "");
  return m ? m[3] : null;
}

// The source with its declared name replaced (null when it declares none).
export function withName(source, name) {
  if (!NAME_LINE.test(source || "")) return null;
  const safe = String(name).replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return source.replace(NAME_LINE, (_, head) => `${head}"${safe}"`);
}

// A new rule starts from DESIGN section 7's example, adapted so it runs as
// is: api.users.find may return nil, and api.log shows up in the dry run.
export const RULE_TEMPLATE = `-- A rule is a Lua chunk returning a table. It runs after an event is committed.
-- Events: task.created, task.updated, task.status_changed, task.assigned,
-- task.completed, task.deleted, comment.created, attachment.added, ...
-- (or use schedule = "*/15 * * * *" instead of on).
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
`;
