#!/usr/bin/env node
// The `azureml-emulator` command (package.json "bin"). The emulator is TypeScript run by tsx:
// registering tsx's CommonJS hook here lets `npm run emulator` run it without a build step.
// Job worker threads register the same hook themselves (see emulator/jobs/jobRunner.ts).
"use strict";
// First: an old Node stops here with how to get Node 22, not deep inside with a stack trace.
require("./check-node.cjs");
require("tsx/cjs");
require("../emulator/main.ts")
  .main(process.argv)
  .catch((error) => {
    process.stderr.write(`azureml-emulator: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
