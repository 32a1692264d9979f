// ESLint flat config: typescript-eslint's recommended rules, type-aware where it pays off.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import chaiFriendly from "eslint-plugin-chai-friendly";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".tools/**",
      ".azureml-emulator/**",
      ".azurite/**",
      "bench/out/**",
      ".evaluation/**",
      // Breaks the import rules on purpose (test/lint/lintRules.test.ts runs them on it).
      "test/lint/fixtures/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Floating promises hide failed uploads and jobs: every promise is awaited or handled.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // Unused arguments are allowed when prefixed with "_" (provider methods have fixed signatures).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    // chai's property assertions (`expect(x).to.be.true`) are expressions by design; the
    // chai-friendly rule allows those and still flags every other unused expression.
    files: ["test/**/*.ts"],
    plugins: { "chai-friendly": chaiFriendly },
    rules: {
      "@typescript-eslint/no-unused-expressions": "off",
      "chai-friendly/no-unused-expressions": "error",
    },
  },
  {
    // Plain-JS entry points (the bin shim, Azurite watchdog) run as CommonJS under Node.
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        console: "readonly",
        setTimeout: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
