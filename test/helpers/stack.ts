/**
 * What the e2e suites on the local stack share: their end (what they created destroyed through
 * the engine double, a failed destroy failing the suite since it would leave containers in the
 * Azurite other suites share; then the stack's processes stopped and its folder removed), a
 * record of their runs, the scan of those runs and the checkpoint for secrets, and the fault
 * that fails one endpoint's scoring.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import { printed, type EngineDouble, type RunResult } from "../../harness/engine";
import type { LocalStack } from "../../harness/localStack";
import { azuriteConnectionString } from "./env";
import { expectPresent } from "./expect";

/**
 * Destroys what the engine holds, stops the stack and removes its folder.
 * @param engine - the suite's engine double (undefined when its set-up failed early)
 * @param stack - the local stack it ran on
 * @param work - the suite's folder
 */
export async function tearDownStack(
  engine: EngineDouble | undefined,
  stack: LocalStack | undefined,
  work: string | undefined,
): Promise<void> {
  try {
    if (engine?.state.some((r) => r.custom)) {
      const destroyed = await engine.destroy();
      if (destroyed.error) throw destroyed.error;
    }
  } finally {
    await stack?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Escapes a string for a regular expression (to match an error message with parts left open). */
export function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The runs of a suite, kept for the secrets scan at its end. */
export class RunLog {
  readonly runs: RunResult[] = [];

  /** Waits for a run and keeps it. */
  readonly run = async (work: Promise<RunResult>): Promise<RunResult> => {
    const result = await work;
    this.runs.push(result);
    return result;
  };
}

/**
 * Asserts that no secret of the stack (each resource's primary and secondary key, the emulator's
 * workspace and ARM tokens, the storage account key) is in the checkpoint file or in anything
 * the runs printed or failed with.
 * @param stack - the local stack
 * @param engine - its engine double (the keys are read from its state)
 * @param runs - the suite's runs
 */
export function expectNoSecrets(
  stack: LocalStack,
  engine: EngineDouble,
  runs: readonly RunResult[],
): void {
  const keys = engine.state.flatMap((r) =>
    ["primaryKey", "secondaryKey"]
      .map((k) => r.outputs[k])
      .filter((v): v is string => typeof v === "string"),
  );
  const accountKey = /AccountKey=([^;]+)/.exec(azuriteConnectionString())?.[1];
  expectPresent(accountKey, "the storage account key");
  const secrets = [
    ...keys,
    stack.emulator.credentials.workspaceToken,
    stack.emulator.credentials.armToken,
    accountKey,
  ];
  // Keys of several endpoints at least: a scan of nothing would pass.
  expect(secrets.length).to.be.greaterThan(6);
  const checkpoint = fs.readFileSync(stack.stateFile, "utf8");
  const text = runs.map((r) => `${printed(r)}\n${r.error?.message ?? ""}`).join("\n");
  for (const secret of secrets) {
    expect(checkpoint.includes(secret), "a secret in the checkpoint").to.equal(false);
    expect(text.includes(secret), "a secret in the printed text").to.equal(false);
  }
}

/**
 * Restarts the stack's emulator so that every RRS call to one endpoint fails (its fault
 * injection on that endpoint's `…/execute` path only).
 * @param stack - the local stack
 * @param apiLocation - the endpoint's execution URL
 */
export async function failScoringOf(stack: LocalStack, apiLocation: string): Promise<void> {
  const api = new URL(apiLocation);
  await stack.emulator.restartWith([
    "--fault-rate",
    "1",
    "--fault-paths",
    `^POST ${literal(api.pathname)}/execute$`,
  ]);
}
