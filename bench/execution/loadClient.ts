/**
 * Item 9, the load generator: N closed-loop clients on keep-alive node:http connections (one
 * `Agent` with `keepAlive` and `maxSockets = N`, so each client keeps its own socket), each
 * sending its next request as soon as the previous answer has been read, for a warm-up and then a
 * measured window. Run as its own process (`fork` from `bench/execution.ts`), so that the
 * emulator's event loop in the bench process does only server work.
 *
 * Protocol (IPC): the parent sends one {@link LoadConfig}; the child answers `window-start` and
 * `window-end` when the measured window opens and closes (the parent samples the server's CPU and
 * event-loop use then), and finally one {@link LoadResult}.
 *
 * A request counts when its answer completes inside the window: throughput = those / window;
 * latency percentiles over those (nearest rank). Every answer must have status 200 and contain
 * `expect`, or it counts as an error.
 */
import * as http from "node:http";
import { sortedPercentile } from "../lib/common";

/** What to send, how hard and how long. */
export interface LoadConfig {
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly headers: Record<string, string>;
  /** JSON bodies, used in turn (none for a GET). */
  readonly bodies: readonly string[];
  /** A substring every good answer contains. */
  readonly expect: string;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

/** What the window measured. */
export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  /** First error, for the log. */
  readonly firstError?: string;
  readonly windowMs: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** CPU (user + system) of this process during the window, in ms. */
  readonly clientCpuMs: number;
  /** Event-loop utilization of this process during the window (0..1). */
  readonly clientElu: number;
  /** Sockets opened over the whole run (keep-alive: the concurrency, once). */
  readonly sockets: number;
  /** Request and response body bytes of one request (the first). */
  readonly requestBytes: number;
  readonly responseBytes: number;
}

async function run(config: LoadConfig): Promise<LoadResult> {
  const url = new URL(config.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: config.concurrency });
  let sockets = 0;
  const send = (
    body: string | undefined,
  ): Promise<{ status: number; text: string; bytes: number }> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...config.headers };
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(body);
      }
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: config.method,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const buffer = Buffer.concat(chunks);
            resolve({
              status: res.statusCode ?? 0,
              text: buffer.toString("utf8"),
              bytes: buffer.length,
            });
          });
          res.on("error", reject);
        },
      );
      req.on("socket", (socket) => {
        if (!(socket as unknown as { counted?: boolean }).counted) {
          (socket as unknown as { counted?: boolean }).counted = true;
          sockets++;
        }
      });
      req.on("error", reject);
      req.end(body);
    });

  const t0 = performance.now();
  const windowStart = t0 + config.warmupMs;
  const windowEnd = windowStart + config.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  let requestBytes = 0;
  let responseBytes = 0;
  let cpuStart: NodeJS.CpuUsage | undefined;
  let eluStart: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  let cpuEnd: NodeJS.CpuUsage | undefined;
  let eluEnd: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  const startTimer = setTimeout(() => {
    cpuStart = process.cpuUsage();
    eluStart = performance.eventLoopUtilization();
    process.send?.({ type: "window-start" });
  }, config.warmupMs);
  // The clients stop at the first answer after the window's end, which a loaded machine can deliver
  // before this timer fires: the run waits for it, or the window would have no CPU figures.
  let endTimer: NodeJS.Timeout | undefined;
  const windowClosed = new Promise<void>((resolve) => {
    endTimer = setTimeout(() => {
      cpuEnd = process.cpuUsage(cpuStart);
      eluEnd = performance.eventLoopUtilization(eluStart);
      process.send?.({ type: "window-end" });
      resolve();
    }, config.warmupMs + config.durationMs);
  });

  const client = async (): Promise<void> => {
    while (performance.now() < windowEnd) {
      const i = next++;
      const body = config.bodies.length > 0 ? config.bodies[i % config.bodies.length] : undefined;
      const started = performance.now();
      let ok = false;
      try {
        const answer = await send(body);
        ok = answer.status === 200 && answer.text.includes(config.expect);
        if (!ok) firstError ??= `status ${answer.status}: ${answer.text.slice(0, 200)}`;
        if (i === 0) {
          requestBytes = body === undefined ? 0 : Buffer.byteLength(body);
          responseBytes = answer.bytes;
        }
      } catch (e) {
        firstError ??= (e as Error).message;
      }
      const done = performance.now();
      if (done < windowStart || done > windowEnd) continue;
      if (ok) latencies.push(done - started);
      else errors++;
    }
  };
  await Promise.all([...Array.from({ length: config.concurrency }, () => client()), windowClosed]);
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  agent.destroy();
  if (!cpuStart || !cpuEnd || !eluEnd) throw new Error("the measured window did not run");
  if (latencies.length === 0)
    throw new Error(`no answer in the window (${firstError ?? "no error"})`);
  // Sorted once; the percentiles read it as it is. Not empty (checked above).
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    requests: latencies.length,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    windowMs: config.durationMs,
    requestsPerSecond: latencies.length / (config.durationMs / 1000),
    p50Ms: sortedPercentile(sorted, 0.5),
    p90Ms: sortedPercentile(sorted, 0.9),
    p99Ms: sortedPercentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1],
    meanMs: sum / latencies.length,
    clientCpuMs: (cpuEnd.user + cpuEnd.system) / 1000,
    clientElu: eluEnd.utilization,
    sockets,
    requestBytes,
    responseBytes,
  };
}

if (require.main === module) {
  process.once("message", (config: LoadConfig) => {
    run(config).then(
      (result) => process.send?.({ type: "result", result }, () => process.disconnect()),
      (e: unknown) =>
        process.send?.({ type: "failed", error: (e as Error).stack ?? String(e) }, () =>
          process.disconnect(),
        ),
    );
  });
}
