/**
 * The engine double: `pulumi up`, `preview`, `refresh` and `destroy` without the CLI. It runs the
 * real program in this process under the SDK's mocks (`program.ts`) and turns each registration
 * into the calls the engine makes on the SDK's real dynamic-provider host over gRPC, under the
 * engine's rules, each following the pulumi/pulumi function named beside it:
 *
 * 1. Preview of a create or an update: the host does not implement previews, so the engine takes
 *    the checked inputs as the outputs and every other output is unknown downstream
 *    (`provider.Create` / `provider.Update` in `pkg/resource/plugin/provider_plugin.go`; the SDK
 *    resolves outputs missing from the answer as unknown in a dry run, `resolveOutputs` in
 *    `sdk/nodejs/runtime/rpc.ts`).
 * 2. Failure: a check failure prints each failure with its value and makes the resource invalid,
 *    which ends even a preview (`issueCheckFailures`, `resource %v is invalid` in
 *    `continueStepsFromImport`, `step_generator.go`); the first failed step cancels every step not
 *    started yet (`stepExecutor.cancelDueToError`, `step_executor.go`), and no delete runs after a
 *    failure (`deploymentExecutor.Execute`, `deployment_executor.go`).
 * 3. Parallelism: registrations are handled one at a time, Check and Diff included (the step
 *    generator runs in the executor's event loop, `deploymentExecutor.handleSingleEvent`); steps
 *    run on at most `parallel` workers (`newStepExecutor`; `--parallel` defaults to 4 × CPUs,
 *    `defaultParallel` in `pkg/cmd/pulumi/operations/up.go`).
 * 4. Dependents of a delete-before-replace are diffed again with the properties that depend on
 *    the replaced resource unknown, and the ones that must be replaced are deleted first
 *    (`calculateDependentReplacements`, `continueStepsFromDiff`).
 * 5. Checkpoints: the whole snapshot is written at the start and end of every create, update and
 *    delete, and for a same step whose state changed, one write at a time (`snapshot.ts`).
 * 6. Errors as printed and stored: a check failure prints the value of the property it names
 *    (`GetResourcePropertyInvalidValueError`); a partially created or updated resource is kept
 *    with its reasons as `initErrors` (`CreateStep.Apply`, `UpdateStep.Apply`), and a partially
 *    created replacement leaves the old resource pending deletion.
 * 7. Refresh reads each resource, then diffs the read state against the declared inputs
 *    (`RefreshStep.Apply`); deletes run in dependency order, as antichains
 *    (`stepGenerator.ScheduleDeletes`), and stop at the first failure.
 *
 * What it does not reproduce: `protect`, aliases, import, plans, targets, `ignoreChanges`,
 * `replaceOnChanges`, `retainOnDelete`, `deletedWith`, provider resources, secrets nested below
 * the top level of a property bag (a property holding a secret is secret as a whole here), and
 * the exact ciphertext of the passphrase secrets provider.
 */
import * as os from "node:os";
import type { ProviderHost, CheckFailure, DiffAnswer } from "./providerHost";
import { ResourceInitError } from "./providerHost";
import { runProgram, type ProgramOptions, type Registration } from "./program";
import { Crypter, markSecrets, plain, splitSecrets, UNKNOWN, type Props } from "./secrets";
import {
  FilePersister,
  parseCheckpoint,
  SnapshotManager,
  type Persister,
  type ResourceState,
  type WriteStats,
} from "./snapshot";
import { Mutex, Semaphore } from "./sync";

export type { ResourceState, WriteStats } from "./snapshot";

/** The operation of a step, as the CLI shows it. */
export type StepOp =
  "same" | "create" | "update" | "replace" | "delete" | "delete-replaced" | "refresh";

