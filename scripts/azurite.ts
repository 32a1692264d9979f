/**
 * Starts Azurite's blob service as a child process, the way the tests, the demo and
 * `npm run emulators` need it. Facts behind each flag: `docs/azurite.md`
 * (API-version check, shutdown hang without --disableTelemetry, orphans under npx).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { AZURITE_ACCOUNT, azuriteConnectionString } from "../clients/azurite";

export { AZURITE_ACCOUNT, AZURITE_KEY, azuriteConnectionString } from "../clients/azurite";

/** Options for {@link startAzurite}. */
export interface AzuriteOptions {
  /** Port for the blob service; 0 (default) picks a free one. */
  readonly port?: number;
  /** Data folder; a fresh temporary folder (removed on stop) when absent. */
  readonly location?: string;
  /** Forward Azurite's own output to this process's stderr. */
  readonly verbose?: boolean;
}

/** A running Azurite blob service. */
export interface AzuriteHandle {
  /** Blob endpoint of the development account, e.g. `http://127.0.0.1:10000/devstoreaccount1`. */
  readonly blobEndpoint: string;
  /** Connection string for the development account. */
  readonly connectionString: string;
  /** Port the blob service bound. */
  readonly port: number;
  /** The child process (exposed so fault tests can kill or restart it). */
  readonly process: ChildProcess;
  /** Stops Azurite gracefully (SIGTERM, then SIGKILL after 5 s) and removes a temporary folder. */
  stop(): Promise<void>;
}

/** Starts Azurite's blob service and resolves once it listens. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteHandle> {
  const main = require.resolve("azurite/dist/src/blob/main.js");
  const temporary = options.location === undefined;
  const location = options.location ?? mkdtempSync(path.join(tmpdir(), "azurite-"));
  mkdirSync(location, { recursive: true });
  const watchdog = path.join(__dirname, "azurite-watchdog.cjs");
  const child = spawn(
    process.execPath,
    [
      "--require",
      watchdog,
      main,
      "--silent",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(options.port ?? 0),
      "--location",
      location,
    ],
    { cwd: location, stdio: ["ignore", "pipe", "pipe", "ipc"] },
  );
  child.unref();
  child.channel?.unref();
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  // Everything Azurite prints is kept: readiness and shutdown are both read from it.
  let output = "";
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Azurite did not start in 30 s:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer): void => {
      if (options.verbose) process.stderr.write(chunk);
      const match = /successfully listens on https?:\/\/[^\s:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited early (${code ?? signal}):\n${output}`));
    });
  });
  (child.stdout as unknown as { unref?: () => void })?.unref?.();
  (child.stderr as unknown as { unref?: () => void })?.unref?.();

  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    blobEndpoint,
    connectionString: azuriteConnectionString(blobEndpoint),
    port,
    process: child,
    async stop(): Promise<void> {
      process.removeListener("exit", killOnExit);
      // The child and its pipes were unref'd so an idle Azurite never keeps a finished run
      // alive. While stopping, they must hold the event loop again: otherwise Node runs out of
      // referenced work mid-teardown and exits 0 before mocha has set the failure count.
      child.ref();
      (child.stdout as unknown as { ref?: () => void })?.ref?.();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        // Azurite closes its server on SIGTERM (flushing its metadata) but idle keep-alive
        // sockets can keep the process up; once it reports "closed", dropping the IPC channel
        // makes the watchdog exit it. SIGKILL is the last resort.
        const closed = new Promise<void>((resolve) => {
          const check = (): void => {
            if (/successfully closed/.test(output)) resolve();
          };
          child.stdout?.on("data", check);
          check();
        });
        child.kill("SIGTERM");
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([
          closed,
          exited,
          new Promise<void>((resolve) => (grace = setTimeout(resolve, 5_000))),
        ]);
        clearTimeout(grace);
        if (child.connected) child.disconnect();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      if (child.connected) child.disconnect();
      if (temporary) rmSync(location, { recursive: true, force: true });
    },
  };
}
