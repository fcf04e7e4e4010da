// Lint: the recommended rules of ESLint and typescript-eslint, on sources and tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "data/**", "**/.scratch/**", "packages/sdk/dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        fetch: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // App Services function sources: `exports = function …` with the globals the runtime provides.
    files: ["**/functions/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: { exports: "writable", context: "readonly", EJSON: "readonly", BSON: "readonly", require: "readonly" },
    },
  },
  {
    // CommonJS entries (the bin, which must run before an ES module loader starts libuv's pool).
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
