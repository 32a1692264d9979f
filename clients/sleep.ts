/**
 * Waiting, for the polling loops of the clients and providers.
 *
 * Not `node:timers/promises`: the closure serializer writes each built-in module a provider uses
 * as one top-level `const <local name> = require("<module>")` of `__provider`, keyed by the local
 * name, and compilers give every `.../promises` import the same one (`import_promises` under tsx,
 * `promises_1` under tsc). With `node:fs/promises` in the same provider, only one of the two was
 * written, and the BES wait loop's `sleep` became `fs/promises.setTimeout`: "is not a function".
 * The global timer has no module and no name to collide.
 */

/**
 * Resolves after `ms` milliseconds.
 * @param ms - how long to wait
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