/** What happened to one resource in a run. */
export interface Step {
  readonly op: StepOp;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Replace: the properties that force it. */
  readonly replaces?: string[];
  /** Replace: whether the old resource was deleted first. */
  readonly deleteBeforeReplace?: boolean;
  /** A delete-replaced of a dependent: the resource whose replacement forced it. */
  readonly dependentOf?: string;
  /** Refresh: what the read found (`RefreshStep.ResultOp`). */
  readonly result?: "same" | "update" | "delete";
  /** The step ran and failed. */
  readonly failed?: boolean;
}

/** A message the engine prints (the CLI's diagnostics). */
export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly urn?: string;
  readonly message: string;
}

/** Result of a run. */
export interface RunResult {
  readonly steps: Step[];
  /** The run's error: the first failure (the run stopped there). */
  readonly error?: Error;
  /** What the engine printed: check failures, failed steps, init errors. */
  readonly diagnostics: Diagnostic[];
  /** Resolved stack outputs (secret ones as plain values; see `secretOutputs`). */
  readonly outputs: Record<string, unknown>;
  readonly secretOutputs: string[];
  /** The checkpoint writes of the run (none in a preview). */
  readonly writes: WriteStats;
}

/** Options of {@link EngineDouble}. */
export interface EngineOptions extends ProgramOptions {
  readonly host: ProviderHost;
  /** Encrypts the checkpoint's secrets. */
  readonly passphrase: string;
  /** The checkpoint: a file, or any persister (a blob in Azurite). */
  readonly checkpoint: string | Persister;
  /** Steps at once (`--parallel`); default 4 × CPUs, as the CLI. */
  readonly parallel?: number;
}

/** The default of `--parallel`: 4 × the CPUs (`defaultParallel`). */
export function defaultParallel(): number {
  return 4 * os.availableParallelism();
}

/** An error that ends the run without a diagnostic of its own (`result.BailError`). */
class Bail extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Bail";
  }
}

/** The error of a registration the run no longer handles (after a failure elsewhere). */
class Canceled extends Error {
  constructor(urn: string) {
    super(`${urn} was not handled: the run was canceled by an earlier failure`);
    this.name = "Canceled";
  }
}

/**
 * A value as the engine prints a property value (`PropertyValue.String`: `{%v}` of the Go value),
 * secrets included as their plain values.
 */
export function goValue(value: unknown, secret = false): string {
  const inner = (v: unknown): string => {
    if (v === undefined || v === null) return "<nil>";
    if (Array.isArray(v)) return `[${v.map((x) => `{${inner(x)}}`).join(" ")}]`;
    if (typeof v === "object") {
      const entries = Object.entries(v as Props).sort(([a], [b]) => (a < b ? -1 : 1));
      return `map[${entries.map(([k, x]) => `${k}:{${inner(x)}}`).join(" ")}]`;
    }
    return String(v);
  };
  return secret ? `{&{{${inner(value)}}}}` : `{${inner(value)}}`;
}

/**
 * A check failure as the engine prints it (`issueCheckFailures`): with the value of the property
 * it names (`GetResourcePropertyInvalidValueError`), or the resource's alone.
 * @param resource - the resource's type, name and secret input keys
 * @param inputs - the checked inputs
 * @param failure - what `check` answered
 */
export function checkFailureMessage(
  resource: {
    readonly type: string;
    readonly name: string;
    readonly secretKeys: readonly string[];
  },
  inputs: Props,
  failure: CheckFailure,
): string {
  const { type, name } = resource;
  return failure.property
    ? `${type} resource '${name}': property ${failure.property} value ${goValue(inputs[failure.property], resource.secretKeys.includes(failure.property))} has a problem: ${failure.reason}`
    : `${type} resource '${name}' has a problem: ${failure.reason}`;
}

/** The init-error reasons as the engine prints them (`InitError.Error`, a multierror). */
function initErrorText(reasons: readonly string[]): string {
  if (reasons.length === 0) return "resource init failed";
  const n = reasons.length;
  return `${n} error${n === 1 ? "" : "s"} occurred:\n${reasons.map((r) => `\t* ${r}`).join("\n")}\n\n`;
}

