// The Node.js version check every entry point loads first: the emulator's bin, the npm scripts'
// TypeScript entry points, the benchmarks, the Pulumi program and mocha's fixtures. On an older
// Node it stops with what to do, instead of a stack trace from deep inside a dependency (the
// first one a user meets is `No such built-in module: node:sqlite`).
//
// Written in JavaScript that every Node version parses (no `?.`, `??`, `let`), so that it runs
// before anything else can fail. Requiring it checks the running Node; `node check-node.cjs`
// does the same and exits 0 when the version is supported.
"use strict";

var path = require("path");

// The emulator keeps its state in `node:sqlite`, which loads without a flag from Node 22.13
// and 23.4 on (22.5 to 22.12 and 23.0 to 23.3 need --experimental-sqlite). @pulumi/pulumi and
// Azurite need Node 22 as well.
var MINIMUM = "22.13.0";

// Platforms for which the npm registry has a Node 22 binary package (`node-<platform>-<arch>`).
var NPM_NODE_PACKAGES = ["linux-x64", "linux-arm64", "darwin-x64"];

/**
 * Whether a Node version (`process.versions.node`, e.g. "22.13.0") can run the project.
 * @param {string} version
 * @returns {boolean}
 */
function isSupported(version) {
  var parts = String(version).split(".").map(Number);
  var major = parts[0];
  var minor = parts[1] || 0;
  if (!(major >= 0)) return false;
  if (major >= 24) return true;
  if (major === 23) return minor >= 4;
  if (major === 22) return minor >= 13;
  return false;
}

/**
 * What to print when the version is not supported: the version found, why it matters, and the
 * commands that get Node 22 (the npm way into the project, and a version manager's).
 * @param {{version: string, execPath: string, platform: string, arch: string,
 *   projectDir: string, cwd: string}} found
 * @returns {string}
 */
function advice(found) {
  var lines = [
    "azureml-retrain needs Node.js " +
      MINIMUM +
      " or newer; this is Node " +
      found.version +
      " (" +
      found.execPath +
      ").",
    "The emulator keeps its state in node:sqlite (built into Node from 22.13 on), and",
    "@pulumi/pulumi and Azurite require Node 22 too. Get Node 22 one of these ways, then run",
    "the same command again:",
    "",
  ];
  var platform = found.platform + "-" + found.arch;
  if (NPM_NODE_PACKAGES.indexOf(platform) >= 0) {
    var pkg = "node-" + platform;
    lines.push("  # with npm, into the project (no root needed, nothing else changes):");
    if (path.resolve(found.cwd) !== path.resolve(found.projectDir)) {
      lines.push("  cd " + found.projectDir);
    }
    lines.push("  npm install --prefix .tools/node22 " + pkg + "@22");
    lines.push('  export PATH="$PWD/.tools/node22/node_modules/' + pkg + '/bin:$PATH"');
    lines.push("");
    lines.push("  # or with a version manager:");
  } else {
    lines.push("  # with a version manager (or an installer from https://nodejs.org):");
  }
  lines.push("  nvm install 22 && nvm use 22     # https://github.com/nvm-sh/nvm");
  lines.push("  fnm install 22 && fnm use 22     # https://github.com/Schniz/fnm");
  return lines.join("\n") + "\n";
}

/**
 * Checks the running Node; on an unsupported one prints {@link advice} to stderr and exits 1.
 */
function requireSupportedNode() {
  var version = process.versions.node;
  if (isSupported(version)) return;
  process.stderr.write(
    advice({
      version: version,
      execPath: process.execPath,
      platform: process.platform,
      arch: process.arch,
      projectDir: path.resolve(__dirname, ".."),
      cwd: process.cwd(),
    }),
  );
  process.exit(1);
}

module.exports = { MINIMUM: MINIMUM, isSupported: isSupported, advice: advice };

requireSupportedNode();
