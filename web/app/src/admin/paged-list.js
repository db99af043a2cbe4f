// What the admin list screens share: loading a list with its loading/error
// state, paging through it, and per-row "saving" flags. A component spreads
// the state and methods into the object it returns:
//
//   return { ...pagedList({ path: "/api/v1/rules", perPage: 50, noun: "rules" }), busy: {}, … };
//
// Plain data and methods only: spreading copies values, so a getter would be
// evaluated once, here, instead of by Alpine. The methods use `this`, which
// Alpine binds to the component (its reactive proxy).
import { api } from "../api.js";
import { toastError } from "../toast.js";
import { lastPage, pageInfo } from "./format.js";

// items/loading/error, load() and empty(). fetch(component) resolves to the
// fields to set (e.g. { items, total }); a failure shows in `error` and as a
// toast.
export function loadedList(fetch) {
  // One counter per component: when loads overlap (typing a search, paging
  // fast), only the newest answer is shown.
  let seq = 0;
  return {
    items: [],
    loading: false,
    error: "",

    async load() {
      const mine = ++seq;
      this.loading = true;
      this.error = "";
      try {
        const fields = await fetch(this);
        if (mine === seq) Object.assign(this, fields);
      } catch (error) {
        if (mine !== seq) return;
        this.error = error.message;
        toastError(error, true);
      } finally {
        if (mine === seq) this.loading = false;
      }
    },
    empty() { return !this.loading && !this.error && this.items.length === 0; },
  };
}

// loadedList() for GET `path?page=&per_page=` (plus the non-empty values of
// params(component), e.g. filters) with total/page and the Previous/Next
// controls the views call: hasPrev(), hasNext(), prev(), next(), info().
// mapItem turns each item into what the rows need.
export function pagedList({ path, perPage, noun, params = () => ({}), mapItem = (item) => item }) {
  return {
    ...loadedList(async (component) => {
      const query = new URLSearchParams({ page: String(component.page), per_page: String(perPage) });
      for (const [name, value] of Object.entries(params(component))) {
        if (value) query.set(name, value);
      }
      const res = await api.get(`${path}?${query}`);
      return { items: res.items.map(mapItem), total: res.total };
    }),
    total: 0,
    page: 1,

    hasPrev() { return this.page > 1; },
    hasNext() { return this.page < lastPage(perPage, this.total); },
    prev() { if (this.hasPrev()) { this.page -= 1; this.load(); } },
    next() { if (this.hasNext()) { this.page += 1; this.load(); } },
    info() { return pageInfo(this.page, perPage, this.total, noun); },
  };
}

// A copy of a map of id → true (rows being saved) with `id` set or cleared.
// The component assigns the copy back, so the row's state changes with one
// assignment and the old map is left as it was.
export function withFlag(map, id, on) {
  if (on) return { ...map, [id]: true };
  const { [id]: _, ...rest } = map;
  return rest;
}