/** A step inside the double (what the step generator hands the executor). */
type InternalStep =
  | { kind: "same"; old: ResourceState; next: ResourceState }
  | { kind: "create"; next: ResourceState }
  | { kind: "update"; old: ResourceState; next: ResourceState }
  | {
      kind: "create-replacement";
      old: ResourceState;
      next: ResourceState;
      pendingDelete: boolean;
      replaces: string[];
      deleteBeforeReplace: boolean;
    }
  | {
      kind: "delete";
      old: ResourceState;
      replacing: boolean;
      pendingReplacement: boolean;
      dependentOf?: string;
    }
  | { kind: "drop"; old: ResourceState };

type Mode = "up" | "preview" | "refresh" | "destroy";

/** See the module comment. */
export class EngineDouble {
  private snapshot: ResourceState[] = [];
  private readonly persister: Persister;
  private readonly crypter: Crypter;
  private loaded = false;

  constructor(readonly options: EngineOptions) {
    this.persister =
      typeof options.checkpoint === "string"
        ? new FilePersister(options.checkpoint)
        : options.checkpoint;
    this.crypter = new Crypter(options.passphrase, `${options.project}/${options.stack}`);
  }

  /** The state after the last run (plain values). */
  get state(): readonly ResourceState[] {
    return this.snapshot;
  }

  /** The persister's write counts since it was made. */
  get writes(): WriteStats {
    return { ...this.persister.stats };
  }

  /** The live resource named `name` (and of a type ending in `type`). */
  resource(name: string, type?: string): ResourceState | undefined {
    return this.snapshot.find(
      (r) => r.name === name && !r.delete && (!type || r.type.endsWith(type)),
    );
  }

  /** Loads the checkpoint (once: later runs keep the state in memory, as written). */
  async load(): Promise<void> {
    if (this.loaded) return;
    const bytes = await this.persister.load();
    this.snapshot = bytes ? parseCheckpoint(bytes, this.crypter) : [];
    this.loaded = true;
  }

  /** `pulumi up`: converge the state to the program. Never throws for resource errors. */
  up(config: Record<string, unknown>): Promise<RunResult> {
    return this.run("up", config);
  }

  /** `pulumi preview`: Check and Diff, steps without provider calls, nothing written. */
  preview(config: Record<string, unknown>): Promise<RunResult> {
    return this.run("preview", config);
  }

  /** `pulumi refresh`: Read each resource, then Diff it against its inputs. */
  refresh(): Promise<RunResult> {
    return this.run("refresh", {});
  }

  /** `pulumi destroy`: delete everything, dependents first, stopping at the first failure. */
  destroy(): Promise<RunResult> {
    return this.run("destroy", {});
  }

  private async run(mode: Mode, config: Record<string, unknown>): Promise<RunResult> {
    await this.load();
    const before = { ...this.persister.stats };
    // Each run starts from the checkpoint as stored: the run marks its own copies in place.
    const base = this.snapshot.map((r) => ({ ...r }));
    const deployment = new Deployment(this.options, mode, base, {
      persister: mode === "preview" ? undefined : this.persister,
      crypter: this.crypter,
    });
    const result = await deployment.execute(config);
    if (mode !== "preview") this.snapshot = deployment.finalSnapshot();
    const after = this.persister.stats;
    return {
      ...result,
      writes: {
        writes: after.writes - before.writes,
        bytes: after.bytes - before.bytes,
        backupBytes: after.backupBytes - before.backupBytes,
        largest: after.largest,
      },
    };
  }
}

