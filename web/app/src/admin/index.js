// The admin screens (users, rules + rule editor, webhooks, jobs, plugins).
// main.js calls registerAdmin(Alpine); views/admin.html uses these names.
import { adminUsers } from "./users.js";
import { adminRules } from "./rules-list.js";
import { adminRuleEditor } from "./rule-editor.js";
import { adminWebhooks } from "./webhooks.js";
import { adminJobs } from "./jobs.js";
import { adminPlugins } from "./plugins.js";

// The tab bar shared by every admin screen.
function adminTabs() {
  const tabs = [
    { route: "admin-users", href: "/admin/users", label: "Users" },
    { route: "admin-rules", href: "/admin/rules", label: "Rules" },
    { route: "admin-webhooks", href: "/admin/webhooks", label: "Webhooks" },
    { route: "admin-jobs", href: "/admin/jobs", label: "Jobs" },
    { route: "admin-plugins", href: "/admin/plugins", label: "Plugins" },
  ];
  return {
    tabs,
    visible() { return String(this.$store.route.name).startsWith("admin-"); },
    isCurrent(tab) {
      const name = this.$store.route.name;
      return name === tab.route || (tab.route === "admin-rules" && name === "admin-rule");
    },
    tabClass(tab) {
      return this.isCurrent(tab)
        ? "whitespace-nowrap rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white"
        : "whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-200";
    },
    ariaCurrent(tab) { return this.isCurrent(tab) ? "page" : null; },
  };
}

export function registerAdmin(Alpine) {
  Alpine.data("adminTabs", adminTabs);
  Alpine.data("adminUsers", adminUsers);
  Alpine.data("adminRules", adminRules);
  Alpine.data("adminRuleEditor", adminRuleEditor);
  Alpine.data("adminWebhooks", adminWebhooks);
  Alpine.data("adminJobs", adminJobs);
  Alpine.data("adminPlugins", adminPlugins);
}
