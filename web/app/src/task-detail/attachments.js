// Attachments: list (GET /tasks/{id}/attachments), upload by picking or
// dropping files (api.upload: multipart/form-data, one file per request, which
// is what the attachments plugin accepts), download, delete.
//
// Download: GET /api/v1/attachments/{id} needs the bearer token, which a plain
// link cannot carry (the token is kept in memory only), so the link's click
// fetches the bytes with the token and saves them through a blob: URL. The
// link keeps its real href for copying; api.js has no binary download, so
// this uses its exported freshAccessToken()/refresh().
import { api, ApiError, fieldErrors, freshAccessToken, refresh } from "../api.js";
import { toast } from "../toast.js";
import { ensureUsers } from "../users.js";
import { bytes } from "./format.js";

async function fetchBlob(id, retried = false) {
  const token = await freshAccessToken();
  let res;
  try {
    res = await fetch(`/api/v1/attachments/${id}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(0, "network", "Cannot reach the server; check your connection and try again.");
  }
  if (res.status === 401 && !retried) {
    await refresh();
    return fetchBlob(id, true);
  }
  if (!res.ok) {
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    const e = (body && body.error) || {};
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.message || res.statusText, e.details || [], e.request_id || "");
  }
  return res.blob();
}

export function attachmentsSection() {
  return {
    attachments: [],
    uploads: [], // files being uploaded: [{key, name}]
    attachmentErrors: {},
    dragging: false,

    async loadAttachments() {
      try {
        const page = await api.get(`/api/v1/tasks/${this.id}/attachments?per_page=100`);
        this.attachments = page.items || [];
        await ensureUsers(this.attachments.map((a) => a.uploader_id));
      } catch (error) {
        toast(error.message, "error");
      }
    },

    size(a) {
      return bytes(a.size);
    },

    downloadUrl(a) {
      return `/api/v1/attachments/${a.id}`;
    },

    pickFiles(event) {
      const input = event.target;
      const files = [...(input.files || [])];
      input.value = ""; // picking the same file again fires change again
      this.uploadFiles(files);
    },

    dragOver(event) {
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
      this.dragging = true;
    },

    dragLeave() {
      this.dragging = false;
    },

    dropFiles(event) {
      this.dragging = false;
      const files = [...((event.dataTransfer && event.dataTransfer.files) || [])];
      if (files.length === 0) {
        toast("Nothing to upload: drop files (not folders or text).", "error");
        return;
      }
      this.uploadFiles(files);
    },

    // One request per file, one after another (each may be up to max_bytes).
    async uploadFiles(files) {
      this.attachmentErrors = {};
      const failed = [];
      let added = 0;
      for (const file of files) {
        const row = { key: `${Date.now()}-${Math.random()}`, name: file.name };
        this.uploads = [...this.uploads, row];
        try {
          const a = await api.upload(`/api/v1/tasks/${this.id}/attachments`, file);
          this.attachments = [a, ...this.attachments.filter((x) => x.id !== a.id)];
          added += 1;
        } catch (error) {
          // 413 too big, 415 type not allowed, 422 field details: say which file.
          const details = Object.entries(fieldErrors(error)).map(([f, m]) => `${f}: ${m}`).join("; ");
          const message = `${file.name}: ${error.message}${details ? ` (${details})` : ""}`;
          failed.push(message);
          this.attachmentErrors = { file: failed.join("\n") };
          toast(message, "error");
        } finally {
          this.uploads = this.uploads.filter((u) => u.key !== row.key);
        }
      }
      if (added) {
        toast(added === 1 ? "File attached." : `${added} files attached.`, "info");
        await ensureUsers([this.$store.session.user && this.$store.session.user.id]);
      }
    },

    async download(a) {
      try {
        const blob = await fetchBlob(a.id);
        const url = URL.createObjectURL(blob);
        const link = document.createElement("a");
        link.href = url;
        link.download = a.filename;
        link.rel = "noopener";
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
      } catch (error) {
        toast(`${a.filename}: ${error.message}`, "error");
      }
    },

    async deleteAttachment(a) {
      try {
        await api.del(`/api/v1/attachments/${a.id}`);
        this.attachments = this.attachments.filter((x) => x.id !== a.id);
        toast(`${a.filename} deleted.`, "info");
      } catch (error) {
        toast(`${a.filename}: ${error.message}`, "error");
      }
    },
  };
}