/** One run of the engine (`deploymentExecutor` with its step generator and executor). */
class Deployment {
  /** The live old state of each URN (`getOldResource`: not pending deletion). */
  private readonly olds = new Map<string, ResourceState>();
  private readonly generator = new Mutex();
  private readonly workers: Semaphore;
  private readonly sm: SnapshotManager;
  private readonly steps: Step[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  /** URNs the run has generated a step for (`isOperatedOn`). */
  private readonly operated = new Set<string>();
  /** Old states deleted ahead of a replacement this run (`pendingDeletes`). */
  private readonly pendingDeletes = new Set<ResourceState>();
  private error?: Error;
  private canceled = false;

  constructor(
    private readonly options: EngineOptions,
    private readonly mode: Mode,
    /** The base snapshot: the engine marks these states in place. */
    private readonly base: ResourceState[],
    io: { persister: Persister | undefined; crypter: Crypter },
  ) {
    this.workers = new Semaphore(options.parallel ?? defaultParallel());
    this.sm = new SnapshotManager(base, io.persister, {
      project: options.project,
      stack: options.stack,
      crypter: io.crypter,
    });
    for (const r of base) if (!r.delete) this.olds.set(r.urn, r);
  }

  private get preview(): boolean {
    return this.mode === "preview";
  }

  finalSnapshot(): ResourceState[] {
    return this.sm.snap();
  }

  /** Records the run's first error and cancels what has not started (`cancelDueToError`). */
  private fail(error: Error): void {
    if (!(error instanceof Canceled)) this.error ??= error;
    this.canceled = true;
  }

  private print(severity: Diagnostic["severity"], message: string, urn?: string): void {
    this.diagnostics.push({ severity, message, ...(urn ? { urn } : {}) });
  }

  async execute(config: Record<string, unknown>): Promise<Omit<RunResult, "writes">> {
    let outputs: Record<string, unknown> = {};
    let secretOutputs: string[] = [];
    const { host } = this.options;
    if (this.mode === "up" || this.mode === "preview") {
      await host.configure(
        Object.fromEntries(
          Object.entries(config).map(([k, v]) => [
            `${this.options.project}:${k}`,
            JSON.stringify(plain(v)),
          ]),
        ),
      );
      const program = await runProgram(this.options, config, this.preview, (r) => this.register(r));
      outputs = program.outputs;
      secretOutputs = program.secretOutputs;
      if (program.programError) this.fail(program.programError);
      if (!this.error && !this.canceled) await this.performDeletes(this.generateDeletes());
    } else if (this.mode === "destroy") {
      await this.performDeletes(
        this.base.map((old) =>
          old.pendingReplacement
            ? { kind: "drop" as const, old }
            : {
                kind: "delete" as const,
                old,
                replacing: Boolean(old.delete),
                pendingReplacement: false,
              },
        ),
      );
    } else {
      await this.refreshAll();
    }
    await this.sm.close().catch((e: Error) => this.fail(e));
    if (this.sm.writeError) this.fail(this.sm.writeError);
    return {
      steps: this.steps,
      ...(this.error ? { error: this.error } : {}),
      diagnostics: this.diagnostics,
      outputs,
      secretOutputs,
    };
  }

  // ---- registrations (step generation and execution) ------------------------------------------

  /** Handles one registration: generates its steps (one at a time), then runs them. */
  private async register(r: Registration): Promise<{ id: string; state: Props }> {
    // The failure is recorded before the generator lock is released: the engine's event loop
    // returns on the first error, so a registration waiting for the lock is never checked.
    const chain = await this.generator.run(async () => {
      try {
        return await this.generate(r);
      } catch (e) {
        this.fail(e as Error);
        throw e;
      }
    });
    try {
      return await this.workers.run(() => this.executeChain(r, chain));
    } catch (e) {
      this.fail(e as Error);
      throw e;
    }
  }

  /** The state a registration asks for (`resource.NewState` in `generateResourceSteps`). */
  private goal(r: Registration, inputs: Props, secretKeys: string[]): ResourceState {
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      id: "",
      custom: r.custom,
      ...(r.parent ? { parent: r.parent } : {}),
      inputs,
      outputs: {},
      secretKeys: [...new Set([...secretKeys])],
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      additionalSecretOutputs: r.additionalSecretOutputs,
    };
  }

  /** Prints check failures as the engine does (`issueCheckFailures`); true when there were any. */
  private issueCheckFailures(
    goal: ResourceState,
    inputs: Props,
    failures: readonly CheckFailure[],
  ): boolean {
    for (const f of failures) this.print("error", checkFailureMessage(goal, inputs, f), goal.urn);
    return failures.length > 0;
  }

