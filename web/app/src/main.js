// Entry point: registers the shared stores and every screen's components,
// then starts Alpine, restores the session (refresh token in this tab) and
// only then resolves the first route, so guarded screens never flash.
import Alpine from "@alpinejs/csp";
import { registerToasts, toastItem } from "./toast.js";
import { registerSession, restoreSession } from "./session.js";
import { registerRouter, startRouter, navigate } from "./router.js";
import { registerLive } from "./realtime.js";
import { registerUnread } from "./unread.js";
import { registerUsers } from "./users.js";
import { registerAuth } from "./auth.js";
import { registerNav } from "./nav.js";
import { registerBoard } from "./board.js";
import { registerList } from "./list.js";
import { registerTaskDetail } from "./task-detail.js";
import { registerNotifications } from "./notifications.js";
import { registerAdmin } from "./admin/index.js";

registerToasts();
registerSession();
registerRouter();
registerLive();
registerUnread();
registerUsers();
Alpine.data("toastItem", toastItem);
registerAuth(Alpine);
registerNav(Alpine);
registerBoard(Alpine);
registerList(Alpine);
registerTaskDetail(Alpine);
registerNotifications(Alpine);
registerAdmin(Alpine);

window.Alpine = Alpine;
Alpine.start();

restoreSession(() => {
  // The session ended under us (refresh refused): back to sign-in, and
  // come back here afterwards.
  const here = location.pathname + location.search;
  navigate(here === "/" || here.startsWith("/signin") ? "/signin" : `/signin?next=${encodeURIComponent(here)}`, { replace: true });
}).then(startRouter);
