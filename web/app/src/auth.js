// Sign-in and register forms. Field errors come from the API's details
// (field = API field name) and are shown next to that field; anything else
// goes to the form-level error.
import { fieldErrors } from "./api.js";
import { signIn, register } from "./session.js";
import { navigate, safeNext } from "./router.js";
import Alpine from "@alpinejs/csp";

function formState() {
  return {
    busy: false,
    errors: {},
    formError: "",
    fail(error) {
      this.errors = fieldErrors(error);
      this.formError = error.message || "Request failed";
    },
    // CSS class helper for the CSP build (no inline expressions with logic).
    invalid(field) { return this.errors[field] ? "input input-invalid" : "input"; },
    hasError(field) { return !!this.errors[field]; },
  };
}

export function registerAuth(A) {
  A.data("signinForm", () => ({
    ...formState(),
    login: "",
    password: "",
    async submit() {
      if (this.busy) return;
      this.busy = true;
      this.errors = {};
      this.formError = "";
      try {
        await signIn(this.login.trim(), this.password);
        this.password = "";
        navigate(safeNext(Alpine.store("route").query.next), { replace: true });
      } catch (error) {
        this.fail(error);
      } finally {
        this.busy = false;
      }
    },
  }));

  A.data("registerForm", () => ({
    ...formState(),
    email: "",
    username: "",
    full_name: "",
    password: "",
    async submit() {
      if (this.busy) return;
      this.busy = true;
      this.errors = {};
      this.formError = "";
      const fields = { email: this.email.trim(), username: this.username.trim(), password: this.password };
      if (this.full_name.trim()) fields.full_name = this.full_name.trim();
      try {
        await register(fields);
        navigate("/", { replace: true });
      } catch (error) {
        this.fail(error);
      } finally {
        this.busy = false;
      }
    },
  }));
}