  /**
   * The steps of one registration (`continueStepsFromImport`, `generateStepsFromDiff`,
   * `continueStepsFromDiff`). Runs under the generator lock: Check and Diff never overlap.
   */
  private async generate(r: Registration): Promise<InternalStep[]> {
    if (this.canceled) throw new Canceled(r.urn);
    const { values, secretKeys } = splitSecrets(r.inputs);
    const goal = this.goal(r, values, secretKeys);
    const old = this.olds.get(r.urn);
    this.operated.add(r.urn);
    if (!r.custom) {
      // Component resources have no provider: same or create, with the inputs as they are.
      return old ? [{ kind: "same", old, next: goal }] : [{ kind: "create", next: goal }];
    }
    const { host } = this.options;
    const checked = await host.check(r.urn, old ? old.inputs : {}, values);
    goal.inputs = checked.inputs;
    if (this.issueCheckFailures(goal, checked.inputs, checked.failures)) {
      throw new Bail(`resource ${r.urn} is invalid`);
    }
    if (!old) return [{ kind: "create", next: goal }];

    let diff = await host.diff(r.urn, old.id, old.outputs, goal.inputs);
    if (diff.changes === "unknown") diff = this.legacyDiff(diff, old, goal);
    const hasInitErrors = (old.initErrors?.length ?? 0) > 0;
    if (diff.changes === "some" || old.pendingReplacement) {
      if (diff.replaces.length > 0 || old.pendingReplacement) {
        // A replacement recomputes the inputs without the old ones (defaults are not carried).
        const again = await host.check(r.urn, {}, values);
        goal.inputs = again.inputs;
        if (this.issueCheckFailures(goal, again.inputs, again.failures)) {
          throw new Bail(`resource ${r.urn} has check errors`);
        }
        const deleteBeforeReplace = r.deleteBeforeReplace ?? diff.deleteBeforeReplace;
        const replacement = {
          kind: "create-replacement" as const,
          old,
          next: goal,
          replaces: diff.replaces,
          deleteBeforeReplace,
        };
        if (!deleteBeforeReplace) return [{ ...replacement, pendingDelete: true }];
        // Delete-before-replace: the dependents that would be replaced go first, dependents
        // first (`calculateDependentReplacements`), then the old resource.
        const chain: InternalStep[] = [];
        const dependents = await this.dependentReplacements(old);
        for (const d of [...dependents].reverse()) {
          if (this.pendingDeletes.has(d)) continue;
          this.pendingDeletes.add(d);
          chain.push({
            kind: "delete",
            old: d,
            replacing: true,
            pendingReplacement: true,
            dependentOf: r.name,
          });
        }
        if (!old.pendingReplacement) {
          this.pendingDeletes.add(old);
          chain.push({ kind: "delete", old, replacing: true, pendingReplacement: true });
        }
        return [...chain, { ...replacement, pendingDelete: false }];
      }
      return [{ kind: "update", old, next: goal }];
    }
    // Unchanged but partially created: an update to finish it (`hasInitErrors`).
    if (hasInitErrors) return [{ kind: "update", old, next: goal }];
    return [{ kind: "same", old, next: goal }];
  }

  /** A diff the provider could not decide: inputs compared (`diffResource`). */
  private legacyDiff(diff: DiffAnswer, old: ResourceState, goal: ResourceState): DiffAnswer {
    const same = JSON.stringify(sortDeep(old.inputs)) === JSON.stringify(sortDeep(goal.inputs));
    return { ...diff, changes: same ? "none" : "some" };
  }

