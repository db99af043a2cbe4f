// Pure helpers for the board (no Alpine, no DOM) so they are easy to reason about.

// A position between two neighbouring cards (either may be missing).
// Positions are integers ascending within a column; new tasks get their
// creation time in ms, so "at the end" uses at least the current time.
export function placeBetween(before, after) {
  const a = before ? Number(before.position) : null;
  const b = after ? Number(after.position) : null;
  if (a === null && b === null) return Date.now();
  if (a === null) return b - 1000;
  if (b === null) return Math.max(a + 1000, Date.now());
  if (b - a > 1) return Math.floor((a + b) / 2);
  return a + 1; // no room left: ties sort by id on the server, close enough
}

// Whether the signed-in user may still see a task (DESIGN §5: admins see
// all; members see what they created or are assigned). Events also reach a
// member whose assignment was just removed, so the card must go.
export function visibleTo(task, session) {
  if (!session || !session.user) return false;
  if (session.isAdmin) return true;
  const me = session.user.id;
  return task.creator_id === me || task.assignee_id === me;
}
