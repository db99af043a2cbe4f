// Tailwind scans the app's markup and scripts for class names; only those end
// up in the CSS bundle. Paths are relative to web/ (build-app.mjs resolves them).
// CommonJS because package.json has no "type": "module" (and Tailwind reads it either way).
module.exports = {
  content: ["./app/**/*.{html,js}"],
  theme: {
    extend: {
      // System fonts only: the page may not fetch anything from elsewhere.
      fontFamily: {
        sans: ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
        mono: ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
      },
    },
  },
  plugins: [],
};
