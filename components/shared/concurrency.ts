import type * as pulumi from "@pulumi/pulumi";

/**
 * A per-process limit on how many operations of one kind run at once, shared by every copy of a
 * provider in the process. Why: the engine runs up to `--parallel` steps at once (4 × CPUs by
 * default, unbounded when asked), so repointing 100 endpoints could open 100 PATCH-and-read
 * sequences on the management API together, the kind of burst that API answers with 429s.
 */

interface Slots {
  running: number;
  waiting: (() => void)[];
}

/**
 * Runs `work` once fewer than `limit` operations of `kind` run in this process, first come first
 * served. The queue lives on `globalThis` under a symbol: module-scope state would be copied into
 * each deserialized provider (an older state's provider serves its deletes), and one queue must
 * cover all of them; the closure serializer turns values it reaches from string keys of the
 * global object into references to them, and does not look at symbol keys.
 * @param kind - names the queue (one per kind of operation)
 * @param limit - operations at once
 * @param work - the operation
 */
export async function withSlot<T>(kind: string, limit: number, work: () => Promise<T>): Promise<T> {
  const registry = globalThis as unknown as Record<symbol, Slots | undefined>;
  const slots = (registry[Symbol.for(`azureml-retrain.slots.${kind}`)] ??= {
    running: 0,
    waiting: [],
  });
  if (slots.running < limit) slots.running++;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve));
  try {
    return await work();
  } finally {
    // Hand the slot to the next waiter, or give it back.
    const next = slots.waiting.shift();
    if (next) next();
    else slots.running--;
  }
}

/**
 * The provider with its operations that call the service (create, update, read, delete) taken
 * through the slots of `kind`; check and diff call nothing and are left as they are.
 */
export function throughSlots(
  provider: pulumi.dynamic.ResourceProvider,
  kind: string,
  limit: number,
): pulumi.dynamic.ResourceProvider {
  const wrapped: Record<string, unknown> = { ...provider };
  for (const name of ["create", "update", "read", "delete"] as const) {
    const method = provider[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (method)
      wrapped[name] = (...args: unknown[]) => withSlot(kind, limit, () => method(...args));
  }
  return wrapped as unknown as pulumi.dynamic.ResourceProvider;
}
