#!/usr/bin/env node
// The `azureml-emulator` command (package.json "bin"). The emulator is TypeScript run by tsx:
// registering tsx's CommonJS hook here lets `npx azureml-emulator` work without a build step.
// Job worker threads register the same hook themselves (see emulator/jobs/jobRunner.ts).
"use strict";
require("tsx/cjs");
require("../emulator/main.ts")
  .main(process.argv)
  .catch((error) => {
    process.stderr.write(`azureml-emulator: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
