/**
 * A miniature Pulumi engine for end-to-end tests: it runs the real program (`index.ts`) under the
 * SDK's mocks, and turns each dynamic resource registration into the calls the engine makes on the
 * real provider host over gRPC (Check, Diff, then Create / Update / replace, Read, Delete), feeding
 * the real outputs back so dependents see them. It keeps a state file between runs.
 *
 * What it reproduces of the engine (pulumi/pkg/resource/deploy step_generator.go, step.go):
 * - Check gets the old *inputs*, Diff and Update the old *outputs*, Delete and Read the stored
 *   outputs (with the `__provider` that created them);
 * - "same" steps record the new inputs and keep the old outputs;
 * - a replacement creates the new resource first and deletes the old one at the end of a
 *   successful run (or the old one first when the provider asks for delete-before-replace);
 * - resources no longer declared are deleted at the end of a successful run, dependents first;
 * - on an error, dependents of the failed resource are never registered and no deletes happen;
 * - an Update after a partially created resource (ErrorResourceInitFailed) whatever the diff;
 * - secrets: the provider sees plain values (it does not accept secrets); an output is secret when
 *   the input under the same key was, or when listed in `additionalSecretOutputs`; the state file
 *   stores secret values encrypted (AES-256-GCM, like the passphrase secrets provider).
 * What it does not reproduce: parallelism limits, `protect`, aliases, import, plans.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { onRegisterResource, SECRET_SIG, SECRET_VALUE } from "../../helpers/mocks";
import { ResourceInitError, type ProviderHost } from "./providerHost";

type Props = Record<string, unknown>;

/** The SDK's unknown sentinel. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A resource in the state. */
export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  id: string;
  custom: boolean;
  inputs: Props;
  outputs: Props;
  /** Top-level keys whose values are secret. */
  secretKeys: string[];
  /** Created but failed to initialise: the next up updates it whatever the diff says. */
  initError?: boolean;
}

/** What happened to one resource in a run. */
export interface Step {
  readonly op:
    | "create"
    | "update"
    | "same"
    | "replace"
    | "delete"
    | "delete-replaced"
    | "refresh"
    | "read-gone";
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly replaces?: string[];
}

/** Result of a run. */
export interface RunResult {
  readonly steps: Step[];
  /** The first error (the run stopped creating dependents of it and skipped deletes). */
  readonly error?: Error;
  /** Resolved stack outputs (secret ones as plain values; see `secretOutputs`). */
  readonly outputs: Record<string, unknown>;
  readonly secretOutputs: string[];
}

function isSecret(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Props)[SECRET_SIG] === SECRET_VALUE;
}

/**
 * Unwraps secret sentinels at any depth, and turns the mocks' unknown marker back into the
 * sentinel string the engine sends providers for values not known during a preview.
 */
function plain(v: unknown): unknown {
  if (isSecret(v)) return plain(v.value);
  if (v && typeof v === "object" && (v as Props).__pulumiUnknown === true) return UNKNOWN;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function containsSecret(v: unknown): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (v && typeof v === "object") return Object.values(v).some(containsSecret);
  return false;
}

/** Splits registration inputs into plain values and the keys that carried secrets. */
function splitSecrets(inputs: Props): { values: Props; secretKeys: string[] } {
  const values: Props = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(inputs)) {
    if (v === undefined) continue;
    values[k] = plain(v);
    if (containsSecret(v)) secretKeys.push(k);
  }
  return { values, secretKeys };
}

/** Wraps the secret keys of `props` in sentinels, for the SDK. */
function markSecrets(props: Props, secretKeys: readonly string[]): Props {
  const out: Props = { ...props };
  for (const k of secretKeys)
    if (out[k] !== undefined) out[k] = { [SECRET_SIG]: SECRET_VALUE, value: out[k] };
  return out;
}

/** Identifies a resource: its URN, type and name. */
interface ResourceKey {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
}

/**
 * The state entry of a custom resource the host created (`initError`: created but failed to
 * initialise, so the next up updates it).
 */
