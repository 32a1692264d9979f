/**
 * Network probe preloaded into the provider host (`NODE_OPTIONS=--require .../netProbe.cjs`):
 * records every outgoing HTTP request (node:http/https, which @azure/core-rest-pipeline and
 * @azure/storage-blob use, and fetch through undici) and every outgoing TCP connection, one JSON
 * line each, in the file named by NET_PROBE_FILE.
 *
 * Why diagnostics_channel rather than wrapping http.request: libraries bind `request` at load
 * time in different ways; the channels see every ClientRequest whatever the import style.
 * Lines hold method, host, path (query dropped: it may carry a SAS) and status; never headers.
 */
"use strict";
const fs = require("node:fs");
const dc = require("node:diagnostics_channel");

const file = process.env.NET_PROBE_FILE;
if (file) {
  let nextId = 0;
  const ids = new WeakMap();
  const write = (event) => {
    fs.appendFileSync(file, JSON.stringify({ t: Date.now(), pid: process.pid, ...event }) + "\n");
  };
  const stripQuery = (p) => String(p || "").split("?")[0];

  dc.subscribe("http.client.request.start", ({ request }) => {
    const id = ++nextId;
    ids.set(request, id);
    write({
      kind: "start",
      id,
      via: "http",
      method: request.method,
      host: request.host,
      path: stripQuery(request.path),
    });
    request.once("close", () => write({ kind: "end", id }));
  });
  dc.subscribe("http.client.response.finish", ({ request, response }) => {
    write({ kind: "status", id: ids.get(request), status: response.statusCode });
  });
  dc.subscribe("undici:request:create", ({ request }) => {
    const id = ++nextId;
    ids.set(request, id);
    write({
      kind: "start",
      id,
      via: "fetch",
      method: request.method,
      host: request.origin,
      path: stripQuery(request.path),
    });
  });
  dc.subscribe("undici:request:headers", ({ request, response }) => {
    write({ kind: "status", id: ids.get(request), status: response.statusCode });
  });
  dc.subscribe("undici:request:trailers", ({ request }) =>
    write({ kind: "end", id: ids.get(request) }),
  );
  dc.subscribe("undici:request:error", ({ request }) =>
    write({ kind: "end", id: ids.get(request) }),
  );
  dc.subscribe("net.client.socket", ({ socket }) => {
    // Resolved once connected, so the remote address is known.
    socket.once("connect", () =>
      write({ kind: "connect", host: `${socket.remoteAddress}:${socket.remotePort}` }),
    );
  });
}
