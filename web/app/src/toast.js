// Transient messages (errors and confirmations) shown in the corner; the
// markup in index.html renders Alpine.store('toasts').items as
// [data-testid=toast]. Errors stay longer because they carry the server's
// message the user needs to read.
import Alpine from "@alpinejs/csp";

let nextId = 1;

export function registerToasts() {
  Alpine.store("toasts", {
    items: [],
    dismiss(id) {
      this.items = this.items.filter((t) => t.id !== id);
    },
  });
}

export function toast(message, kind = "info") {
  const store = Alpine.store("toasts");
  const id = nextId++;
  store.items.push({ id, message: String(message), kind, error: kind === "error" });
  // Keep the stack short on small screens.
  if (store.items.length > 4) store.items.splice(0, store.items.length - 4);
  setTimeout(() => store.dismiss(id), kind === "error" ? 8000 : 4000);
}

// Toast for a failed API call: the server's message, plus its field details
// when the screen has no field to show them next to.
export function toastError(error, withDetails = false) {
  let text = (error && error.message) || "Something went wrong";
  if (withDetails && error && Array.isArray(error.details) && error.details.length) {
    text += ": " + error.details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message)).join("; ");
  }
  toast(text, "error");
}

// Alpine component for one toast's close button (CSP build: logic in methods).
export function toastItem() {
  return {
    close() { Alpine.store("toasts").dismiss(this.t.id); },
  };
}
