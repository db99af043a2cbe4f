// /admin/rules/<id> and /admin/rules/new: edit a rule's Lua source (CodeMirror),
// save it (a 422 compile error shows its message and marks the Lua line),
// dry-run the editor's current source against an event built from a real
// task, and read the rule's run log. Tests drive the editor through
// window.tasklaneRuleEditor = {get(), set(text)} while this screen is open.
import Alpine from "@alpinejs/csp";
import { api, ApiError, fieldErrors, meta } from "../api.js";
import { navigate } from "../router.js";
import { toast, toastError } from "../toast.js";
import { onTaskEvent } from "../realtime.js";
import {
  EVENT_TYPES, RULE_TEMPLATE, buildEvent, needsTask, sourceEvents, sourceName, sourceSchedule, withName,
} from "./rule-events.js";
import { badgeClass, errorLine, fmtDate, fmtMicros, lastPage, pageInfo, pretty, prettyList } from "./format.js";

const RUNS_PER_PAGE = 20;
const EDITOR_LOAD_FAILED = "The editor could not be loaded; reload the page.";

export function adminRuleEditor() {
  // Not reactive on purpose: the CodeMirror handle and timers.
  let editor = null;
  let stopEffect = null;
  let unsubscribe = null;
  let runsTimer = null;
  let loadSeq = 0;
  let openedKey = null; // the route id shown now ("new" or the rule id)
  let editorFailed = false; // the editor's chunk did not load (e.g. a redeploy since this tab opened)
  const handle = {}; // identifies this instance's window.tasklaneRuleEditor

  return {
    id: undefined, // null for a new rule, undefined until the route is read
    rule: null,
    name: "",
    enabled: true,
    loading: false,
    saving: false,
    deleting: false,
    dirty: false,
    formError: "",
    formErrorIsSource: false, // the form error is about the source: an edit makes it stale
    errors: {}, // field → message (name, source, enabled)
    eventTypes: EVENT_TYPES,
    // dry run
    dryTask: "",
    dryType: "task.created",
    dryTypeChosen: false, // picked by hand: the source's `on` no longer preselects it
    dryEventText: "",
    dryEdited: false,
    dryRunning: false,
    dryError: "",
    dryResult: null,
    dryStale: false, // the source changed since the shown result
    recentTasks: [],
    // run log
    runs: [],
    runsTotal: 0,
    runsPage: 1,
    runsLoading: false,
    runsError: "",

    init() {
      // The same component serves /admin/rules/new and /admin/rules/<id>;
      // saving a new rule moves to its id without leaving the screen.
      stopEffect = Alpine.effect(() => {
        const route = Alpine.store("route");
        const id = route.name === "admin-rule" ? route.params.id : undefined;
        if (id !== undefined) queueMicrotask(() => this.open(id));
      });
      unsubscribe = onTaskEvent(() => this.runsSoon());
      this.loadRecentTasks();
    },

    destroy() {
      if (stopEffect) Alpine.release(stopEffect);
      if (unsubscribe) unsubscribe();
      clearTimeout(runsTimer);
      if (editor) editor.destroy();
      editor = null;
      this.unpublish();
    },

    // x-init on the editor's host element. CodeMirror is most of the app's
    // script and only administrators editing a rule need it: it is a chunk of
    // its own, loaded here (esbuild splits at the dynamic import).
    async mountEditor(el) {
      let mountLuaEditor;
      try {
        ({ mountLuaEditor } = await import("./lua-editor.js"));
      } catch (error) {
        // A tab opened before a redeploy asks for a chunk name that is gone.
        if (!el.isConnected) return;
        console.warn("rule editor chunk failed to load", error);
        editorFailed = true;
        this.formError = EDITOR_LOAD_FAILED;
        this.formErrorIsSource = false;
        toast(EDITOR_LOAD_FAILED, "error");
        return;
      }
      if (!el.isConnected) return; // the editor was left while the chunk loaded
      editor = mountLuaEditor(el, {
        doc: "",
        onChange: (text, { silent }) => this.sourceChanged(text, silent),
      });
      // set() is a user-like edit (marks the form dirty, keeps #rule-name in step).
      handle.get = () => (editor ? editor.get() : "");
      handle.set = (text) => { if (editor) editor.replace(text); };
      if (this.rule) this.showRule(this.rule);
      else if (this.id === null) this.showNew();
    },

    // window.tasklaneRuleEditor appears only once the editor holds the rule
    // (or the template), so a set() through it is never overwritten by a
    // rule that was still loading.
    publish() {
      if (editor) window.tasklaneRuleEditor = handle;
    },
    unpublish() {
      if (window.tasklaneRuleEditor === handle) delete window.tasklaneRuleEditor;
    },

    isNew() { return this.id === null; },
    isFileRule() { return !!(this.rule && this.rule.origin === "file"); },
    title() { return this.isNew() ? "New rule" : this.rule ? `Rule: ${this.rule.name}` : `Rule #${this.id}`; },
    saveLabel() { return this.saving ? "Saving…" : this.isNew() ? "Create rule" : "Save"; },
    storedError() { return (this.rule && this.rule.error) || ""; },
    listensTo() {
      if (!this.rule) return "";
      if (this.rule.schedule) return `schedule ${this.rule.schedule}`;
      return (this.rule.on || []).join(", ");
    },
    // Unsaved: an edit of the source or name, or "Enabled" differs from what
    // is stored (for a new rule: from the default, enabled).
    enabledChanged() {
      if (this.rule) return !!this.enabled !== !!this.rule.enabled;
      return this.isNew() && !this.enabled;
    },
    isDirty() { return this.dirty || this.enabledChanged(); },
    fieldError(field) { return this.errors[field] || ""; },
    hasFieldError(field) { return !!this.errors[field]; },

    async open(rawId) {
      if (rawId === openedKey) return; // same rule (e.g. after creating it): keep the screen as is
      openedKey = rawId;
      const seq = ++loadSeq;
      this.resetMessages();
      this.dryResult = null;
      this.dryError = "";
      this.runs = [];
      this.runsTotal = 0;
      this.runsPage = 1;
      if (rawId === "new") {
        this.id = null;
        this.rule = null;
        this.showNew();
        return;
      }
      const id = Number(rawId);
      this.id = id;
      this.unpublish();
      this.loading = true;
      try {
        const rule = await api.get(`/api/v1/rules/${id}`);
        if (seq !== loadSeq) return;
        this.rule = rule;
        this.showRule(rule);
        this.loadRuns();
      } catch (error) {
        if (seq !== loadSeq) return;
        this.rule = null;
        this.formError = error.message;
        toastError(error);
      } finally {
        if (seq === loadSeq) this.loading = false;
      }
    },

    showNew() {
      this.name = sourceName(RULE_TEMPLATE) || "";
      this.enabled = true;
      if (editor) {
        editor.setReadOnly(false);
        editor.set(RULE_TEMPLATE);
      }
      this.preselectEvent(RULE_TEMPLATE);
      this.dirty = false;
      this.publish();
    },

    showRule(rule) {
      this.name = rule.name;
      this.enabled = !!rule.enabled;
      if (editor) {
        editor.set(rule.source);
        editor.setReadOnly(rule.origin === "file");
        const line = errorLine(rule.error);
        if (rule.error && line) editor.markError(line, rule.error);
      }
      this.preselectEvent(rule.source);
      this.dirty = false;
      this.publish();
    },

    preselectEvent(source) {
      this.dryTypeChosen = false;
      this.followSourceEvents(source);
      this.dryEdited = false;
      this.dryEventText = "";
    },

    // The dry run's event type follows what the source listens to until one is picked.
    followSourceEvents(source) {
      if (this.dryTypeChosen) return;
      const before = this.dryType;
      const events = sourceEvents(source).filter((e) => EVENT_TYPES.includes(e));
      if (events.length) this.dryType = events[0];
      else if (sourceSchedule(source)) this.dryType = "schedule";
      if (this.dryType !== before && !this.dryEdited) this.dryEventText = "";
    },

    // The editor changed: keep #rule-name showing the name the source declares.
    sourceChanged(text, silent) {
      const declared = sourceName(text);
      if (declared !== null && declared !== this.name) this.name = declared;
      if (!silent) this.dirty = true;
      if (this.dryResult) this.dryStale = true;
      this.followSourceEvents(text);
      if (this.errors.source) this.errors = { ...this.errors, source: "" };
      if (!silent && this.formErrorIsSource) { this.formError = ""; this.formErrorIsSource = false; }
    },

    // #rule-name changed: the stored name is the source's `name = "..."`, so
    // rename it there too (the server refuses a name the source does not declare).
    nameChanged() {
      if (!editor || this.isFileRule()) return;
      const text = editor.get();
      if (sourceName(text) === this.name) return;
      const renamed = withName(text, this.name);
      if (renamed !== null) {
        editor.set(renamed);
        this.dirty = true;
      }
      if (this.errors.name) this.errors = { ...this.errors, name: "" };
    },

    resetMessages() {
      this.formError = editorFailed ? EDITOR_LOAD_FAILED : "";
      this.formErrorIsSource = false;
      this.errors = {};
      if (editor) editor.clearError();
    },

    // Shows an API error: the message at the form, field details next to the
    // fields, and the Lua line (compile errors) marked in the editor.
    showError(error, where = "form") {
      const fields = fieldErrors(error);
      const message = error instanceof ApiError ? error.message : String(error.message || error);
      if (where === "form") {
        this.formError = message;
        this.formErrorIsSource = !!fields.source;
        this.errors = fields;
      } else {
        this.dryError = message + (fields.event ? ` (event: ${fields.event})` : "");
        if (fields.source) this.errors = { ...this.errors, source: fields.source };
      }
      const line = errorLine(fields.source || "") || (fields.source ? errorLine(message) : null);
      if (editor && line) editor.markError(line, fields.source || message);
      // A compile error's message already carries the Lua line; other
      // refusals (e.g. a name the source does not declare) need their details.
      toastError(error, !fields.source);
    },

    async save() {
      if (this.saving || !editor) return;
      this.resetMessages();
      this.saving = true;
      const body = { source: editor.get(), enabled: !!this.enabled };
      if (this.name.trim()) body.name = this.name.trim();
      try {
        if (this.isNew()) {
          const rule = await api.post("/api/v1/rules", body);
          this.rule = rule;
          this.id = rule.id;
          this.dirty = false;
          toast(`Rule "${rule.name}" created`, "info");
          openedKey = String(rule.id); // already shown: the route change must not reload it
          navigate(`/admin/rules/${rule.id}`, { replace: true });
          this.loadRuns();
        } else {
          if (this.isFileRule()) delete body.source; // file rules: only enabled may change
          if (this.isFileRule()) delete body.name;
          const rule = await api.put(`/api/v1/rules/${this.id}`, body);
          this.rule = rule;
          this.enabled = !!rule.enabled;
          this.dirty = false;
          toast(`Rule "${rule.name}" saved`, "info");
        }
      } catch (error) {
        // Nothing was stored: the checkbox shows what the server still has.
        if (this.rule) this.enabled = !!this.rule.enabled;
        this.showError(error, "form");
      } finally {
        this.saving = false;
      }
    },

    async remove() {
      if (this.isNew() || this.isFileRule() || this.deleting) return;
      if (!window.confirm(`Delete rule "${this.rule ? this.rule.name : this.id}" and its run log?`)) return;
      this.deleting = true;
      try {
        await api.del(`/api/v1/rules/${this.id}`);
        toast("Rule deleted", "info");
        navigate("/admin/rules");
      } catch (error) {
        this.showError(error, "form");
      } finally {
        this.deleting = false;
      }
    },

    // ---- dry run -------------------------------------------------------
    async loadRecentTasks() {
      try {
        const page = await api.get("/api/v1/tasks?per_page=50&sort=-updated_at");
        this.recentTasks = page.items.map((t) => ({ id: t.id, label: `#${t.id} ${t.title}` }));
      } catch {
        this.recentTasks = []; // only a convenience list; the id field still works
      }
    },

    dryNeedsTask() { return needsTask(this.dryType); },
    dryTypeChanged() {
      this.dryTypeChosen = true;
      this.dryInputChanged();
    },
    dryInputChanged() {
      // A different task or event type: the preview is rebuilt on the next run.
      this.dryEdited = false;
      this.dryEventText = "";
    },
    dryEventEdited() { this.dryEdited = true; },

    async currentEvent() {
      if (this.dryEdited && this.dryEventText.trim()) {
        try {
          return JSON.parse(this.dryEventText);
        } catch (e) {
          throw new Error(`The event is not valid JSON: ${e.message}`);
        }
      }
      const ctx = {
        user: Alpine.store("session").user,
        ruleName: this.name || "rule",
        schedule: sourceSchedule(editor ? editor.get() : ""),
      };
      if (needsTask(this.dryType)) {
        const id = Number(String(this.dryTask).replace(/^#/, "").trim());
        if (!Number.isInteger(id) || id < 1) throw new Error("Choose a task: enter its id.");
        ctx.task = await api.get(`/api/v1/tasks/${id}`);
        try { ctx.workflow = (await meta()).workflow; } catch { ctx.workflow = null; }
      }
      const event = buildEvent(this.dryType, ctx);
      this.dryEventText = pretty(event);
      return event;
    },

    async dryRun() {
      if (this.dryRunning || !editor) return;
      this.dryRunning = true;
      this.dryError = "";
      this.dryResult = null;
      if (this.errors.source) this.errors = { ...this.errors, source: "" };
      editor.clearError();
      try {
        const event = await this.currentEvent();
        const result = await api.post("/api/v1/rules/test", { source: editor.get(), event });
        this.dryResult = result;
        this.dryStale = false;
        const line = result.error ? errorLine(result.error) : null;
        if (line) editor.markError(line, result.error);
      } catch (error) {
        if (error instanceof ApiError) this.showError(error, "dryrun");
        else this.dryError = error.message;
      } finally {
        this.dryRunning = false;
      }
    },

    dryMatched() { return this.dryResult ? (this.dryResult.matched ? "yes" : "no") : ""; },
    dryOutcome() { return (this.dryResult && this.dryResult.outcome) || ""; },
    dryOutcomeClass() { return badgeClass(this.dryOutcome()); },
    dryActions() { return this.dryResult ? prettyList(this.dryResult.actions) : ""; },
    dryActionCount() { return this.dryResult ? (this.dryResult.actions || []).length : 0; },
    dryLogs() { return this.dryResult ? (this.dryResult.logs || []) : []; },
    dryHasLogs() { return this.dryLogs().length > 0; },
    dryDuration() { return this.dryResult ? fmtMicros(this.dryResult.duration_us) : ""; },
    dryRunError() { return (this.dryResult && this.dryResult.error) || ""; },

    // ---- run log -------------------------------------------------------
    async loadRuns() {
      if (this.isNew()) return;
      this.runsLoading = true;
      this.runsError = "";
      try {
        const page = await api.get(`/api/v1/rules/${this.id}/runs?page=${this.runsPage}&per_page=${RUNS_PER_PAGE}`);
        this.runs = page.items.map((r) => ({ ...r, open: false }));
        this.runsTotal = page.total;
      } catch (error) {
        this.runsError = error.message;
      } finally {
        this.runsLoading = false;
      }
    },
    // Rules run after commit, asynchronously: a task event is a hint that a
    // new run may be logged shortly.
    runsSoon() {
      if (this.isNew()) return;
      clearTimeout(runsTimer);
      runsTimer = setTimeout(() => this.loadRuns(), 800);
    },
    runsPrev() { if (this.runsPage > 1) { this.runsPage -= 1; this.loadRuns(); } },
    runsNext() { if (this.runsPage < lastPage(RUNS_PER_PAGE, this.runsTotal)) { this.runsPage += 1; this.loadRuns(); } },
    runsHasPrev() { return this.runsPage > 1; },
    runsHasNext() { return this.runsPage < lastPage(RUNS_PER_PAGE, this.runsTotal); },
    runsInfo() { return pageInfo(this.runsPage, RUNS_PER_PAGE, this.runsTotal, "runs"); },
    runsEmpty() { return !this.runsLoading && this.runs.length === 0; },
    runDate(run) { return fmtDate(run.created_at); },
    runDuration(run) { return fmtMicros(run.duration_us); },
    runClass(run) { return badgeClass(run.outcome); },
    runEvent(run) { return run.event_id ? `#${run.event_id}` : "schedule"; },
    runActions(run) { return prettyList(run.actions); },
    runActionCount(run) { return (run.actions || []).length; },
    runLogs(run) { return (run.logs || []).join("\n"); },
    runHasDetails(run) { return (run.actions || []).length > 0 || (run.logs || []).length > 0; },
    toggleRun(run) { run.open = !run.open; },
  };
}
