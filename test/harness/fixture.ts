/**
 * The tests of the engine double run the fixture program (`fixtures/program.ts`) through the
 * SDK's real dynamic-provider host; this keeps one host for a suite and gives each test its own
 * checkpoint and call log.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EngineDouble, type EngineOptions } from "../../harness/engine";
import { PROJECT_DIR, ProviderHost } from "../../harness/providerHost";
import type { Persister } from "../../harness/snapshot";
import type { ThingSpec } from "./fixtures/program";

/** The fixture program. */
export const PROGRAM = path.join(__dirname, "fixtures", "program.ts");

/** One call the recorder provider logged. */
export interface Call {
  readonly method: "check" | "diff" | "create" | "update" | "read" | "delete";
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly outcome: string;
  readonly upstream?: unknown;
  readonly olds?: boolean;
}

/** The type of every Thing. */
export const THING = "pulumi-nodejs:dynamic/fixture:Thing";

/** The URN of a Thing in the fixture stack. */
export function urnOf(name: string): string {
  return `urn:pulumi:test::fixture::${THING}::${name}`;
}

/** A test's stack: its engine, checkpoint and call log. */
export class FixtureStack {
  readonly engine: EngineDouble;
  readonly log: string;
  readonly checkpoint: string;

  constructor(
    host: ProviderHost,
    readonly dir: string,
    options: Partial<Pick<EngineOptions, "parallel">> & { persister?: Persister } = {},
  ) {
    this.log = path.join(dir, "calls.jsonl");
    this.checkpoint = path.join(dir, "checkpoint.json");
    this.engine = new EngineDouble({
      host,
      project: "fixture",
      stack: "test",
      passphrase: "fixture passphrase",
      program: PROGRAM,
      reload: [PROGRAM],
      checkpoint: options.persister ?? this.checkpoint,
      ...(options.parallel ? { parallel: options.parallel } : {}),
    });
  }

  /** The config of a run declaring `resources`. */
  config(resources: readonly ThingSpec[]): Record<string, unknown> {
    return { resources, log: this.log };
  }

  /** The calls logged so far, and forgets them (the next call starts a new list). */
  calls(): Call[] {
    if (!fs.existsSync(this.log)) return [];
    const calls = fs
      .readFileSync(this.log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Call);
    fs.rmSync(this.log);
    return calls;
  }

  /** Makes the next reads of these resources see other values (`"gone"`: deleted). */
  drift(values: Record<string, unknown>): void {
    fs.writeFileSync(`${this.log}.drift.json`, JSON.stringify(values));
  }

  /** The checkpoint file's resources, as stored (secrets sealed). */
  stored(): Record<string, unknown>[] {
    const parsed = JSON.parse(fs.readFileSync(this.checkpoint, "utf8")) as {
      checkpoint: { latest: { resources: Record<string, unknown>[] } };
    };
    return parsed.checkpoint.latest.resources;
  }
}

/** The most calls (of the given methods) in flight at once. */
export function peakOverlap(calls: readonly Call[], methods: readonly Call["method"][]): number {
  const events = calls
    .filter((c) => methods.includes(c.method))
    .flatMap((c) => [
      { t: c.start, d: 1 },
      { t: c.end, d: -1 },
    ])
    // Ends before starts at the same instant: back-to-back calls do not overlap.
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const e of events) {
    now += e.d;
    peak = Math.max(peak, now);
  }
  return peak;
}

/** `method name` of each call, in the order they started. */
export function sequence(calls: readonly Call[], methods?: readonly Call["method"][]): string[] {
  return [...calls]
    .filter((c) => !methods || methods.includes(c.method))
    .sort((a, b) => a.start - b.start)
    .map((c) => `${c.method} ${c.name}`);
}

/** A provider host for a suite, and a fresh folder per test. */
export function fixtureHost(): {
  host: () => ProviderHost;
  stack: (options?: ConstructorParameters<typeof FixtureStack>[2]) => FixtureStack;
} {
  let host: ProviderHost | undefined;
  const dirs: string[] = [];
  before(async function () {
    this.timeout(60_000);
    host = await ProviderHost.start(PROJECT_DIR, { ...process.env, AZUREML_RETRAIN_LOG: "silent" });
  });
  after(async () => {
    await host?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  return {
    host: () => {
      if (!host) throw new Error("the provider host did not start");
      return host;
    },
    stack: (options) => {
      if (!host) throw new Error("the provider host did not start");
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-double-"));
      dirs.push(dir);
      return new FixtureStack(host, dir, options);
    },
  };
}
