// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Type-aware rules: a promise nobody awaits loses its error, and a promise handed where a callback's result is
// ignored (an event listener, a server handler) fails silently. Formatting is Prettier's job, not ESLint's.
export default tseslint.config(
  { ignores: ["dist/", "lib/", "node_modules/", "test/fixtures/", "examples/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.js", "*.mjs", "script/*.mjs", "src/action/*.mjs", "bench/dangerfile.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // An async method with no await is how a synchronous store or provider meets a Promise-returning interface:
      // `async` turns its throws into rejections, which is what callers handle.
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Tests read the JSON that stand-in servers and mocks receive; typing every such body would add noise, not safety.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
    },
  },
  { files: ["*.js", "*.mjs", "script/*.mjs"], languageOptions: { globals: { process: "readonly", console: "readonly" } } },
  {
    // The refresh script walks the services' API descriptions as plain JSON: typing them would restate the descriptions.
    files: ["script/*.mjs"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  // The bench's peer runs inside danger-js, which gives it these globals and CommonJS `require`; its DSL is untyped here.
  {
    files: ["bench/dangerfile.js"],
    languageOptions: { globals: { danger: "readonly", fail: "readonly", schedule: "readonly", require: "readonly", process: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off", ...tseslint.configs.disableTypeChecked.rules },
  },
);