  /**
   * The dependents of `root` that its deletion forces to be replaced
   * (`calculateDependentReplacements`): each transitive dependent in snapshot order is diffed
   * with the properties that depend on a resource being replaced made unknown.
   */
  private async dependentReplacements(root: ResourceState): Promise<ResourceState[]> {
    const replaceSet = new Set([root.urn]);
    const dependentSet = new Set([root.urn]);
    const toReplace: ResourceState[] = [];
    const start = this.base.indexOf(root);
    for (const candidate of this.base.slice(start + 1)) {
      // Resources registered already cannot depend on the root (`impossibleDependents`).
      if (this.operated.has(candidate.urn)) continue;
      const deps = [
        ...candidate.dependencies,
        ...Object.values(candidate.propertyDependencies).flat(),
      ];
      if (!deps.some((u) => dependentSet.has(u))) continue;
      dependentSet.add(candidate.urn);
      if (!candidate.custom) continue;
      let linked = false;
      const inputsForDiff: Props = {};
      for (const [k, v] of Object.entries(candidate.inputs)) {
        const dependsOnReplaced = (candidate.propertyDependencies[k] ?? []).some((u) =>
          replaceSet.has(u),
        );
        linked ||= dependsOnReplaced;
        inputsForDiff[k] = dependsOnReplaced ? UNKNOWN : v;
      }
      if (!linked) continue;
      const diff = await this.options.host.diff(
        candidate.urn,
        candidate.id,
        candidate.outputs,
        inputsForDiff,
      );
      if (diff.replaces.length > 0) {
        toReplace.push(candidate);
        replaceSet.add(candidate.urn);
      }
    }
    return toReplace;
  }

  /** Runs a registration's steps in order on one worker (`executeChain`). */
  private async executeChain(
    r: Registration,
    chain: InternalStep[],
  ): Promise<{ id: string; state: Props }> {
    let answer: ResourceState | undefined;
    for (const step of chain) {
      if (this.canceled) throw new Canceled(r.urn);
      answer = (await this.apply(step)) ?? answer;
    }
    if (!answer) throw new Error(`no step of ${r.urn} produced a state`);
    if (!r.custom) return { id: "", state: r.inputs };
    return { id: answer.id, state: markSecrets(answer.outputs, answer.secretKeys) };
  }

  /** The secret keys of a state once it has outputs (input secrets and additional ones). */
  private static withOutputSecrets(state: ResourceState): void {
    state.secretKeys = [
      ...new Set([
        ...state.secretKeys,
        ...state.additionalSecretOutputs.filter((k) => k in state.outputs),
      ]),
    ];
  }

