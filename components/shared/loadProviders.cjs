// Loads the project's dynamic providers in the provider host, for the shims the resources
// register (components/shared/shim.ts says why and how). Plain CommonJS: the host is a plain
// `node` process with no TypeScript loader, and this file is what gives it one.
//
// The first call bundles components/providers.ts (the providers, the clients and the contract;
// npm packages stay `require`s) with esbuild into one file under
// node_modules/.cache/azureml-retrain/, with a manifest of the size and times of every file it
// read; later processes require that file as long as none of those files changed.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

/** A file's identity for the cache: size, mtime and ctime in ns ("missing" when absent). */
function stamp(file) {
  try {
    const s = fs.statSync(file, { bigint: true });
    return `${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return "missing";
  }
}

/** The bundle of the providers of the project in `root`, built when missing or stale. */
function bundleOf(root) {
  const entry = path.join(root, "components", "providers.ts");
  if (!fs.existsSync(entry)) {
    throw new Error(
      `the azureml-retrain providers are loaded from the project's code at run time, and ${entry} does not exist: ` +
        "run pulumi from the azureml-retrain project directory, with its code checked out and `npm ci` run",
    );
  }
  const cacheDir = path.join(root, "node_modules", ".cache", "azureml-retrain");
  const manifestFile = path.join(cacheDir, "providers.json");
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
    const bundle = path.join(cacheDir, manifest.bundle);
    const fresh = Object.entries(manifest.inputs).every(
      ([file, was]) => stamp(path.join(root, file)) === was,
    );
    if (fresh && fs.existsSync(bundle)) return bundle;
  } catch {
    // No manifest yet, or an unreadable one: build.
  }
  const built = require("esbuild").buildSync({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    packages: "external",
    sourcemap: "inline",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const code = built.outputFiles[0].contents;
  const name = `providers-${crypto.createHash("sha256").update(code).digest("hex").slice(0, 16)}.js`;
  const inputs = Object.fromEntries(
    Object.keys(built.metafile.inputs)
      .filter((f) => !f.startsWith("node_modules/"))
      .map((f) => [f, stamp(path.join(root, f))]),
  );
  fs.mkdirSync(cacheDir, { recursive: true });
  // Written under a temporary name, then renamed: a concurrent host never reads half a file.
  const temporary = path.join(cacheDir, `.${process.pid}-${Date.now()}.tmp`);
  fs.writeFileSync(temporary, code);
  fs.renameSync(temporary, path.join(cacheDir, name));
  fs.writeFileSync(temporary, JSON.stringify({ bundle: name, inputs }));
  fs.renameSync(temporary, manifestFile);
  return path.join(cacheDir, name);
}

/**
 * The providers of the project in `root` (default: the working directory, where Pulumi runs the
 * program and its provider host), by kind; loaded once per process and root.
 */
function loadProviders(root = process.cwd()) {
  const key = Symbol.for(`azureml-retrain.providers:${root}`);
  if (!globalThis[key]) globalThis[key] = require(bundleOf(root)).providers;
  return globalThis[key];
}

/** Calls `method` of the provider `kind` with `args`. */
function callProvider(kind, method, args) {
  const provider = loadProviders()[kind];
  if (!provider || typeof provider[method] !== "function") {
    throw new Error(`the project has no ${kind} provider with a ${method} method`);
  }
  return provider[method](...args);
}

module.exports = { loadProviders, callProvider, bundleOf };
