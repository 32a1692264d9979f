/**
 * One deployment's container: a Python process running the inference shim
 * (`python/inference_server.py`) around the deployment's scoring script, on a loopback port.
 * `start` resolves once `init()` has returned and the shim listens, or rejects with the last
 * lines of its log (an `init()` crash). `call` forwards one scoring request with the
 * deployment's request timeout and concurrency limits; `stop` drains calls in flight, then
 * stops the process.
 *
 * Concurrency as on Azure: at most `maxConcurrentRequestsPerInstance × instances` requests reach
 * the script at once; up to twice that many wait; beyond that a call is refused (429).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import * as path from "node:path";
import { KILL_GRACE_MS, MAX_LOG_LINES } from "../constants";

/** The shim, shipped beside this file's folder. */
export const INFERENCE_SERVER = path.join(__dirname, "..", "python", "inference_server.py");

const READY = /^AZUREML_INFERENCE_READY (\d+)$/;

/** How to start a deployment's container. */
export interface HostOptions {
  /** Deployment name, for messages. */
  readonly name: string;
  readonly interpreter: string;
  /** The scoring script (absolute). */
  readonly script: string;
  /** Working directory: the code folder. */
  readonly codeDir: string;
  /** The environment of the process (AZUREML_MODEL_DIR included). */
  readonly env: Readonly<Record<string, string>>;
  /** Give up waiting for init() after this long. */
  readonly readinessMs: number;
  /** `requestSettings.maxConcurrentRequestsPerInstance` × `sku.capacity`. */
  readonly concurrency: number;
}

/** Why a call did not get an answer from the script. */
export class HostCallError extends Error {
  /**
   * @param kind - `timeout`, `busy` (too many waiting) or `down` (the process is not running)
   * @param message - for logs
   */
  constructor(
    readonly kind: "timeout" | "busy" | "down",
    message: string,
  ) {
    super(message);
    this.name = "HostCallError";
  }
}

/** The script's answer. */
export interface HostAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A running deployment container. */
export class DeploymentHost {
  private readonly lines: string[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private idle: (() => void)[] = [];
  private exited = false;
  private stopping = false;

  private constructor(
    private readonly options: HostOptions,
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /**
   * Starts the container and waits for `init()`.
   * @param options - what to run
   */
  static start(options: HostOptions): Promise<DeploymentHost> {
    const child = spawn(options.interpreter, ["-u", INFERENCE_SERVER, "--script", options.script], {
      cwd: options.codeDir,
      env: { ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const lines: string[] = [];
    let host: DeploymentHost | undefined;
    const keep = (line: string): void => {
      const target = host ? host.lines : lines;
      target.push(line);
      if (target.length > MAX_LOG_LINES) target.splice(0, target.length - MAX_LOG_LINES);
    };
    return new Promise<DeploymentHost>((resolve, reject) => {
      let settled = false;
      const fail = (reason: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        killGroup(child, "SIGKILL");
        const tail = lines.slice(-8).join("\n");
        reject(new Error(`${reason}${tail ? `; last log lines:\n${tail}` : ""}`));
      };
      const timer = setTimeout(
        () => fail(`init() did not finish within ${Math.round(options.readinessMs / 1000)} s`),
        options.readinessMs,
      );
      timer.unref();
      const onLines = (stream: NodeJS.ReadableStream, tag: string): void => {
        let buffered = "";
        stream.setEncoding("utf8");
        stream.on("data", (chunk: string) => {
          buffered += chunk;
          let newline: number;
          while ((newline = buffered.indexOf("\n")) >= 0) {
            const line = buffered.slice(0, newline).replace(/\r$/, "");
            buffered = buffered.slice(newline + 1);
            const ready = READY.exec(line);
            if (ready && !settled && tag === "stdout") {
              settled = true;
              clearTimeout(timer);
              host = new DeploymentHost(options, child, Number(ready[1]));
              host.lines.push(...lines);
              resolve(host);
              continue;
            }
            keep(line);
          }
        });
      };
      onLines(child.stdout!, "stdout");
      onLines(child.stderr!, "stderr");
      child.once("error", (error) => fail(`the interpreter could not start: ${error.message}`));
      child.once("exit", (code, signal) => {
        if (host) host.onExit(code, signal);
        else fail(`the scoring container exited during init() (${signal ?? `code ${code}`})`);
      });
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    if (!this.stopping)
      this.lines.push(`[emulator] the container exited (${signal ?? `code ${code}`})`);
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** True while the process runs and is not being stopped. */
  get alive(): boolean {
    return !this.exited && !this.stopping;
  }

  /** Process id (tests kill it to simulate a crash). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * The last lines of the container's log.
   * @param tail - how many lines (all when undefined)
   */
  logs(tail?: number): string {
    const lines = tail === undefined ? this.lines : this.lines.slice(-Math.max(0, tail));
    return lines.join("\n") + (lines.length > 0 ? "\n" : "");
  }

  private async acquire(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return;
    }
    if (this.waiting.length >= 2 * this.options.concurrency)
      throw new HostCallError("busy", "too many requests waiting");
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
  }

  private release(): void {
    this.running--;
    const next = this.waiting.shift();
    if (next) next();
    else if (this.running === 0) for (const wake of this.idle.splice(0)) wake();
  }

  /**
   * Sends one scoring request to the script.
   * @param body - the request body, as received
   * @param headers - headers passed on (content type, the caller's own)
   * @param timeoutMs - `requestSettings.requestTimeout`
   */
  async call(
    body: Buffer,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<HostAnswer> {
    if (!this.alive) throw new HostCallError("down", "the container is not running");
    const started = Date.now();
    await this.acquire();
    try {
      if (this.exited) throw new HostCallError("down", "the container is not running");
      const remaining = timeoutMs - (Date.now() - started);
      if (remaining <= 0) throw new HostCallError("timeout", "timed out while waiting");
      return await new Promise<HostAnswer>((resolve, reject) => {
        const req = httpRequest(
          {
            host: "127.0.0.1",
            port: this.port,
            method: "POST",
            path: "/score",
            agent: this.agent,
            headers: { ...headers, "content-length": String(body.length) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => {
              clearTimeout(timer);
              resolve({
                status: res.statusCode ?? 500,
                headers: res.headers,
                body: Buffer.concat(chunks),
              });
            });
            res.on("error", (error) => {
              clearTimeout(timer);
              reject(new HostCallError("down", error.message));
            });
          },
        );
        const timer = setTimeout(() => {
          req.destroy();
          reject(new HostCallError("timeout", `no answer within ${timeoutMs} ms`));
        }, remaining);
        req.on("error", (error) => {
          clearTimeout(timer);
          reject(error instanceof HostCallError ? error : new HostCallError("down", error.message));
        });
        req.end(body);
      });
    } finally {
      this.release();
    }
  }

  /**
   * Stops the container: new calls are refused, calls in flight may finish (up to `drainMs`),
   * then SIGTERM, then SIGKILL after a grace period.
   * @param drainMs - how long calls in flight may take
   */
  async stop(drainMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.running > 0 && !this.exited) {
      await Promise.race([
        new Promise<void>((resolve) => this.idle.push(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, drainMs).unref()),
      ]);
    }
    this.agent.destroy();
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    killGroup(this.child, "SIGTERM");
    const force = setTimeout(() => killGroup(this.child, "SIGKILL"), KILL_GRACE_MS);
    force.unref();
    await exited;
    clearTimeout(force);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