  /** Applies one step (`Step.Apply` and the snapshot mutation around it). */
  private async apply(step: InternalStep): Promise<ResourceState | undefined> {
    const { host } = this.options;
    switch (step.kind) {
      case "same": {
        const { old, next } = step;
        next.id = old.id;
        next.outputs = old.outputs;
        next.secretKeys = [...new Set([...next.secretKeys, ...old.secretKeys])];
        this.record("same", next);
        if (!this.preview) await this.sm.endSame(old, next);
        return next;
      }
      case "create":
      case "create-replacement": {
        const { next } = step;
        const old = step.kind === "create-replacement" ? step.old : undefined;
        const stepInfo =
          step.kind === "create-replacement"
            ? { replaces: step.replaces, deleteBeforeReplace: step.deleteBeforeReplace }
            : {};
        const op: StepOp = step.kind === "create" ? "create" : "replace";
        if (this.preview || !next.custom) {
          // A dynamic provider does not preview: the inputs are the outputs (rule 1). The old
          // half of a replacement is marked pending deletion in a preview too.
          next.outputs = next.custom ? { ...next.inputs } : {};
          if (step.kind === "create-replacement" && step.pendingDelete) step.old.delete = true;
          if (!this.preview) {
            await this.sm.begin(next, "creating");
            await this.sm.endCreate(next, old, true);
          }
          this.record(op, next, stepInfo);
          return next;
        }
        await this.sm.begin(next, "creating");
        try {
          const created = await host.create(next.urn, next.inputs);
          next.id = created.id;
          next.outputs = created.outputs;
        } catch (e) {
          if (e instanceof ResourceInitError) {
            // Created but not initialized: kept, with its reasons, and the old one it replaces
            // is pending deletion all the same (`CreateStep.Apply`).
            next.id = e.id;
            next.outputs = e.properties;
            next.initErrors = e.reasons;
            Deployment.withOutputSecrets(next);
            if (step.kind === "create-replacement" && step.pendingDelete) step.old.delete = true;
            await this.sm.endCreate(next, old, true);
          } else {
            await this.sm.endCreate(next, old, false);
          }
          this.record(op, next, { ...stepInfo, failed: true });
          throw this.stepFailed(next, e);
        }
        Deployment.withOutputSecrets(next);
        if (step.kind === "create-replacement" && step.pendingDelete) step.old.delete = true;
        await this.sm.endCreate(next, old, true);
        this.record(op, next, stepInfo);
        return next;
      }
      case "update": {
        const { old, next } = step;
        next.id = old.id;
        if (this.preview) {
          next.outputs = { ...next.inputs };
          this.record("update", next);
          return next;
        }
        await this.sm.begin(next, "updating");
        try {
          next.outputs = await host.update(next.urn, old.id, old.outputs, next.inputs);
          delete next.initErrors;
        } catch (e) {
          if (e instanceof ResourceInitError) {
            // Partially updated: old inputs, new outputs, the reasons (`OnResourceStepPost`).
            next.inputs = old.inputs;
            next.outputs = e.properties;
            next.initErrors = e.reasons;
            Deployment.withOutputSecrets(next);
            await this.sm.endUpdate(old, next, true);
          } else {
            await this.sm.endUpdate(old, next, false);
          }
          this.record("update", next, { failed: true });
          throw this.stepFailed(next, e);
        }
        Deployment.withOutputSecrets(next);
        await this.sm.endUpdate(old, next, true);
        this.record("update", next);
        return next;
      }
      case "delete": {
        const { old } = step;
        const op: StepOp = step.replacing ? "delete-replaced" : "delete";
        const info = step.dependentOf ? { dependentOf: step.dependentOf } : {};
        if (this.preview) {
          // Not deleted in a preview, but marked as the engine marks it (`DeleteStep.Apply`).
          if (step.pendingReplacement) old.pendingReplacement = true;
          this.record(op, old, info);
          return undefined;
        }
        await this.sm.begin(old, "deleting");
        try {
          if (old.custom) await host.delete(old.urn, old.id, old.outputs);
        } catch (e) {
          await this.sm.endDelete(old, false);
          this.record(op, old, { ...info, failed: true });
          throw this.stepFailed(old, e);
        }
        if (step.pendingReplacement) old.pendingReplacement = true;
        await this.sm.endDelete(old, true);
        this.record(op, old, info);
        return undefined;
      }
      case "drop": {
        if (!this.preview) await this.sm.drop(step.old);
        return undefined;
      }
    }
  }

  /** Prints a failed step's error as the engine does and returns it. */
  private stepFailed(state: ResourceState, error: unknown): Error {
    const e = error instanceof Error ? error : new Error(String(error));
    const message = e instanceof ResourceInitError ? initErrorText(e.reasons) : e.message;
    this.print("error", message, state.urn);
    return e;
  }

  private record(op: StepOp, state: ResourceState, extra: Partial<Step> = {}): void {
    this.steps.push({ op, urn: state.urn, type: state.type, name: state.name, ...extra });
  }

  // ---- deletes ----------------------------------------------------------------------------------

  /**
   * The deletes after every registration (`GenerateDeletes`): resources pending deletion (old
   * halves of replacements) and resources the program no longer declares.
   */
  private generateDeletes(): InternalStep[] {
    const steps: InternalStep[] = [];
    for (const old of this.base) {
      if (old.delete) {
        if (this.pendingDeletes.has(old)) continue;
        steps.push({ kind: "delete", old, replacing: true, pendingReplacement: false });
      } else if (!this.operated.has(old.urn)) {
        steps.push(
          old.pendingReplacement
            ? { kind: "drop", old }
            : { kind: "delete", old, replacing: false, pendingReplacement: false },
        );
      }
    }
    return steps;
  }

