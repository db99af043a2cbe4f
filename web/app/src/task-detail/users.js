// How the detail screen names users (assignee, comment authors, activity):
// "Full Name (username)", or "user #id" for a user the caller may not look up
// (or not looked up yet) rather than failing the screen. The cache itself is
// src/users.js (ensureUsers, searchUsers, remember).
import { cachedUser } from "../users.js";

export function label(user) {
  if (!user) return "";
  return user.full_name ? `${user.full_name} (${user.username})` : user.username;
}

export function knownName(id) {
  const u = cachedUser(id);
  return u ? label(u) : `user #${id}`;
}
