/**
 * The pieces the stack benchmarks (items 3 to 6) run on, all from the end-to-end harness: Azurite
 * (`scripts/azurite.ts`), the emulator as its own process, the Pulumi SDK's real dynamic-provider
 * host over gRPC, and `EngineDouble`, which runs a program under mocks and drives the host as the
 * engine does. Added here: a network probe preloaded into the host (every outgoing HTTP request
 * and connection, see `netProbe.cjs`) and timing of every gRPC call the engine makes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startAzurite, type AzuriteHandle } from "../../scripts/azurite";
import type { EmulatorProcess } from "../../harness/emulatorProcess";
import type { EngineDouble } from "../../harness/engine";
import {
  PROGRAM,
  engineFor as stackEngine,
  localConfig as stackConfig,
  nodeOptionsRequiring,
  startLocalEmulator,
  startLocalHost,
  type LocalServers,
} from "../../harness/localStack";
import type { ProviderHost } from "../../harness/providerHost";
import type { Persister } from "../../harness/snapshot";

/** One outgoing request or connection seen by the probe in the host. */
export interface ProbeEvent {
  readonly t: number;
  readonly kind: "start" | "end" | "status" | "connect";
  readonly id?: number;
  readonly via?: "http" | "fetch";
  readonly method?: string;
  readonly host?: string;
  readonly path?: string;
  readonly status?: number;
}

/** Summary of the probe events of a phase. */
export interface NetworkSummary {
  /** Outgoing HTTP requests. */
  readonly requests: number;
  /** Outgoing TCP connections. */
  readonly connections: number;
  /** Responses with status 429. */
  readonly throttled: number;
  /** Most requests in flight at once. */
  readonly maxInFlight: number;
  /** Requests by "METHOD host" (path left out), for the notes. */
  readonly byTarget: Record<string, number>;
}

/** The probe file of a host, read by phases. */
export class NetworkProbe {
  private offset = 0;

  constructor(readonly file: string) {
    fs.writeFileSync(file, "");
  }

  /** Events written since the last call. */
  take(): ProbeEvent[] {
    const text = fs.readFileSync(this.file, "utf8");
    const fresh = text.slice(this.offset);
    this.offset = text.length;
    return fresh
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ProbeEvent);
  }

  /**
   * Summarizes events (by default those since the last call), optionally only the requests that
   * `filter` keeps (matched on their start event).
   */
  summary(
    events: readonly ProbeEvent[] = this.take(),
    filter: (start: ProbeEvent) => boolean = () => true,
  ): NetworkSummary {
    const kept = new Set(events.filter((e) => e.kind === "start" && filter(e)).map((e) => e.id));
    let inFlight = 0;
    let maxInFlight = 0;
    const open = new Set<number>();
    const byTarget: Record<string, number> = {};
    let requests = 0;
    let throttled = 0;
    let connections = 0;
    for (const e of events) {
      if (e.kind !== "connect" && !kept.has(e.id)) continue;
      if (e.kind === "start") {
        requests++;
        if (e.id !== undefined) open.add(e.id);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const key = `${e.method} ${e.host}`;
        byTarget[key] = (byTarget[key] ?? 0) + 1;
      } else if (e.kind === "end" && e.id !== undefined && open.delete(e.id)) inFlight--;
      else if (e.kind === "status" && e.status === 429) throttled++;
      else if (e.kind === "connect") connections++;
    }
    return { requests, connections, throttled, maxInFlight, byTarget };
  }
}

/** One gRPC call the engine made on the host. */
export interface CallRecord {
  readonly method: "check" | "diff" | "create" | "update" | "delete" | "read";
  /** Resource name (last part of the URN). */
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** The call's arguments (URN, then olds/news or id/olds/news), when the host keeps them. */
  readonly args?: readonly unknown[];
}

