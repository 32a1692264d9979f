/**
 * The end of an e2e suite on the local stack: what it created destroyed through the engine
 * double (a failed destroy fails the suite: it would leave containers in the Azurite other suites
 * share), then the stack's processes stopped and its folder removed, whatever happened before.
 */
import * as fs from "node:fs";
import type { EngineDouble } from "../../harness/engine";
import type { LocalStack } from "../../harness/localStack";

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