  /**
   * Runs deletes in dependency order (`ScheduleDeletes`): antichains of resources nothing left
   * depends on, each run in parallel, dependents' antichains first; the first failure cancels
   * everything not started.
   */
  private async performDeletes(steps: InternalStep[]): Promise<void> {
    const stateOf = (s: InternalStep): ResourceState =>
      s.kind === "delete" || s.kind === "drop" ? s.old : s.next;
    const dependenciesOf = (r: ResourceState): string[] => [
      ...r.dependencies,
      ...Object.values(r.propertyDependencies).flat(),
      ...(r.parent ? [r.parent] : []),
    ];
    const condemned = new Set(steps);
    const antichains: InternalStep[][] = [];
    while (condemned.size > 0) {
      const urns = new Set([...condemned].map((s) => stateOf(s).urn));
      const ready = [...condemned].filter(
        (s) => !dependenciesOf(stateOf(s)).some((u) => u !== stateOf(s).urn && urns.has(u)),
      );
      if (ready.length === 0) throw new Error("the resources to delete depend on each other");
      for (const s of ready) condemned.delete(s);
      antichains.push(ready);
    }
    for (const antichain of antichains.reverse()) {
      if (this.canceled) return;
      await Promise.all(
        antichain.map((step) =>
          this.workers
            .run(async () => {
              if (this.canceled) return;
              await this.apply(step);
            })
            .catch((e: Error) => this.fail(e)),
        ),
      );
    }
  }

  // ---- refresh ----------------------------------------------------------------------------------

  /** Reads every custom resource, then diffs what was read against its inputs (`RefreshStep`). */
  private async refreshAll(): Promise<void> {
    const { host } = this.options;
    await Promise.all(
      this.base
        .filter((r) => r.custom)
        .map((old) =>
          this.workers
            .run(async () => {
              if (this.canceled) return;
              const read = await host.read(old.urn, old.id, old.outputs, old.inputs);
              if (!read.id) {
                await this.sm.refreshed(old, undefined);
                this.record("refresh", old, { result: "delete" });
                return;
              }
              const fresh: ResourceState = {
                ...old,
                id: read.id,
                outputs: read.outputs,
                inputs: read.inputs ?? old.inputs,
              };
              // Diffed the other way round: what an up right after would change.
              const diff = await host.diff(old.urn, fresh.id, fresh.outputs, old.inputs);
              await this.sm.refreshed(old, fresh);
              this.record("refresh", fresh, {
                result: diff.changes === "some" ? "update" : "same",
              });
            })
            .catch((e: Error) => {
              this.print("error", e.message, old.urn);
              this.fail(e);
            }),
        ),
    );
  }
}

/** A copy with object keys sorted at every level (for comparing property bags). */
function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, sortDeep(x)]),
    );
  return v;
}

/** The op of each resource in a run (the retirement of a replaced one is a separate step, left out). */
export function opsOf(result: Pick<RunResult, "steps">): Record<string, string> {
  return Object.fromEntries(
    result.steps.filter((s) => s.op !== "delete-replaced").map((s) => [s.name, s.op]),
  );
}

/**
 * The steps of a run as sorted lines (`<op> <name>`, with the replaced properties of a replace
 * and `(failed)`), for exact assertions that do not depend on the order parallel steps ran in.
 */
export function stepLines(result: Pick<RunResult, "steps">): string[] {
  return result.steps
    .map(
      (s) =>
        `${s.op} ${s.name}` +
        (s.replaces ? ` [${s.replaces.join(",")}]` : "") +
        (s.result ? ` → ${s.result}` : "") +
        (s.failed ? " (failed)" : ""),
    )
    .sort();
}

/** The diagnostics of a run as the CLI prints them (one `error:` block each). */
export function printed(result: Pick<RunResult, "diagnostics">): string {
  return result.diagnostics
    .map((d) => `${d.urn ? `  ${d.urn}\n` : ""}    ${d.severity}: ${d.message}`)
    .join("\n");
}