function record(
  key: ResourceKey,
  created: { readonly id: string; readonly outputs: Props },
  inputs: Props,
  secretKeys: string[],
  initError = false,
): ResourceState {
  return {
    urn: key.urn,
    type: key.type,
    name: key.name,
    id: created.id,
    custom: true,
    inputs,
    outputs: created.outputs,
    secretKeys,
    ...(initError ? { initError } : {}),
  };
}

/** Options of {@link MiniEngine}. */
export interface EngineOptions {
  readonly host: ProviderHost;
  readonly stateFile: string;
  readonly passphrase: string;
  readonly project: string;
  readonly stack: string;
  /** Absolute path of the program to run (re-required for every run). */
  readonly program: string;
  /** Files to drop from the require cache before each run (the program and its config module). */
  readonly reload: readonly string[];
}

/** See the module comment. */
export class MiniEngine {
  private resources: ResourceState[] = [];
  private readonly secretOutputsByRegistration = new Map<string, string[]>();

  constructor(private readonly options: EngineOptions) {
    this.resources = this.load();
  }

  /** The current state (plain values). */
  get state(): readonly ResourceState[] {
    return this.resources;
  }

  /** Finds a resource by name (and type suffix). */
  resource(name: string, type?: string): ResourceState | undefined {
    return this.resources.find((r) => r.name === name && (!type || r.type.endsWith(type)));
  }

  // ---- state file ------------------------------------------------------------------------------

  private derivedKey?: Buffer;

  private key(): Buffer {
    // scrypt is slow on purpose (~50 ms): derived once, not per secret value. Per value, a stack
    // of 100 endpoints spent ~35 s of each up in scrypt (state load and save; bench item 5).
    return (this.derivedKey ??= crypto.scryptSync(
      this.options.passphrase,
      `${this.options.project}/${this.options.stack}`,
      32,
    ));
  }

