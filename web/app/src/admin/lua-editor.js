// The Lua source editor of the rule screen: CodeMirror 6 with the legacy Lua
// stream mode for highlighting. Kept outside Alpine's reactivity (an
// EditorView must not be wrapped in a reactive proxy), so the rule editor
// component holds the returned handle in a closure.
//
// CSP: CodeMirror injects its theme as <style>/adopted style sheets
// (style-src allows 'unsafe-inline') and never evaluates code, so it runs
// under the app's policy unchanged.
import { basicSetup, EditorView } from "codemirror";
import { StreamLanguage } from "@codemirror/language";
import { lua } from "@codemirror/legacy-modes/mode/lua";
import { Compartment, EditorState } from "@codemirror/state";
import { lintGutter, setDiagnostics } from "@codemirror/lint";

const theme = EditorView.theme({
  "&": { fontSize: "13px", border: "1px solid rgb(203 213 225)", borderRadius: "0.375rem", backgroundColor: "#fff" },
  "&.cm-focused": { outline: "2px solid rgb(2 132 199)", outlineOffset: "2px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", minHeight: "16rem", maxHeight: "60vh" },
  ".cm-content": { minHeight: "16rem" },
  // The line a compile/runtime error names: visible without hovering.
  ".cm-lintRange-error": { backgroundColor: "rgb(254 226 226)" },
});

// mount(parent, {doc, onChange}) → {get, set, replace, setReadOnly, markError, clearError, focus, destroy}
export function mountLuaEditor(parent, { doc = "", onChange = () => {}, label = "Rule source (Lua)" } = {}) {
  const readOnly = new Compartment();
  let silent = false; // set() from code must not look like a user edit
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        StreamLanguage.define(lua),
        lintGutter(),
        theme,
        // Long lines wrap: on a phone the whole rule stays readable without sideways scrolling.
        EditorView.lineWrapping,
        readOnly.of([]),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            // An edit invalidates the error mark of the previous save/run.
            if (!silent) clear();
            onChange(update.state.doc.toString(), { silent });
          }
        }),
      ],
    }),
  });

  function clear() {
    view.dispatch(setDiagnostics(view.state, []));
  }

  return {
    get: () => view.state.doc.toString(),
    set(text) {
      silent = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: String(text ?? "") } });
      } finally {
        silent = false;
      }
    },
    // Like set(), but as if the user had typed it (onChange sees a user edit).
    replace(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: String(text ?? "") } });
    },
    setReadOnly(flag) {
      view.dispatch({
        effects: readOnly.reconfigure(flag ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : []),
      });
    },
    // Marks Lua line `line` (1-based) with `message`; out-of-range lines are clamped.
    markError(line, message) {
      const doc = view.state.doc;
      if (!line || doc.length === 0) return;
      const l = doc.line(Math.min(Math.max(1, line), doc.lines));
      view.dispatch(
        setDiagnostics(view.state, [{ from: l.from, to: Math.max(l.to, l.from), severity: "error", message }]),
        { effects: EditorView.scrollIntoView(l.from, { y: "center" }) },
      );
    },
    clearError: clear,
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
