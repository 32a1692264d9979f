/**
 * The emulator as a separate process started through its bin (`azureml-emulator`), as a user runs
 * it: so a test can kill it mid-job with SIGKILL and start it again on the same port and data.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "./providerHost";

/** Options of {@link EmulatorProcess.start}. */
export interface EmulatorProcessOptions {
  /** Data folder (kept across restarts). */
  readonly location: string;
  /** Azurite blob endpoint base, e.g. `http://127.0.0.1:10000`. */
  readonly storage: string;
  /** Port; 0 for any (a restart reuses the bound one). */
  readonly port?: number;
  /** Extra flags (fault injection, strictness, ...). */
  readonly args?: readonly string[];
  /** Extra environment. */
  readonly env?: NodeJS.ProcessEnv;
}

/** A running emulator process. */
export class EmulatorProcess {
  /** Everything the process printed, across restarts (for log scans). */
  readonly output: string[] = [];
  private child?: ChildProcess;
  private boundUrl?: string;
  /** Extra flags of the next start (changed by {@link EmulatorProcess.restartWith}). */
  private args: readonly string[];

  private constructor(private readonly options: EmulatorProcessOptions) {
    this.args = options.args ?? [];
  }

  /** Starts the emulator and waits until it listens. */
  static async start(options: EmulatorProcessOptions): Promise<EmulatorProcess> {
    fs.mkdirSync(options.location, { recursive: true });
    const p = new EmulatorProcess(options);
    await p.spawn(options.port ?? 0);
    return p;
  }

  /** The bound base URL. */
  get url(): string {
    if (!this.boundUrl) throw new Error("the emulator is not running");
    return this.boundUrl;
  }

  /** The tokens the emulator generated (they are kept in its data folder). */
  get credentials(): { armToken: string; workspaceToken: string } {
    return JSON.parse(
      fs.readFileSync(path.join(this.options.location, "credentials.json"), "utf8"),
    ) as {
      armToken: string;
      workspaceToken: string;
    };
  }

  private async spawn(port: number): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        path.join(PROJECT_DIR, "bin", "azureml-emulator.js"),
        "--port",
        String(port),
        "--location",
        this.options.location,
        "--storage",
        this.options.storage,
        ...this.args,
      ],
      {
        cwd: PROJECT_DIR,
        env: { ...process.env, ...this.options.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.child = child;
    const url = await new Promise<string>((resolve, reject) => {
      let buffer = "";
      const onData = (chunk: Buffer): void => {
        buffer += chunk.toString();
        let i: number;
        while ((i = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          this.output.push(line);
          const match = /listening on (http:\/\/\S+)/.exec(line);
          if (match) resolve(match[1]);
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code, signal) =>
        reject(
          new Error(`emulator exited (${code ?? signal}):\n${this.output.slice(-20).join("\n")}`),
        ),
      );
      setTimeout(() => reject(new Error("the emulator did not start in 30 s")), 30_000).unref();
    });
    this.boundUrl = url;
  }

  /** Kills the process (SIGKILL: no chance to mark jobs or flush anything). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  /** Starts the emulator again on the same port and data folder. */
  async restart(): Promise<void> {
    await this.kill();
    await this.spawn(Number(new URL(this.url).port));
  }

  /**
   * Stops gracefully and starts again on the same port and data folder with other extra flags
   * (fault injection switched on, changed or off).
   * @param args - the extra flags from now on
   */
  async restartWith(args: readonly string[]): Promise<void> {
    const port = Number(new URL(this.url).port);
    this.args = [...args];
    await this.stop();
    await this.spawn(port);
  }

  /** Stops gracefully (SIGTERM). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
