// /admin/jobs: the background job queue, newest first, filtered by status
// (and kind); dead jobs can be retried (POST /api/v1/jobs/{id}/retry gives
// them fresh attempts).
import { api } from "../api.js";
import { toast, toastError } from "../toast.js";
import { badgeClass, fmtDate, pretty } from "./format.js";
import { pagedList, withFlag } from "./paged-list.js";

export function adminJobs() {
  return {
    ...pagedList({
      path: "/api/v1/jobs", perPage: 25, noun: "jobs",
      params: (c) => ({ status: c.status, kind: c.kind.trim() }),
      mapItem: (job) => ({ ...job, open: false }), // open: its payload is shown
    }),
    status: "",
    kind: "",
    retrying: {},

    init() { this.load(); },
    filterChanged() { this.page = 1; this.load(); },

    statusClass(job) { return badgeClass(job.status); },
    attempts(job) { return `${job.attempts} / ${job.max_attempts}`; },
    runAt(job) { return fmtDate(job.run_at); },
    updated(job) { return fmtDate(job.updated_at); },
    payload(job) { return pretty(job.payload); },
    canRetry(job) { return job.status === "dead"; },
    isRetrying(job) { return !!this.retrying[job.id]; },
    detailsLabel(job) { return job.open ? "Hide payload" : "Payload"; },
    toggle(job) { job.open = !job.open; },

    async retry(job) {
      if (this.isRetrying(job)) return;
      this.retrying = withFlag(this.retrying, job.id, true);
      try {
        const updated = await api.post(`/api/v1/jobs/${job.id}/retry`);
        Object.assign(job, updated);
        toast(`Job #${job.id} queued again`, "info");
        // Workers pick it up at once; show how that run ended.
        setTimeout(() => this.load(), 1500);
      } catch (error) {
        toastError(error, true);
      } finally {
        this.retrying = withFlag(this.retrying, job.id, false);
      }
    },
  };
}