  private encrypt(value: unknown): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.key(), iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
  }

  private decrypt(text: string): unknown {
    const raw = Buffer.from(text.slice(3), "base64");
    const decipher = crypto.createDecipheriv("aes-256-gcm", this.key(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(
      Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8"),
    );
  }

  private sealProps(props: Props, secretKeys: string[]): Props {
    return Object.fromEntries(
      Object.entries(props).map(([k, v]) => [
        k,
        secretKeys.includes(k) ? { [SECRET_SIG]: SECRET_VALUE, ciphertext: this.encrypt(v) } : v,
      ]),
    );
  }

  private openProps(props: Props): Props {
    return Object.fromEntries(
      Object.entries(props).map(([k, v]) => [
        k,
        typeof v === "object" && v !== null && (v as Props).ciphertext
          ? this.decrypt(String((v as Props).ciphertext))
          : v,
      ]),
    );
  }

  private load(): ResourceState[] {
    if (!fs.existsSync(this.options.stateFile)) return [];
    const stored = JSON.parse(fs.readFileSync(this.options.stateFile, "utf8")) as {
      resources: ResourceState[];
    };
    return stored.resources.map((r) => ({
      ...r,
      inputs: this.openProps(r.inputs),
      outputs: this.openProps(r.outputs),
    }));
  }

  private save(): void {
    const sealed = this.resources.map((r) => ({
      ...r,
      inputs: this.sealProps(r.inputs, r.secretKeys),
      outputs: this.sealProps(r.outputs, r.secretKeys),
    }));
    fs.writeFileSync(
      this.options.stateFile,
      JSON.stringify({ version: 1, resources: sealed }, null, 2),
    );
  }

  // ---- mocks -----------------------------------------------------------------------------------

  private urn(type: string, name: string): string {
    return `urn:pulumi:${this.options.stack}::${this.options.project}::${type}::${name}`;
  }

  /** Runs the program under mocks with `onResource` handling each registration; waits until quiet. */
  private async runProgram(
    config: Record<string, unknown>,
    preview: boolean,
    onResource: (
      type: string,
      name: string,
      inputs: Props,
      custom: boolean,
    ) => Promise<{ id: string; state: Props }>,
  ): Promise<{ outputs: Record<string, unknown>; secretOutputs: string[]; programError?: Error }> {
    // Captures `additionalSecretOutputs` (the mock monitor drops them; the engine applies them).
    const stopListening = onRegisterResource((r) =>
      this.secretOutputsByRegistration.set(`${r.type}::${r.name}`, r.additionalSecretOutputs),
    );
    let inFlight = 0;
    let activity = 0;
    await pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          inFlight++;
          activity++;
          try {
            return await onResource(
              args.type,
              args.name,
              args.inputs as Props,
              args.custom ?? false,
            );
          } finally {
            inFlight--;
            activity++;
          }
        },
        call: () => ({}),
      },
      this.options.project,
      this.options.stack,
      preview,
    );
    const secretKeys = Object.entries(config)
      .filter(([, v]) => isSecret(v))
      .map(([k]) => `${this.options.project}:${k}`);
    pulumi.runtime.setAllConfig(
      Object.fromEntries(
        Object.entries(config).map(([k, v]) => {
          const value = plain(v);
          return [
            `${this.options.project}:${k}`,
            typeof value === "string" ? value : JSON.stringify(value),
          ];
        }),
      ),
      secretKeys,
    );
    for (const file of this.options.reload) delete require.cache[file];
    // A failed registration rejects promises nobody awaits (the dependents' inputs); the engine
    // reports the failure once, so the harness swallows those echoes while the program runs.
    const swallow = (): void => undefined;
    process.on("unhandledRejection", swallow);
    process.on("rejectionHandled", swallow);
    let programError: Error | undefined;
    let exports: Record<string, unknown> = {};
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      exports = require(this.options.program) as Record<string, unknown>;
    } catch (e) {
      programError = e as Error;
    }
    // Quiet = nothing in flight and no activity for 300 ms.
    for (let quiet = 0, seen = -1; quiet < 6;) {
      await new Promise((r) => setTimeout(r, 50));
      if (inFlight === 0 && seen === activity) quiet++;
      else quiet = 0;
      seen = activity;
    }
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    if (!programError) {
      for (const [name, value] of Object.entries(exports)) {
        const output = pulumi.output(value as pulumi.Input<unknown>) as pulumi.Output<unknown>;
        const resolved = await Promise.race([
          new Promise((r) => output.apply((v: unknown) => r({ v }))),
          new Promise((r) => setTimeout(() => r(undefined), 200)),
        ]);
        if (resolved) {
          outputs[name] = (resolved as { v: unknown }).v;
          if (await pulumi.isSecret(output)) secretOutputs.push(name);
        }
      }
    }
    process.removeListener("unhandledRejection", swallow);
    process.removeListener("rejectionHandled", swallow);
    stopListening();
    return { outputs, secretOutputs, programError };
  }

  // ---- operations ------------------------------------------------------------------------------

  /** `pulumi up`: converge the state to the program. Never throws for resource errors. */
  async up(config: Record<string, unknown>): Promise<RunResult> {
    const steps: Step[] = [];
    const seen = new Set<string>();
    const replaced: ResourceState[] = [];
    let error: Error | undefined;
    const { host } = this.options;
    await host.configure(
      Object.fromEntries(
        Object.entries(config).map(([k, v]) => [
          `${this.options.project}:${k}`,
          JSON.stringify(plain(v)),
        ]),
      ),
    );

    const result = await this.runProgram(config, false, async (type, name, rawInputs, custom) => {
      const urn = this.urn(type, name);
      seen.add(urn);
      const old = this.resources.find((r) => r.urn === urn);
      if (!custom) {
        if (!old)
          this.resources.push({
            urn,
            type,
            name,
            id: "",
            custom,
            inputs: {},
            outputs: {},
            secretKeys: [],
          });
        return { id: "", state: rawInputs };
      }
      try {
        const { values, secretKeys: inputSecrets } = splitSecrets(rawInputs);
        const extraSecrets = this.secretOutputsByRegistration.get(`${type}::${name}`) ?? [];
        const secretKeys = [...new Set([...inputSecrets, ...extraSecrets])];
        const checked = await host.check(urn, old?.inputs ?? {}, values);
        const key = { urn, type, name };
        if (!old) {
          const created = await this.createWithInitErrors(key, checked);
          this.resources.push(record(key, created, checked, secretKeys));
          steps.push({ op: "create", urn, type, name });
          return { id: created.id, state: markSecrets(created.outputs, secretKeys) };
        }
        const diff = await host.diff(urn, old.id, old.outputs, checked);
        if (diff.replaces.length > 0) {
          if (diff.deleteBeforeReplace) {
            await host.delete(urn, old.id, old.outputs);
            this.resources = this.resources.filter((r) => r !== old);
          }
          const created = await this.createWithInitErrors(key, checked);
          if (!diff.deleteBeforeReplace) {
            replaced.push(old);
            this.resources = this.resources.filter((r) => r !== old);
          }
          this.resources.push(record(key, created, checked, secretKeys));
          steps.push({ op: "replace", urn, type, name, replaces: diff.replaces });
          return { id: created.id, state: markSecrets(created.outputs, secretKeys) };
        }
        if (diff.changes === "none" && !old.initError) {
          old.inputs = checked;
          old.secretKeys = secretKeys;
          steps.push({ op: "same", urn, type, name });
          return { id: old.id, state: markSecrets(old.outputs, old.secretKeys) };
        }
        try {
          old.outputs = await host.update(urn, old.id, old.outputs, checked);
          old.initError = false;
        } catch (e) {
          if (e instanceof ResourceInitError) {
            old.outputs = e.properties;
            old.initError = true;
          }
          throw e;
        } finally {
          old.inputs = checked;
          old.secretKeys = secretKeys;
        }
        steps.push({ op: "update", urn, type, name });
        return { id: old.id, state: markSecrets(old.outputs, old.secretKeys) };
      } catch (e) {
        error ??= e as Error;
        this.save();
        throw e;
      }
    });

    error ??= result.programError;
    if (!error) {
      // Deletes happen last, dependents first: reverse order of creation.
      for (const r of [...this.resources].reverse()) {
        if (r.custom && !seen.has(r.urn)) {
          await host.delete(r.urn, r.id, r.outputs);
          steps.push({ op: "delete", urn: r.urn, type: r.type, name: r.name });
        }
      }
      this.resources = this.resources.filter((r) => seen.has(r.urn));
      for (const r of replaced.reverse()) {
        try {
          await host.delete(r.urn, r.id, r.outputs);
          steps.push({ op: "delete-replaced", urn: r.urn, type: r.type, name: r.name });
        } catch (e) {
          error ??= e as Error;
        }
      }
    } else {
      // The old halves of replacements stay in the state until a later run deletes them.
      this.resources.push(...replaced.map((r) => ({ ...r, urn: `${r.urn}#replaced-${r.id}` })));
    }
    this.save();
    return { steps, error, outputs: result.outputs, secretOutputs: result.secretOutputs };
  }

  /** Create; a partially created resource (ErrorResourceInitFailed) is kept in the state. */
  private async createWithInitErrors(
    key: ResourceKey,
    inputs: Props,
  ): Promise<{ id: string; outputs: Props }> {
    try {
      return await this.options.host.create(key.urn, inputs);
    } catch (e) {
      if (e instanceof ResourceInitError) {
        const r = this.resources.find((x) => x.urn === key.urn);
        const partial = { id: e.id, outputs: e.properties };
        this.resources = this.resources.filter((x) => x.urn !== key.urn);
        this.resources.push(record(key, partial, inputs, r?.secretKeys ?? [], true));
      }
      throw e;
    }
  }

  /** `pulumi preview`: Check and Diff only. Returns the steps an up would take. */
  async preview(config: Record<string, unknown>): Promise<RunResult> {
    const steps: Step[] = [];
    let error: Error | undefined;
    const { host } = this.options;
    const seen = new Set<string>();
    const result = await this.runProgram(config, true, async (type, name, rawInputs, custom) => {
      const urn = this.urn(type, name);
      seen.add(urn);
      const old = this.resources.find((r) => r.urn === urn);
      if (!custom) return { id: "", state: rawInputs };
      try {
        const { values, secretKeys } = splitSecrets(rawInputs);
        const checked = await host.check(urn, old?.inputs ?? {}, values);
        if (!old) {
          steps.push({ op: "create", urn, type, name });
          // Dynamic providers do not preview: the engine uses the inputs, outputs unknown.
          return {
            id: "",
            state: markSecrets({ ...checked, ...this.unknownOutputs(type) }, secretKeys),
          };
        }
        const diff = await host.diff(urn, old.id, old.outputs, checked);
        if (diff.replaces.length > 0) {
          steps.push({ op: "replace", urn, type, name, replaces: diff.replaces });
          return {
            id: "",
            state: markSecrets({ ...checked, ...this.unknownOutputs(type) }, secretKeys),
          };
        }
        steps.push({
          op: diff.changes === "none" && !old.initError ? "same" : "update",
          urn,
          type,
          name,
        });
        return {
          id: old.id,
          state: markSecrets(
            { ...old.outputs, ...(diff.changes === "none" ? {} : checked) },
            old.secretKeys,
          ),
        };
      } catch (e) {
        error ??= e as Error;
        throw e;
      }
    });
    error ??= result.programError;
    if (!error) {
      for (const r of [...this.resources].reverse()) {
        if (r.custom && !seen.has(r.urn))
          steps.push({ op: "delete", urn: r.urn, type: r.type, name: r.name });
      }
    }
    return { steps, error, outputs: result.outputs, secretOutputs: result.secretOutputs };
  }

  /** Outputs a resource type computes, as unknowns (what dependents see in a preview). */
  private unknownOutputs(type: string): Props {
    const existing = this.resources.find((r) => r.type === type);
    const keys = existing
      ? Object.keys(existing.outputs).filter((k) => !(k in existing.inputs))
      : [];
    return Object.fromEntries(keys.map((k) => [k, UNKNOWN]));
  }

  /** `pulumi refresh`: Read every resource; gone ones leave the state. */
  async refresh(): Promise<RunResult> {
    const steps: Step[] = [];
    for (const r of [...this.resources]) {
      if (!r.custom) continue;
      const read = await this.options.host.read(r.urn, r.id, r.outputs, r.inputs);
      if (!read.id) {
        this.resources = this.resources.filter((x) => x !== r);
        steps.push({ op: "read-gone", urn: r.urn, type: r.type, name: r.name });
        continue;
      }
      r.id = read.id;
      r.outputs = read.outputs;
      if (read.inputs) r.inputs = read.inputs;
      steps.push({ op: "refresh", urn: r.urn, type: r.type, name: r.name });
    }
    this.save();
    return { steps, outputs: {}, secretOutputs: [] };
  }

  /** `pulumi destroy`: delete everything, dependents first. */
  async destroy(): Promise<RunResult> {
    const steps: Step[] = [];
    let error: Error | undefined;
    for (const r of [...this.resources].reverse()) {
      if (r.custom) {
        try {
          await this.options.host.delete(r.urn, r.id, r.outputs);
        } catch (e) {
          error ??= e as Error;
          continue;
        }
        steps.push({ op: "delete", urn: r.urn, type: r.type, name: r.name });
      }
      this.resources = this.resources.filter((x) => x !== r);
    }
    this.save();
    return { steps, error, outputs: {}, secretOutputs: [] };
  }
}

/** The op of each resource in a run (the retirement of a replaced one is a separate step, left out). */
export function opsOf(result: RunResult): Record<string, string> {
  return Object.fromEntries(
    result.steps.filter((s) => s.op !== "delete-replaced").map((s) => [s.name, s.op]),
  );
}
