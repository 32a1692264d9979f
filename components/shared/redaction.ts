import type * as pulumi from "@pulumi/pulumi";
import { redactSecrets } from "../../clients/redact";

/**
 * One redaction wrapper for every provider: whatever a method throws leaves it with the
 * resource's secrets (and SAS signatures, account keys, bearer tokens, see `redactSecrets`)
 * taken out of its message and out of the reasons of a partially created resource, which the
 * engine prints and stores in the checkpoint as `initErrors`.
 */

/** The secrets a resource's properties hold (tokens, keys, connection strings). */
export type SecretsOf = (props: Record<string, unknown>) => readonly (string | undefined)[];

/** An error as a provider method may throw it (a partial create carries `reasons`). */
interface ProviderError extends Error {
  reasons?: unknown;
}

/** Redacts `error` in place (message, stack, init-error reasons) and returns it. */
export function redactError(error: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as ProviderError;
  const before = e.message;
  e.message = redactSecrets(e.message, secrets);
  if (typeof e.stack === "string") {
    e.stack = redactSecrets(e.stack.split(before).join(e.message), secrets);
  }
  if (Array.isArray(e.reasons)) {
    e.reasons = e.reasons.map((r) => (typeof r === "string" ? redactSecrets(r, secrets) : r));
  }
  return e;
}

/** The props a method's arguments carry, by method (create: inputs; update: olds and news; ...). */
function propsOf(method: string, args: unknown[]): Record<string, unknown>[] {
  const objects = (...xs: unknown[]): Record<string, unknown>[] =>
    xs.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null);
  switch (method) {
    case "check":
      return objects(args[0], args[1]);
    case "create":
      return objects(args[0]);
    case "diff":
    case "update":
      return objects(args[1], args[2]);
    default:
      return objects(args[1]);
  }
}

/**
 * The provider with every method's errors redacted of the secrets `secretsOf` finds in its
 * arguments (and of the secret shapes `redactSecrets` knows).
 */
export function redactingProvider(
  provider: pulumi.dynamic.ResourceProvider,
  secretsOf: SecretsOf,
): pulumi.dynamic.ResourceProvider {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(provider)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>).apply(provider, args);
      } catch (e) {
        throw redactError(e, propsOf(name, args).flatMap(secretsOf));
      }
    };
  }
  return wrapped as unknown as pulumi.dynamic.ResourceProvider;
}
