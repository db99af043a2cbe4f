// Comments: GET /tasks/{id}/comments (oldest first, paginated; "show more"
// loads the next page) and POST {body}.
import { api, fieldErrors } from "../api.js";
import { toast } from "../toast.js";
import { ensureUsers } from "../users.js";

const PER_PAGE = 50;

export function commentsSection() {
  return {
    comments: [],
    commentsTotal: 0,
    commentsPage: 0,
    commentBody: "",
    commentErrors: {},
    posting: false,

    async loadComments() {
      // Reload every page seen so far, so a live refresh keeps "show more" results.
      const pages = Math.max(1, this.commentsPage);
      try {
        let items = [];
        let total = 0;
        for (let p = 1; p <= pages; p++) {
          const page = await api.get(`/api/v1/tasks/${this.id}/comments?page=${p}&per_page=${PER_PAGE}`);
          items = items.concat(page.items || []);
          total = page.total || 0;
          if ((page.items || []).length < PER_PAGE) break;
        }
        this.comments = items;
        this.commentsTotal = total;
        this.commentsPage = pages;
        await ensureUsers(items.map((c) => c.author_id));
      } catch (error) {
        toast(error.message, "error");
      }
    },

    hasMoreComments() {
      return this.comments.length < this.commentsTotal;
    },

    async moreComments() {
      try {
        const page = await api.get(`/api/v1/tasks/${this.id}/comments?page=${this.commentsPage + 1}&per_page=${PER_PAGE}`);
        const seen = new Set(this.comments.map((c) => c.id));
        this.comments = this.comments.concat((page.items || []).filter((c) => !seen.has(c.id)));
        this.commentsTotal = page.total || this.commentsTotal;
        this.commentsPage += 1;
        await ensureUsers(page.items.map((c) => c.author_id));
      } catch (error) {
        toast(error.message, "error");
      }
    },

    async addComment() {
      if (this.posting) return;
      this.commentErrors = {};
      this.posting = true;
      try {
        const comment = await api.post(`/api/v1/tasks/${this.id}/comments`, { body: this.commentBody });
        if (!this.comments.some((c) => c.id === comment.id) && !this.hasMoreComments()) {
          this.comments = [...this.comments, comment];
        }
        this.commentsTotal = Math.max(this.commentsTotal, this.comments.length);
        this.commentBody = "";
        await ensureUsers([comment.author_id]);
        this.loadActivity();
      } catch (error) {
        this.commentErrors = fieldErrors(error);
        if (!this.commentErrors.body) this.commentErrors = { body: error.message };
        toast(error.message, "error");
      } finally {
        this.posting = false;
      }
    },

    // Ctrl/Cmd+Enter in the comment box posts it.
    commentKey(event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.addComment();
      }
    },
  };
}