/** A provider host with its probe and a log of every call. */
export interface BenchHost {
  readonly host: ProviderHost;
  readonly probe: NetworkProbe;
  readonly calls: CallRecord[];
  stop(): Promise<void>;
}

/**
 * Starts the SDK's dynamic-provider host in the project directory with the network probe
 * preloaded, and records every call made on it.
 *
 * @param dir - scratch directory (probe file, hash cache)
 * @param label - names the probe file
 * @param env - extra environment
 * @param keepArgs - keep each call's arguments in its record (to replay them)
 */
export async function startBenchHost(
  dir: string,
  label: string,
  env: NodeJS.ProcessEnv = {},
  keepArgs = false,
): Promise<BenchHost> {
  const probeFile = path.join(dir, `probe-${label}.jsonl`);
  const probe = new NetworkProbe(probeFile);
  const host = await startLocalHost(path.join(dir, "hash-cache"), {
    AZUREML_RETRAIN_LOG: "",
    NET_PROBE_FILE: probeFile,
    NODE_OPTIONS: nodeOptionsRequiring(path.join(__dirname, "netProbe.cjs")),
    ...env,
  });
  const calls: CallRecord[] = [];
  const target = host as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ["check", "diff", "create", "update", "delete", "read"] as const) {
    const original = target[method].bind(host);
    target[method] = async (...args: unknown[]) => {
      const start = performance.now();
      try {
        return await original(...args);
      } finally {
        calls.push({
          method,
          name: String(args[0]).split("::").pop() ?? "",
          start,
          end: performance.now(),
          ...(keepArgs ? { args } : {}),
        });
      }
    };
  }
  return { host, probe, calls, stop: () => host.stop() };
}

/** Azurite plus the emulator process, for a stack. */
export interface StackInfra extends LocalServers {
  readonly azurite: AzuriteHandle;
  readonly emulator: EmulatorProcess;
  stop(): Promise<void>;
}

/**
 * Starts Azurite and the emulator (its own process, through its bin) under `dir`.
 *
 * @param dir - scratch directory
 * @param emulatorArgs - extra emulator flags
 */
export async function startStackInfra(
  dir: string,
  emulatorArgs: readonly string[] = [],
): Promise<StackInfra> {
  fs.mkdirSync(dir, { recursive: true });
  const azurite = await startAzurite({ location: path.join(dir, "azurite") });
  const emulatorLocation = path.join(dir, "emulator");
  const emulator = await startLocalEmulator(emulatorLocation, azurite.blobEndpoint, emulatorArgs);
  return {
    azurite,
    emulator,
    azuriteBlobEndpoint: azurite.blobEndpoint,
    emulatorLocation,
    async stop() {
      await emulator.stop();
      await azurite.stop();
    },
  };
}

/**
 * The engine double on a checkpoint, running `program` (default: the project's `index.ts`).
 *
 * @param host - the provider host
 * @param checkpoint - the stack's checkpoint file, or a persister (a blob in Azurite)
 * @param program - absolute path of the program
 */
export function engineFor(
  host: ProviderHost,
  checkpoint: string | Persister,
  program = PROGRAM,
): EngineDouble {
  return stackEngine(host, checkpoint, "bench passphrase", program);
}

/**
 * Config of the local stack, as `Pulumi.local.yaml` holds it (see the end-to-end harness), with
 * the benches' gate (AUC ≥ 0.7, regression ≤ 0.05), a 30 min deadline and no endpoint.
 */
export function localConfig(
  infra: StackInfra,
  model: { version: string; data: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return stackConfig({
    servers: infra,
    model,
    gate: { metric: "AUC", min: 0.7, maxRegression: 0.05 },
    deadlineMinutes: 30,
    endpoints: [],
    extra,
  });
}

/** CPU time (user + system) a process has used so far, in ms (from /proc/<pid>/stat). */
export function cpuTimeMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Clock ticks per second of /proc times (USER_HZ: 100 on Linux for x86 and arm). */
const CLOCK_TICKS = 100;
