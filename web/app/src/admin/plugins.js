// /admin/plugins: the plugins the server loaded and their versions, next to
// the server's own version from /api/v1/meta.
import { api, meta } from "../api.js";
import { loadedList } from "./paged-list.js";

export function adminPlugins() {
  return {
    // Not paged: the server answers with every loaded plugin. The version is
    // extra, so the list still shows when /api/v1/meta fails.
    ...loadedList(async () => {
      const [res, info] = await Promise.all([api.get("/api/v1/plugins"), meta().catch(() => null)]);
      return { items: res.items, version: (info && info.version) || "" };
    }),
    version: "",

    init() { this.load(); },
    hasVersion() { return !!this.version; },
  };
}
