// Preloaded (`node --require`) by the Node version check's tests: makes this process report the
// Node version in FAKE_NODE_VERSION (and the platform and architecture in FAKE_NODE_PLATFORM and
// FAKE_NODE_ARCH), and on exit writes to FAKE_NODE_LOADED the project files
// that had been loaded, so a test can tell that the check ran before anything else.
"use strict";
const path = require("path");
const fs = require("fs");

const version = process.env.FAKE_NODE_VERSION;
if (version) {
  Object.defineProperty(process.versions, "node", { value: version });
  Object.defineProperty(process, "version", { value: `v${version}` });
}
for (const [name, variable] of [
  ["platform", "FAKE_NODE_PLATFORM"],
  ["arch", "FAKE_NODE_ARCH"],
]) {
  if (process.env[variable]) Object.defineProperty(process, name, { value: process.env[variable] });
}
const report = process.env.FAKE_NODE_LOADED;
if (report) {
  const project = path.resolve(__dirname, "..", "..");
  process.on("exit", () => {
    const loaded = Object.keys(require.cache)
      .filter((file) => file.startsWith(project + path.sep) && !file.includes("node_modules"))
      .map((file) => path.relative(project, file).split(path.sep).join("/"))
      .filter((file) => file !== "test/helpers/fakeNodeVersion.cjs")
      .sort();
    fs.writeFileSync(report, JSON.stringify(loaded));
  });
}
