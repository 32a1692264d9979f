// Import rules of the whole project, checked by `npm run lint` (dependency-cruiser, after ESLint).
// Type-only imports count (`tsPreCompilationDeps`): a cycle through types still ties the layers
// together, and ESLint's import plugins skip them. `test/lint/lintRules.test.ts` runs this file
// on `test/lint/fixtures/project/`, a tiny tree that breaks each rule once.

/** Product code: what runs for a user (the program, its components and clients, the emulator). */
const PRODUCT = "^(components|clients|contract|emulator|bin)/|^(index|config)\\.ts$";

module.exports = {
  forbidden: [
    {
      name: "no-cycle",
      comment:
        "Layers run one way (program → components → clients; emulator routes → handlers → " +
        "services → store/engine). Break the cycle by moving what both sides need into a " +
        "module of its own that imports neither (as emulator/requestContext.ts does).",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-test-import-outside-test",
      comment:
        "Nothing outside test/ imports from test/ (product code, bench/, scripts/, harness/): " +
        "move what is shared to harness/ (tools) or into the product.",
      severity: "error",
      from: { pathNot: "^test/" },
      to: { path: "^test/" },
    },
    {
      name: "no-tool-import-in-product",
      comment: "Product code imports neither tests nor tools: not harness/, bench/ or scripts/.",
      severity: "error",
      from: { path: PRODUCT },
      to: { path: "^(harness|bench|scripts)/" },
    },
    {
      name: "declared-dependency",
      comment:
        "Every package imported anywhere (tests, scripts and bench included) is declared in " +
        "package.json: a package that is only there because another one depends on it can go " +
        "with that one's next release.",
      severity: "error",
      from: {},
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "no-dev-dependency-in-product",
      comment:
        "Product code runs with `dependencies` only; a package it imports belongs there, not " +
        "in devDependencies.",
      severity: "error",
      from: { path: PRODUCT },
      to: { dependencyTypes: ["npm-dev"] },
    },
  ],
  options: {
    // The folders ESLint ignores, and the fixture tree that breaks every rule on purpose
    // (node_modules is not followed, but imports of packages must stay visible to the rules).
    exclude: {
      path: "^(\\.tools|\\.azureml-emulator|\\.azurite|\\.evaluation|bench/out|test/lint/fixtures)/",
    },
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    parser: "tsc",
    // CommonJS `require` of packages with an exports map (tsx/cjs) and ESM imports alike.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["main", "types"],
    },
  },
};
