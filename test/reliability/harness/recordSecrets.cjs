// Preloaded into the provider host by the reliability tests (`--require`, through NODE_OPTIONS):
// records every credential and SAS signature the providers send or receive over HTTP (bearer
// tokens and keys in Authorization headers, `sig=` values in URLs and bodies, account keys in
// connection strings), one `kind<TAB>value` line each, in the file named by
// RELIABILITY_SECRET_RECORD. The secrets scan then knows exactly which values must not appear in
// anything written. It only observes: requests and responses pass unchanged.
"use strict";
const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const { Buffer } = require("node:buffer");

const file = process.env.RELIABILITY_SECRET_RECORD;
/** Bodies larger than this are not scanned (model and data blobs carry no credentials). */
const MAX_SCANNED = 4 * 1024 * 1024;

if (file) {
  const seen = new Set();
  const note = (kind, value) => {
    if (!value || value.length < 8) return;
    let decoded = value;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      // Not percent-encoded: keep it as it is.
    }
    const line = `${kind}\t${decoded}`;
    if (seen.has(line)) return;
    seen.add(line);
    fs.appendFileSync(file, line + "\n");
  };
  const scanText = (text) => {
    for (const m of text.matchAll(/(?:^|[?&;"'\s])sig=([^&\s"';\\]+)/g)) note("sig", m[1]);
    for (const m of text.matchAll(/AccountKey=([^;\s"'\\]+)/gi)) note("accountKey", m[1]);
    for (const m of text.matchAll(/Bearer\s+([^\s"',]+)/g)) note("bearer", m[1]);
  };
  const scanChunk = (chunk, budget) => {
    if (budget.left <= 0 || chunk === undefined || chunk === null) return;
    if (typeof chunk === "function") return;
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("latin1");
    budget.left -= text.length;
    scanText(text);
  };
  const wrap = (module) => {
    const original = module.request;
    module.request = function request(...args) {
      const req = original.apply(this, args);
      const sent = { left: MAX_SCANNED };
      scanText(String(req.path ?? ""));
      const auth = req.getHeader("authorization");
      if (auth) scanText(String(auth));
      const write = req.write;
      req.write = function (chunk, ...rest) {
        scanChunk(chunk, sent);
        return write.call(this, chunk, ...rest);
      };
      const end = req.end;
      req.end = function (chunk, ...rest) {
        scanChunk(chunk, sent);
        return end.call(this, chunk, ...rest);
      };
      req.on("response", (res) => {
        const received = { left: MAX_SCANNED };
        for (const [name, value] of Object.entries(res.headers)) scanText(`${name}: ${value}`);
        const emit = res.emit;
        res.emit = function (event, ...rest) {
          if (event === "data") scanChunk(rest[0], received);
          return emit.call(this, event, ...rest);
        };
      });
      return req;
    };
  };
  wrap(http);
  wrap(https);
}
